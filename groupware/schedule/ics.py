"""iCalendar (RFC 5545) feed of one calendar, for Google Calendar and Outlook."""

from datetime import UTC, datetime, time, timedelta

import icalendar
from django.utils import timezone

from groupware.schedule.models import Attendee, Calendar, Event

PRODID = "-//Agency Cloud Suite//Groupware Calendar//KO"


def _local(dt):
    return timezone.localtime(dt)


def feed_events(calendar: Calendar):
    """The calendar's events; a personal feed also carries accepted or pending invitations."""
    events = Event.objects.filter(calendar=calendar)
    if calendar.kind == Calendar.Kind.PERSONAL and calendar.owner_id:
        invited = Attendee.objects.filter(user_id=calendar.owner_id).exclude(
            status=Attendee.Status.DECLINED
        )
        events = Event.objects.filter(calendar=calendar) | Event.objects.filter(
            pk__in=invited.values("event_id")
        )
    return (
        events.select_related("calendar")
        .prefetch_related("attendees__user", "exceptions")
        .distinct()
    )


def _when(event, moment):
    """A moment in the form of the event's DTSTART: a DATE for all-day events, else local time."""
    return _local(moment).date() if event.all_day else _local(moment)


def build_feed(calendar: Calendar, *, host: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar.name)
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    now = timezone.now()
    for event in feed_events(calendar):
        vevent = icalendar.Event()
        vevent.add("uid", f"{event.uid}@{host}")
        vevent.add("dtstamp", now)
        vevent.add("summary", event.title)
        if event.all_day:
            start = _local(event.starts_at).date()
            end = _local(event.ends_at).date()
            vevent.add("dtstart", start)
            vevent.add("dtend", max(end, start + timedelta(days=1)))
        else:
            vevent.add("dtstart", _local(event.starts_at))
            vevent.add("dtend", _local(event.ends_at))
        if event.place:
            vevent.add("location", event.place)
        if event.description:
            vevent.add("description", event.description)
        if event.repeat:
            rule = {"freq": event.repeat}
            if event.repeat_until:
                if event.all_day:
                    rule["until"] = event.repeat_until
                else:
                    # UNTIL must be UTC when DTSTART has a time zone (RFC 5545 3.3.10)
                    end_of_day = timezone.make_aware(
                        datetime.combine(event.repeat_until, time(23, 59, 59))
                    )
                    rule["until"] = end_of_day.astimezone(UTC)
            vevent.add("rrule", rule)
            cancelled = [x.original_start for x in event.exceptions.all() if x.cancelled]
            if cancelled:
                vevent.add("exdate", [_when(event, start) for start in cancelled])
        vevent.add("sequence", event.sequence)
        vevent.add("created", event.created_at)
        vevent.add("last-modified", event.updated_at)
        _add_attendees(vevent, event)
        cal.add_component(vevent)
        if event.repeat:
            for exception in event.exceptions.all():
                if not exception.cancelled:
                    cal.add_component(_override(event, exception, host=host, now=now))
    cal.add_missing_timezones()
    return cal.to_ical()


def _override(event, exception, *, host: str, now):
    """One changed occurrence: a VEVENT with the series' UID and a RECURRENCE-ID."""
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.uid}@{host}")
    vevent.add("dtstamp", now)
    vevent.add("recurrence-id", _when(event, exception.original_start))
    vevent.add("summary", exception.title or event.title)
    start, end = _when(event, exception.starts_at), _when(event, exception.ends_at)
    if event.all_day:
        end = max(end, start + timedelta(days=1))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    if exception.place:
        vevent.add("location", exception.place)
    if exception.description:
        vevent.add("description", exception.description)
    vevent.add("sequence", event.sequence)
    vevent.add("last-modified", exception.updated_at)
    _add_attendees(vevent, event)
    return vevent


def _add_attendees(vevent, event) -> None:
    for attendee in event.attendees.all():
        partstat = {
            Attendee.Status.PENDING: "NEEDS-ACTION",
            Attendee.Status.ACCEPTED: "ACCEPTED",
            Attendee.Status.DECLINED: "DECLINED",
        }[attendee.status]
        address = icalendar.vCalAddress(f"mailto:{attendee.user.email}")
        address.params["cn"] = icalendar.vText(attendee.user.name or attendee.user.email)
        address.params["partstat"] = icalendar.vText(partstat)
        address.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        vevent.add("attendee", address, encode=0)
