"""Calendar capabilities: who sees and who writes which calendar and event.

What a person may not see at all answers the same 404 as what does not exist
(someone else's personal calendar must not even be confirmed); what they may see
but not change answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts import access
from groupware.schedule.models import Attendee, Calendar, Event


def _user_department_chain(user) -> list[int]:
    from groupware.org import chain_up, profile_of

    cache = user.__dict__.setdefault("_gw_dept_chain", {})
    if "chain" not in cache:
        profile = profile_of(user)
        cache["chain"] = (
            chain_up(profile.department_id) if profile and profile.department_id else []
        )
    return cache["chain"]


def can_read_calendar(user, institution, calendar: Calendar) -> bool:
    """Shared calendars: every member. Personal: the owner only."""
    if not access.is_member(user, institution):
        return False
    if calendar.kind == Calendar.Kind.PERSONAL:
        return calendar.owner_id == user.pk
    return True


def can_write_calendar(user, institution, calendar: Calendar) -> bool:
    """Personal: owner; department: its members (sub-departments too) and admins; institution: admins."""
    if not access.is_member(user, institution):
        return False
    if calendar.kind == Calendar.Kind.PERSONAL:
        return calendar.owner_id == user.pk
    if access.is_institution_admin(user, institution):
        return True
    if calendar.kind == Calendar.Kind.DEPARTMENT:
        return calendar.department_id in _user_department_chain(user)
    return False


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


def can_read_event(user, institution, event: Event) -> bool:
    if can_read_calendar(user, institution, event.calendar):
        return True
    return (
        access.is_member(user, institution)
        and Attendee.objects.filter(event=event, user=user).exists()
    )


def event_for(user, institution, pk, *, write: bool = False) -> Event:
    """The event the person may see, else 404; ``write``: seen but not writable is 403."""
    event = Event.objects.select_related("calendar").filter(pk=pk).first()
    if event is None or not can_read_event(user, institution, event):
        raise Http404
    if write and not can_write_calendar(user, institution, event.calendar):
        raise PermissionDenied
    return event
