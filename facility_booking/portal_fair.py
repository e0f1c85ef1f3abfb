"""Fair booking in the resident's portal hub (/portal/my/): one personal entry per person,
institution and kind (추첨 신청, 예약대기, 정기대관) pointing at that institution's own
page, where the live state (results, place in line, every date) is read. Written in the
caller's transaction through ``portal.public`` when the person applies, so the hub (which
reads only the public schema) lists it at once. The entry records the latest activity as a
dated fact; it never claims a live status that could go stale."""

from __future__ import annotations

from typing import cast

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facility_booking.portal import current_institution
from portal import public as portal
from suite.dates import kdate

KIND = "fair_booking"

TITLES = {
    "lottery": _("추첨 신청 내역"),
    "waitlist": _("예약대기 내역"),
    "series": _("정기대관 내역"),
}
ROUTES = {
    "lottery": "facility_booking:my_lottery",
    "waitlist": "facility_booking:my_waitlist",
    "series": "facility_booking:my_series",
}


def publish_activity(*, user, what: str, text: str, institution=None) -> None:
    """Record in the hub that ``user`` did ``what`` (lottery | waitlist | series) here."""
    institution = institution or current_institution()
    if institution is None or user is None or not getattr(user, "pk", None):
        return
    now = timezone.now()
    portal.publish(
        institution=institution,
        kind=KIND,
        key=f"{what}:{user.pk}",
        title=str(TITLES[what]),
        summary=f"{kdate(now)} {text}"[:300],
        route=ROUTES[what],
        owner=user,
        data={"what": what, "at": now.isoformat()},
    )


def hub_items(user) -> list[dict]:
    """The person's fair-booking entries at every active institution, newest first."""
    return [
        {
            "title": str(TITLES.get((entry.data or {}).get("what", ""), entry.title)),
            "summary": entry.summary,
            "institution_name": entry.institution.name,
            "link": entry.link,
        }
        for entry in portal.personal(user, kind=KIND).order_by("-updated_at", "-id")[:30]
    ]


def register_hub_section() -> None:
    """Called from AppConfig.ready."""
    portal.register_hub_section(
        portal.HubSection(
            key="fair_booking",
            title=cast(str, _("추첨·예약대기·정기대관")),  # lazy: shown in the reader's language
            items=hub_items,
            template="facility_booking/fair/_hub.html",
            order=40,
        )
    )
