"""facility_booking's public face: the block on the institution's public home page, what
the staff workspace (groupware.rooms) uses to list and book internal rooms and vehicles,
``allowed_actions`` and ``status_label`` (what the applicant or the managers may do with a
booking now, and its state's label: the portal hub's buttons) and ``manager_page`` /
``ManagerPermission`` (the booking managers' door, for payments' staff pages).

What one consumer alone needs is in a module of its own here:
``facility_booking.public.for_portal`` (the resident's hub, the portal index),
``facility_booking.public.for_payments`` and ``facility_booking.public.for_programs``.
Nothing else of this app is imported by other apps (tests/architecture checks it)."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from facility_booking import selectors
from facility_booking.errors import BookingError, InvalidTransition, SlotTaken
from facility_booking.models import (
    ACTIVE_BOOKING_STATES,
    Facility,
    Kind,
    Reservation,
    Visibility,
)
from facility_booking.permissions import ManagerPermission, manager_page
from facility_booking.selectors import (
    facilities_visible,
    queue,
    reservation_for_user,
)
from facility_booking.services import reservation_cancel, reservation_request
from facility_booking.state import allowed_actions


def home_section(request):
    facilities = list(selectors.facilities_visible(request.user, request.institution)[:6])
    if not facilities:
        return None
    return {
        "title": _("대관 가능한 시설"),
        "html": render_to_string(
            "facility_booking/_home_section.html", {"facilities": facilities}, request=request
        ),
    }


# --- for the staff workspace (groupware.rooms): internal rooms and vehicles -------------
# The workspace books through the same engine as residents; these are the only names it
# imports from this app.

__all__ = [
    "BookingError",
    "Facility",
    "InvalidTransition",
    "ManagerPermission",
    "Reservation",
    "SlotTaken",
    "allowed_actions",
    "bookings_between",
    "home_section",
    "internal_bookings_of",
    "internal_facilities",
    "manager_page",
    "queue",
    "reservation_cancel",
    "reservation_for_user",
    "reservation_request",
    "status_label",
]


def status_label(code: str) -> str:
    """A booking status in the active language (the portal hub shows summaries)."""
    from facility_booking.models import Status

    return str(Status(code).label) if code in Status.values else code


def internal_facilities(user, institution):
    """Active internal facilities (meeting rooms, vehicles) the member may book."""
    return facilities_visible(user, institution).filter(visibility=Visibility.INTERNAL)


def bookings_between(start, end, *, internal_only: bool = False, facility=None):
    """Slot-holding bookings overlapping [start, end), with their facility, in time order."""
    rows = Reservation.objects.filter(
        kind=Kind.BOOKING, status__in=ACTIVE_BOOKING_STATES, start__lt=end, end__gt=start
    ).select_related("facility")
    if internal_only:
        rows = rows.filter(facility__visibility=Visibility.INTERNAL)
    if facility is not None:
        rows = rows.filter(facility=facility)
    return rows.order_by("start", "id")


def internal_bookings_of(user, since):
    """The person's bookings of internal facilities ending after ``since``."""
    return (
        Reservation.objects.filter(
            applicant=user,
            kind=Kind.BOOKING,
            facility__visibility=Visibility.INTERNAL,
            end__gt=since,
        )
        .select_related("facility")
        .order_by("start")
    )
