"""Platform console views: operators (superusers) only."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tenants.models import Institution


def operator_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_platform_operator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@operator_required
def institution_list(request):
    institutions = Institution.objects.prefetch_related("domains").order_by("name")
    return render(request, "console/institutions.html", {"institutions": institutions})
