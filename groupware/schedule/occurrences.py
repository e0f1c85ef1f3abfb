"""Expand events (with RRULE repetition) into the occurrences a view shows.

Repetition is computed in the institution's local time so that "every Monday
09:00" stays 09:00 on every occurrence.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil import rrule as du_rrule
from django.utils import timezone

FREQ = {"WEEKLY": du_rrule.WEEKLY, "MONTHLY": du_rrule.MONTHLY}


@dataclass
class Item:
    """One thing on the calendar: an event occurrence, a leave, an absence, a booking."""

    title: str
    start: datetime
    end: datetime
    all_day: bool = False
    kind: str = "event"  # event | leave | absence | booking
    url: str = ""
    color: str = "#0b57d0"
    place: str = ""
    event: object = None
    calendar_name: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def local_start(self) -> datetime:
        return timezone.localtime(self.start)

    @property
    def local_end(self) -> datetime:
        return timezone.localtime(self.end)

    def days(self) -> list[date]:
        """The local dates this item covers (end exclusive for all-day items)."""
        first = self.local_start.date()
        last_moment = self.local_end - timedelta(microseconds=1)
        last = max(first, last_moment.date())
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def occurrence_starts(event, window_start: datetime, window_end: datetime) -> list[datetime]:
    """Start times of the event's occurrences overlapping [window_start, window_end)."""
    duration = event.ends_at - event.starts_at
    if not event.repeat:
        if event.starts_at < window_end and event.ends_at > window_start:
            return [event.starts_at]
        return []
    tz = timezone.get_current_timezone()
    dtstart = timezone.localtime(event.starts_at, tz).replace(tzinfo=None)
    until = None
    if event.repeat_until:
        until = datetime.combine(event.repeat_until, time.max)
    rule = du_rrule.rrule(FREQ[event.repeat], dtstart=dtstart, until=until)
    lo = timezone.localtime(window_start - duration, tz).replace(tzinfo=None)
    hi = timezone.localtime(window_end, tz).replace(tzinfo=None)
    starts = []
    for naive in rule.between(lo, hi, inc=True):
        aware = timezone.make_aware(naive, tz)
        if aware < window_end and aware + duration > window_start:
            starts.append(aware)
        if len(starts) > 400:  # a window never needs more; guards odd inputs
            break
    return starts


def expand(events, window_start: datetime, window_end: datetime) -> list[Item]:
    items = []
    for event in events:
        duration = event.ends_at - event.starts_at
        for start in occurrence_starts(event, window_start, window_end):
            items.append(
                Item(
                    title=event.title,
                    start=start,
                    end=start + duration,
                    all_day=event.all_day,
                    kind="event",
                    url=f"/staff/calendar/events/{event.pk}/",
                    color=event.calendar.color,
                    place=event.place,
                    event=event,
                    calendar_name=event.calendar.name,
                )
            )
    return items


def events_overlapping(queryset, window_start: datetime, window_end: datetime):
    """Events that may have an occurrence in the window (repeating ones checked later)."""
    from django.db.models import Q

    return queryset.filter(
        Q(repeat="", starts_at__lt=window_end, ends_at__gt=window_start)
        | (
            ~Q(repeat="")
            & Q(starts_at__lt=window_end)
            & (
                Q(repeat_until__isnull=True)
                | Q(repeat_until__gte=timezone.localdate(window_start) - timedelta(days=31))
            )
        )
    )
