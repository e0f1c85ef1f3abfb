"""The portal on the apex host: find institutions, and (later) search everything."""

from django.shortcuts import render

from accounts import access
from tenants.models import Institution


def home(request):
    institutions = Institution.objects.filter(status=Institution.Status.ACTIVE).prefetch_related(
        "domains"
    )
    mine = access.institutions_of(request.user) if request.user.is_authenticated else []
    return render(
        request, "portal/home.html", {"institutions": institutions, "my_institutions": mine}
    )


def institution_list(request):
    institutions = Institution.objects.filter(status=Institution.Status.ACTIVE).prefetch_related(
        "domains"
    )
    return render(request, "portal/institutions.html", {"institutions": institutions})
