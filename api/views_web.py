"""The token pages of the profile: create (secret shown once) and revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import ApiTokenForm
from api.tokens import token_create, token_for_user, token_revoke


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create_view(request):
    """GET: the form. POST: create and show the plain token once (never stored, never redirected)."""
    initial = {}
    if getattr(request, "institution", None) is not None:
        initial["institution"] = request.institution  # least privilege by default
    form = ApiTokenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                institution=form.cleaned_data["institution"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            example_url = (
                token.institution.absolute_url("/api/v1/me/")
                if token.institution_id
                else request.build_absolute_uri("/api/v1/me/")
            )
            return render(
                request,
                "api/token_created.html",
                {"token": token, "raw_token": raw, "example_url": example_url},
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "api/token_form.html", {"form": form}, status=status)


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = token_for_user(user=request.user, token_id=pk)
    token = token_revoke(user=request.user, token=token)
    messages.success(request, _("토큰 '%(name)s'을(를) 폐기했습니다.") % {"name": token.name})
    return redirect("accounts:profile")
