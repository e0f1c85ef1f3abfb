"""The portal on the apex host: find institutions, search everything, see my bookings."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts import access
from portal import index
from tenants.models import Institution

KIND_LABELS = {"facility": _("시설"), "notice": _("공지"), "booking": _("예약")}


def _active_institutions():
    return Institution.objects.filter(status=Institution.Status.ACTIVE).prefetch_related("domains")


def home(request):
    # Only institutions that answer: a suspended one's host shows a 503 page.
    mine = (
        access.institutions_of(request.user).filter(status=Institution.Status.ACTIVE)
        if request.user.is_authenticated
        else []
    )
    latest_notices = index.search(kind="notice")[:6]
    return render(
        request,
        "portal/home.html",
        {
            "institutions": _active_institutions(),
            "my_institutions": mine,
            "latest_notices": latest_notices,
        },
    )


def institution_list(request):
    return render(request, "portal/institutions.html", {"institutions": _active_institutions()})


def search(request):
    """Search facilities and public notices of every active institution."""
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in index.PUBLIC_KINDS else ""
    slug = request.GET.get("institution", "")
    results = index.search(query, kind=kind or None, institution_slug=slug or None)
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/search.html",
        {
            "q": query,
            "kind": kind,
            "institution_slug": slug,
            "page": page,
            "kinds": [(k, KIND_LABELS[k]) for k in index.PUBLIC_KINDS],
            "institutions": _active_institutions(),
            "kind_labels": KIND_LABELS,
        },
    )


@login_required
def my_bookings(request):
    """All my bookings, across institutions, from the portal index."""
    entries = index.personal(request.user, kind="booking").order_by("-updated_at")
    page = Paginator(entries, 20).get_page(request.GET.get("page"))
    return render(request, "portal/my_bookings.html", {"page": page})
