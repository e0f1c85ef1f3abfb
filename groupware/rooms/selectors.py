"""Internal rooms and vehicles as a member sees them (facility_booking.public underneath)."""

from django.http import Http404

from facility_booking import public as booking


def internal_facilities(user, institution):
    """Active internal facilities (meeting rooms, vehicles) of this institution."""
    return booking.internal_facilities(user, institution).order_by("kind", "name")


def internal_facility(user, institution, pk):
    """One of them, else 404 (a public hall or a bad id alike)."""
    try:
        return internal_facilities(user, institution).get(pk=int(pk))
    except (booking.Facility.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def bookings_between(start, end, *, internal_only: bool = False, facility=None):
    """Slot-holding bookings overlapping [start, end), with their facility."""
    return booking.bookings_between(start, end, internal_only=internal_only, facility=facility)


def my_bookings(user, now):
    """The member's internal bookings not yet over, each with what the member may do with
    it now (``allowed_actions``: the page offers 취소 exactly when cancelling is allowed)."""
    return [
        (row, booking.allowed_actions(row, staff=False, now=now))
        for row in booking.internal_bookings_of(user, now)
    ]


def requests_waiting():
    """Booking requests awaiting a manager's decision, oldest first."""
    return booking.queue()
