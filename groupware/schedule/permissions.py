"""Calendar capabilities: who sees and who writes which calendar and event.

What a person may not see at all answers the same 404 as what does not exist
(someone else's personal calendar must not even be confirmed); what they may see
but not change answers 403.
"""

from accounts import access
from groupware.public import department_chain_of
from groupware.schedule.models import Attendee, Calendar, Event


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
        return calendar.department_id in department_chain_of(user)
    return False


def can_read_event(user, institution, event: Event) -> bool:
    if can_read_calendar(user, institution, event.calendar):
        return True
    return (
        access.is_member(user, institution)
        and Attendee.objects.filter(event=event, user=user).exists()
    )
