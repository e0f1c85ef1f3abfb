"""The rooms part's dashboard blocks (registered in GroupwareConfig.ready)."""

from groupware.dashboard.sections import DashboardRequest, Section
from groupware.rooms import permissions, selectors


def bookings_today(ask: DashboardRequest) -> Section:
    """Today's bookings at the institution (every facility)."""
    rows = selectors.bookings_between(ask.day_start, ask.day_end)
    return Section.of(rows, 10, "/staff/resources/")


def booking_requests(ask: DashboardRequest) -> Section:
    """Requests waiting for a decision, for booking managers only."""
    if not permissions.can_see_booking_requests(ask.user, ask.institution):
        return Section(available=False)
    return Section.of(selectors.requests_waiting(), 10, "/facilities/manage/")
