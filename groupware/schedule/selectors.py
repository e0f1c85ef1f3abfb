"""Calendars and events as the asking person may see them: what they may not see
answers the same 404 as what does not exist; seen but not writable is 403."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts import access
from groupware.schedule.models import Attendee, Calendar, Event
from groupware.schedule.permissions import can_read_calendar, can_read_event, can_write_calendar


def readable_calendars(user, institution):
    if not access.is_member(user, institution):
        return Calendar.objects.none()
    return Calendar.objects.filter(~Q(kind=Calendar.Kind.PERSONAL) | Q(owner=user)).select_related(
        "department"
    )


def calendar_for(user, institution, pk) -> Calendar:
    """The calendar the person may read, else 404 (someone else's personal one too)."""
    calendar = Calendar.objects.filter(pk=pk).first()
    if calendar is None or not can_read_calendar(user, institution, calendar):
        raise Http404
    return calendar


def event_for(user, institution, pk, *, write: bool = False) -> Event:
    """The event the person may see, else 404; ``write``: seen but not writable is 403."""
    event = Event.objects.select_related("calendar").filter(pk=pk).first()
    if event is None or not can_read_event(user, institution, event):
        raise Http404
    if write and not can_write_calendar(user, institution, event.calendar):
        raise PermissionDenied
    return event


def my_calendar_events(user, dept_chain):
    """Events of my calendars (personal, department chain, institution) and my invitations."""
    return Event.objects.filter(
        Q(calendar__kind=Calendar.Kind.PERSONAL, calendar__owner=user)
        | Q(calendar__kind=Calendar.Kind.INSTITUTION)
        | Q(calendar__kind=Calendar.Kind.DEPARTMENT, calendar__department_id__in=dept_chain)
        | Q(
            pk__in=Attendee.objects.filter(user=user)
            .exclude(status=Attendee.Status.DECLINED)
            .values("event_id")
        )
    ).select_related("calendar")
