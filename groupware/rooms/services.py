"""Booking and cancelling internal rooms and vehicles: the engine's own write path.

``facility_booking.public.reservation_request`` raises ``BookingError`` (a Korean
ValidationError on ``start``/``end``/…) or ``SlotTaken`` / ``InvalidTransition`` (a
conflict with the current state); the page maps those onto its form.
"""

from django.core.exceptions import ValidationError

from facility_booking import public as booking

# the engine names its fields start/end; the workspace form splits them into time inputs
FIELD_MAP = {"start": "start_time", "end": "end_time"}


def book(*, actor, institution, facility, start, end, purpose: str, headcount: int = 0):
    """Book ``facility`` for ``actor`` over [start, end) as a member of ``institution``."""
    return booking.reservation_request(
        actor=actor,
        institution=institution,
        applicant=actor,
        facility=facility,
        start=start,
        end=end,
        purpose=purpose,
        headcount=headcount,
        applicant_name=actor.name,
        applicant_email=actor.email,
        contact_phone=actor.phone or "",
    )


def cancel(*, actor, institution, reservation_id, reason: str = ""):
    """Cancel the member's own booking (404 for one they may not see)."""
    reservation = booking.reservation_for_user(actor, institution, reservation_id)
    return booking.reservation_cancel(
        actor=actor, institution=institution, reservation=reservation, reason=reason
    )


def form_error(error: ValidationError) -> ValidationError:
    """The engine's ValidationError with its field names mapped onto the workspace form."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {FIELD_MAP.get(field, field): errors for field, errors in error.error_dict.items()}
        )
    return error


def is_conflict(error: ValidationError) -> bool:
    """Someone holds the slot already, or the booking has moved on (409)."""
    return isinstance(error, booking.SlotTaken | booking.InvalidTransition)
