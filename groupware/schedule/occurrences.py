"""Expand events (with RRULE repetition) into the occurrences a view shows.

Repetition is computed in the institution's local time so that "every Monday
09:00" stays 09:00 on every occurrence.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil import rrule as du_rrule
from django.utils import timezone

from groupware.schedule.colours import event_colour

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


def rule_of(event):
    """The dateutil rule of a repeating event, in naive local time."""
    tz = timezone.get_current_timezone()
    dtstart = timezone.localtime(event.starts_at, tz).replace(tzinfo=None)
    until = None
    if event.repeat_until:
        until = datetime.combine(event.repeat_until, time.max)
    return du_rrule.rrule(FREQ[event.repeat], dtstart=dtstart, until=until)


def is_occurrence(event, start: datetime) -> bool:
    """Whether ``start`` is a start the event's rule gives (cancelled or changed ones too)."""
    if not event.repeat:
        return start == event.starts_at
    tz = timezone.get_current_timezone()
    naive = timezone.localtime(start, tz).replace(tzinfo=None)
    return naive in rule_of(event).between(naive, naive, inc=True)


def occurrence_starts(
    event, window_start: datetime, window_end: datetime, *, skip=frozenset()
) -> list[datetime]:
    """Start times of the event's occurrences overlapping [window_start, window_end).

    ``skip`` holds the original starts of cancelled or changed occurrences.
    """
    duration = event.ends_at - event.starts_at
    if not event.repeat:
        if event.starts_at < window_end and event.ends_at > window_start:
            return [event.starts_at]
        return []
    tz = timezone.get_current_timezone()
    rule = rule_of(event)
    lo = timezone.localtime(window_start - duration, tz).replace(tzinfo=None)
    hi = timezone.localtime(window_end, tz).replace(tzinfo=None)
    starts = []
    for naive in rule.between(lo, hi, inc=True):
        aware = timezone.make_aware(naive, tz)
        if aware in skip:
            continue
        if aware < window_end and aware + duration > window_start:
            starts.append(aware)
        if len(starts) > 400:  # a window never needs more; guards odd inputs
            break
    return starts


def occurrence_key(start: datetime) -> str:
    """The occurrence's original start as it appears in URLs (local time, ``20261125T090000``)."""
    return timezone.localtime(start).strftime("%Y%m%dT%H%M%S")


def parse_occurrence_key(key: str) -> datetime | None:
    try:
        naive = datetime.strptime(key or "", "%Y%m%dT%H%M%S")  # noqa: DTZ007
    except ValueError:
        return None
    if not 1900 <= naive.year <= 2200:
        return None
    return timezone.make_aware(naive)


def exceptions_by_event(events) -> dict[int, list]:
    """The exceptions of the repeating events among ``events``, in one query (or none)."""
    from groupware.schedule.models import EventException

    repeating = [e for e in events if e.repeat]
    result = {e.pk: [] for e in repeating}
    cached = [e for e in repeating if "exceptions" in getattr(e, "_prefetched_objects_cache", {})]
    for event in cached:
        result[event.pk] = list(event.exceptions.all())
    rest = [e.pk for e in repeating if e not in cached]
    if rest:
        for exc in EventException.objects.filter(event_id__in=rest):
            result[exc.event_id].append(exc)
    return result


def expand(events, window_start: datetime, window_end: datetime) -> list[Item]:
    events = list(events)
    exceptions = exceptions_by_event(events)
    items = []
    for event in events:
        duration = event.ends_at - event.starts_at
        changed = exceptions.get(event.pk, [])
        skip = frozenset(exc.original_start for exc in changed)
        for start in occurrence_starts(event, window_start, window_end, skip=skip):
            items.append(_item(event, start, start + duration, repeating=bool(event.repeat)))
        for exc in changed:
            if exc.cancelled or not (exc.starts_at < window_end and exc.ends_at > window_start):
                continue
            items.append(
                _item(
                    event,
                    exc.starts_at,
                    exc.ends_at,
                    repeating=True,
                    original_start=exc.original_start,
                    title=exc.title or event.title,
                    place=exc.place,
                )
            )
    return items


def _item(event, start, end, *, repeating, original_start=None, title=None, place=None) -> Item:
    url = f"/staff/calendar/events/{event.pk}/"
    if repeating:
        url += f"?occ={occurrence_key(original_start or start)}"
    return Item(
        title=title if title is not None else event.title,
        start=start,
        end=end,
        all_day=event.all_day,
        kind="event",
        url=url,
        color=event_colour(event.calendar.color),
        place=place if place is not None else event.place,
        event=event,
        calendar_name=event.calendar.name,
        extra={"changed": original_start is not None},
    )


def events_overlapping(queryset, window_start: datetime, window_end: datetime):
    """Events that may have an occurrence in the window (repeating ones checked later).

    A repeating event whose single changed occurrence was moved into the window counts too.
    """
    from django.db.models import Q

    from groupware.schedule.models import EventException

    moved_in = EventException.objects.filter(
        cancelled=False, starts_at__lt=window_end, ends_at__gt=window_start
    ).values("event_id")
    return queryset.filter(
        Q(pk__in=moved_in)
        | Q(repeat="", starts_at__lt=window_end, ends_at__gt=window_start)
        | (
            ~Q(repeat="")
            & Q(starts_at__lt=window_end)
            & (
                Q(repeat_until__isnull=True)
                | Q(repeat_until__gte=timezone.localdate(window_start) - timedelta(days=31))
            )
        )
    )


def still_running(now: datetime, prefix: str = ""):
    """Q for events with an occurrence still to end: a one-off not over, or a series not ended.

    ``prefix`` reaches the event through a relation (``"event__"`` from an attendee).
    """
    from django.db.models import Q

    def q(**kwargs):
        return Q(**{prefix + key: value for key, value in kwargs.items()})

    return q(ends_at__gt=now) | (
        ~q(repeat="")
        & (q(repeat_until__isnull=True) | q(repeat_until__gte=timezone.localdate(now)))
    )


def next_start(event, now: datetime) -> datetime:
    """When the event next starts (or is under way); its first start if it has no later one.

    Single occurrences deleted or changed are not looked at: this is for a one-line summary.
    """
    if not event.repeat or event.ends_at > now:
        return event.starts_at
    tz = timezone.get_current_timezone()
    duration = event.ends_at - event.starts_at
    after = timezone.localtime(now - duration, tz).replace(tzinfo=None)
    naive = rule_of(event).after(after)
    return timezone.make_aware(naive, tz) if naive else event.starts_at
