"""Display helpers: Korean date/time/money formats (2026. 11. 25., 15:20, 12,000원)."""

from django import template
from django.utils.translation import gettext

from suite import dates

register = template.Library()

WEEKDAYS = dates.WEEKDAYS

# Korean date/time formats come from the one formatter (suite.dates).
register.filter("kdate", dates.kdate)
register.filter("kdate_wd", dates.kdate_weekday)
register.filter("ktime", dates.ktime)
register.filter("kdatetime", dates.kdatetime)


@register.filter
def won(value) -> str:
    try:
        return gettext("%(amount)s원") % {"amount": f"{int(value):,}"}
    except (TypeError, ValueError):
        return ""


@register.filter
def status_badge(status: str) -> str:
    return {
        "requested": "warn",
        "approved": "warn",
        "paid": "ok",
        "completed": "ok",
        "rejected": "danger",
        "cancelled": "danger",
        "expired": "danger",
        "no_show": "danger",
        "blocked": "",
    }.get(status, "")


@register.filter
def weekday_label(value: int) -> str:
    return dates.weekday_label(value)


@register.filter
def round_phase(round, now) -> str:
    """A lottery round's phase in words (신청 예정, 신청 중, 추첨 대기, …) at ``now``."""
    return round.phase_label(now)


@register.inclusion_tag("facility_booking/fair/_standing.html", takes_context=True)
def fair_standing(context, facility):
    """The facility's fairness rules in words and, for a signed-in person, a restriction
    in force (reason, end) and their bookings this week / month against the limits."""
    from django.utils import timezone

    from facility_booking.services import fairness

    request = context.get("request")
    user = getattr(request, "user", None)
    rule = fairness.rules_of(facility)
    return {
        "rule": rule,
        "shown": fairness.has_rules(rule),
        "standing": fairness.standing(user, facility, timezone.now()) if user else None,
        "scope_all": rule.scope == "institution",
    }
