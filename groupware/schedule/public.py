"""일정's public face: what the staff dashboard (groupware.dashboard) reads of the calendar.

- ``my_calendar_events(user, start, end)`` — the events the person sees in a window;
- ``Attendee`` (invitations waiting for an answer);
- the occurrence helpers that expand repeating events: ``events_overlapping``,
  ``expand``, ``next_start``, ``still_running``, ``local_midnight``.

The calendar reacts to leave and 인계인수 through registries (``AppConfig.ready``).
"""

from groupware.schedule.models import Attendee
from groupware.schedule.occurrences import (
    events_overlapping,
    expand,
    local_midnight,
    next_start,
    still_running,
)
from groupware.schedule.selectors import my_calendar_events

__all__ = [
    "Attendee",
    "events_overlapping",
    "expand",
    "local_midnight",
    "my_calendar_events",
    "next_start",
    "still_running",
]
