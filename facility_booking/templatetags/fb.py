"""Display helpers: Korean date/time/money formats (2026. 11. 25., 15:20, 12,000원)."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

register = template.Library()

WEEKDAYS = [
    pgettext_lazy("weekday", "월"),
    pgettext_lazy("weekday", "화"),
    pgettext_lazy("weekday", "수"),
    pgettext_lazy("weekday", "목"),
    pgettext_lazy("weekday", "금"),
    pgettext_lazy("weekday", "토"),
    pgettext_lazy("weekday", "일"),
]


def _local(value):
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value)
    return value


@register.filter
def kdate(value) -> str:
    if not value:
        return ""
    value = _local(value)
    return f"{value.year}. {value.month}. {value.day}."


@register.filter
def kdate_wd(value) -> str:
    if not value:
        return ""
    value = _local(value)
    return f"{value.year}. {value.month}. {value.day}.({WEEKDAYS[value.weekday()]})"


@register.filter
def ktime(value) -> str:
    if not value:
        return ""
    value = _local(value)
    return f"{value:%H:%M}"


@register.filter
def kdatetime(value) -> str:
    if not value:
        return ""
    return f"{kdate(value)} {ktime(value)}"


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
    return str(WEEKDAYS[int(value)])
