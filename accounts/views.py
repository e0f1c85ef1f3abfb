"""Sign-up, log-in, log-out, password reset, profile, invitations and the sign-in hop."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import browser, mfa
from accounts.forms import AcceptInviteForm, LoginForm, PasswordResetForm, ProfileForm, SignupForm
from accounts.services import user_signup
from accounts.sessions import browser_sign_out
from api.tokens import tokens_for
from privacy.public import PHONE_KEYS, consent_withdraw, record_consents
from tenants.models import Domain, apex_url

SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}
SSO_SALT = "accounts.sso"
SSO_MAX_AGE = 60
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _is_institution_host(request) -> bool:
    return getattr(request, "institution", None) is not None


@require_http_methods(["GET", "POST"])
def login_view(request):
    """Log in on the apex. On an institution host, sign in through the apex (one sign-in),
    in the language this page was shown in."""
    next_url = _safe_next(request)
    if _is_institution_host(request):
        return HttpResponseRedirect(hop_url(request, next_url))
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if mfa.has_two_factor(user):
            # Password is right; the session starts only once the code is right too.
            request.session[mfa.PENDING_KEY] = {
                "uid": user.pk,
                "next": next_url,
                "at": int(time.time()),
            }
            return redirect(f"{reverse('accounts:mfa_verify')}?{urlencode({'next': next_url})}")
        login(request, user, backend=BACKEND)
        return redirect(next_url)
    status = 200 if request.method == "GET" else (429 if form.locked_seconds else 400)
    response = render(
        request, "accounts/login.html", {"form": form, "next": next_url}, status=status
    )
    if form.locked_seconds:
        response["Retry-After"] = str(form.locked_seconds)
    return response


def _host_is_ours(host: str) -> bool:
    hostname = host.split(":")[0].lower()
    return hostname == settings.SUITE_DOMAIN or Domain.objects.filter(domain=hostname).exists()


def hop_url(request, next_url: str, *, silent: bool = False, language: str = "") -> str:
    """The apex's sign-in hop back to this institution host, then to ``next_url``.
    ``silent``: never ask to sign in (the answer may be "nobody"); ``language``: a choice
    to remember on the portal on the way."""
    return_url = request.build_absolute_uri(reverse("accounts:sso_accept"))
    params = {"return": return_url, "next": next_url}
    if silent:
        params["prompt"] = "none"
    language = language or getattr(request, "LANGUAGE_CODE", "")
    if language in SUPPORTED_LANGUAGES:
        params["lang"] = language
    return apex_url(f"/accounts/sso/?{urlencode(params)}")


def sso_begin(request):
    """Apex: hand a signed, short-lived ticket to an institution host of ours — for the
    person signed in here, or (``prompt=none``) for nobody, so the host learns this
    browser either way. A ``lang`` choice is kept here too (cookie, browser, account)."""
    return_url = request.GET.get("return", "")
    next_url = request.GET.get("next", "/")
    from urllib.parse import urlparse

    parsed = urlparse(return_url)
    if (
        parsed.scheme not in ("http", "https")
        or not parsed.netloc
        or not _host_is_ours(parsed.netloc)
    ):
        return HttpResponseBadRequest(_("잘못된 요청입니다."))
    language = request.GET.get("lang", "")
    if language not in SUPPORTED_LANGUAGES:
        language = ""
    signed_in = request.user.is_authenticated
    if not signed_in and request.GET.get("prompt") != "none":
        here = request.get_full_path()
        response = HttpResponseRedirect(reverse("accounts:login") + "?" + urlencode({"next": here}))
        return keep_language(request, response, language)
    ticket = signing.dumps(
        {
            "uid": request.user.pk if signed_in else None,
            "host": parsed.netloc.lower(),
            "mfa": signed_in and mfa.is_verified(request),
            "b": browser.hand_over(request),
            "lang": language,
        },
        salt=SSO_SALT,
    )
    target = f"{return_url}?{urlencode({'ticket': ticket, 'next': next_url})}"
    if _is_platform_subdomain(parsed.hostname or ""):
        response = HttpResponseRedirect(target)
    else:
        # An institution's own domain: a form's CSP (form-action) would stop a redirect
        # chain that leaves the platform's domains, so the last step is a page that moves
        # on by itself (meta refresh) with a link.
        response = render(request, "accounts/hop_continue.html", {"target": target})
    return keep_language(request, response, language)


def _is_platform_subdomain(hostname: str) -> bool:
    domain = settings.SUITE_DOMAIN
    hostname = hostname.lower()
    return hostname == domain or hostname.endswith("." + domain)


def keep_language(request, response, language: str):
    """A language chosen on another host, kept here: cookie, this browser, the account."""
    if language in SUPPORTED_LANGUAGES:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        browser.remember_language(request, language)
        if request.user.is_authenticated and request.user.preferred_language != language:
            get_user_model().objects.filter(pk=request.user.pk).update(preferred_language=language)
    return response


def sso_accept(request):
    """Institution host: exchange a ticket from the apex for a session here (or, for a
    "nobody" ticket, just learn the browser: its sign-out and language follow it)."""
    next_url = _safe_next(request)
    try:
        data = signing.loads(request.GET.get("ticket", ""), salt=SSO_SALT, max_age=SSO_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("로그인 정보가 만료되었습니다. 다시 로그인해 주세요."))
        return redirect("home")
    if data.get("host") != request.get_host().lower():
        return HttpResponseBadRequest(_("잘못된 요청입니다."))
    # One use per ticket: a replayed ticket is refused.
    if not cache.add(f"sso-ticket:{request.GET['ticket'][-40:]}", 1, timeout=SSO_MAX_AGE * 2):
        return redirect(next_url)
    handed = browser.take_over(str(data.get("b") or ""))
    if handed:
        browser.adopt(request, handed)
    language = data.get("lang") if data.get("lang") in SUPPORTED_LANGUAGES else ""
    response = redirect(next_url)
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    if data.get("uid") is None:
        return response
    user = get_user_model().objects.filter(pk=data.get("uid"), is_active=True).first()
    if user is None:
        return redirect("home")
    if not (request.user.is_authenticated and request.user.pk == user.pk):
        login(request, user, backend=BACKEND)
    if data.get("mfa"):
        mfa.mark_verified(request)
    return response


@require_POST
def logout_view(request):
    """Sign out everywhere in one click: this browser's sessions on the portal and on
    every institution host end now (accounts/browser.py), with no question in between."""
    browser_sign_out(request)
    messages.info(request, _("로그아웃했습니다. 포털과 모든 기관에서 로그아웃되었습니다."))
    return redirect("home")


def logout_done(request):
    """Where sign-outs used to land on the portal; the sign-out is done, nothing to ask."""
    return redirect("home")


@require_http_methods(["GET", "POST"])
def signup_view(request):
    if _is_institution_host(request):
        return HttpResponseRedirect(apex_url(reverse("accounts:signup")))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_signup(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
            phone=form.cleaned_data["phone"],
        )
        record_consents(user=user, form=form, request=request, context="signup")
        login(request, user, backend=BACKEND)
        messages.success(
            request, _("가입을 환영합니다. 이제 모든 기관의 시설을 예약할 수 있습니다.")
        )
        return redirect(_safe_next(request, reverse("home")))
    return render(
        request,
        "accounts/signup.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _hub_settings_url(request) -> str:
    """The resident hub's settings page, on the portal (apex) host, built for this request."""
    path = reverse("portal:my_settings", urlconf="suite.urls_public")
    return path if getattr(request, "institution", None) is None else apex_url(path)


@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if not form.phone_consented and form.cleaned_data.get("phone"):
            record_consents(user=request.user, form=form, request=request, context="profile")
        elif form.phone_consented and not form.cleaned_data.get("phone"):
            consent_withdraw(user_id=request.user.pk, keys=PHONE_KEYS)
        messages.success(request, _("프로필을 저장했습니다."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.filter(is_active=True).select_related("institution")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": memberships,
            # the person's API tokens (the api app is always installed: a real dependency)
            "api_tokens": tokens_for(request.user),
            # birth date, address, verified phone and channels live in the portal's hub
            "hub_settings_url": _hub_settings_url(request),
        },
        status=400 if request.method == "POST" else 200,
    )


class InviteAcceptView(auth_views.PasswordResetConfirmView):
    """The link in an invitation: choose a name and a password, then you are in."""

    template_name = "accounts/invite_accept.html"
    form_class = AcceptInviteForm
    post_reset_login = True
    post_reset_login_backend = BACKEND

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.user is not None:
            kwargs.setdefault("initial", {})["name"] = self.user.name
        return kwargs

    def get_success_url(self):
        messages.success(self.request, _("비밀번호를 설정했습니다. 환영합니다."))
        return reverse("home")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm  # the mail goes through the outbox
    email_template_name = "email/password_reset.txt"
    subject_template_name = "email/password_reset_subject.txt"

    def get_success_url(self):
        return reverse("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"

    def get_success_url(self):
        return reverse("accounts:password_reset_complete")
