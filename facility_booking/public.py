"""The block this app contributes to the institution's public home page."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from facility_booking import selectors


def home_section(request):
    facilities = list(selectors.facilities_visible(request.user, request.institution)[:6])
    if not facilities:
        return None
    return {
        "title": _("대관 가능한 시설"),
        "html": render_to_string(
            "facility_booking/_home_section.html", {"facilities": facilities}, request=request
        ),
    }
