"""Program facts shown in the reader's language: ``{{ entry|program_period }}``.

The portal index keeps a Korean ``period_label`` written when the program was indexed;
pages build the period from the entry's own dates, weekdays and times instead, so an
English page reads "Dec 3, 2026 ~ Jan 28, 2027 (Mon/Wed/Fri) 09:00–10:00"."""

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from suite import dates

register = template.Library()


def period_text(start_date, end_date, weekdays, start_time, end_time) -> str:
    """2026. 12. 3. ~ 2027. 1. 28. (월수금) 09:00–10:00 in Korean; the current language's
    date format and weekday names otherwise."""
    text = dates.kdate(start_date)
    if end_date != start_date:
        text += f" ~ {dates.kdate(end_date)}"
    names = [dates.weekday_label(d) for d in weekdays or []]
    separator = "" if (get_language() or "ko").startswith("ko") else "/"
    days = f"({separator.join(names)})" if names else ""
    time = f"{dates.ktime(start_time)}–{dates.ktime(end_time)}"
    return " ".join(p for p in (text, days, time) if p)


@register.filter
def program_period(entry) -> str:
    """A program's portal entry: its period in the reader's language (the stored label
    when the entry has no dates)."""
    data = getattr(entry, "data", None) or {}
    starts, ends = getattr(entry, "starts_at", None), getattr(entry, "ends_at", None)
    if starts is None or ends is None:
        return data.get("period_label", "")
    starts, ends = timezone.localtime(starts), timezone.localtime(ends)
    return period_text(
        starts.date(), ends.date(), data.get("weekdays") or [], starts.time(), ends.time()
    )


@register.filter
def program_audience(entry) -> str:
    """Who a program is for, in the reader's language (the index keeps a Korean label)."""
    from programs.models import Audience

    code = getattr(entry, "audience", "") or ""
    if code in Audience.values:
        return str(Audience(code).label)
    return (getattr(entry, "data", None) or {}).get("audience_label", "")
