"""The workspace's window on facility_booking (issue 4): one engine, two audiences.

Nothing here books by itself: listing reads facility_booking's selectors and
models, booking calls ``facility_booking.services.reservation_request``. All
imports are lazy so the workspace still works while that app is being built.
"""

import importlib
import inspect

from accounts import access


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def available() -> bool:
    return _module("facility_booking.models") is not None and hasattr(
        _module("facility_booking.models"), "Reservation"
    )


def internal_facilities(request):
    """Active internal facilities (meeting rooms, vehicles) of this institution."""
    models = _module("facility_booking.models")
    if models is None or not hasattr(models, "Facility"):
        return []
    selectors = _module("facility_booking.selectors")
    if selectors is not None and hasattr(selectors, "facilities_visible"):
        facilities = selectors.facilities_visible(request.user, request.institution)
    else:
        facilities = models.Facility.objects.filter(is_active=True)
    return facilities.filter(visibility=models.Visibility.INTERNAL).order_by("kind", "name")


def internal_facility(request, pk):
    from django.http import Http404

    try:
        return internal_facilities(request).get(pk=int(pk))
    except Exception as error:  # DoesNotExist, bad id, or the app missing  # noqa: BLE001
        raise Http404 from error


def bookings_between(request, start, end, *, internal_only: bool = False, facility=None):
    """Slot-holding bookings overlapping [start, end), with their facility."""
    models = _module("facility_booking.models")
    if models is None or not hasattr(models, "Reservation"):
        return None
    rows = models.Reservation.objects.filter(
        kind=models.Kind.BOOKING,
        status__in=models.ACTIVE_BOOKING_STATES,
        start__lt=end,
        end__gt=start,
    ).select_related("facility")
    if internal_only:
        rows = rows.filter(facility__visibility=models.Visibility.INTERNAL)
    if facility is not None:
        rows = rows.filter(facility=facility)
    return rows.order_by("start", "id")


def can_see_requests(request) -> bool:
    return access.can_manage_facilities(request.user, request.institution)


def requests_waiting(request):
    selectors = _module("facility_booking.selectors")
    if selectors is None or not hasattr(selectors, "queue"):
        return None
    return selectors.queue()


def my_bookings(request, since):
    models = _module("facility_booking.models")
    if models is None or not hasattr(models, "Reservation"):
        return []
    return (
        models.Reservation.objects.filter(
            applicant=request.user,
            kind=models.Kind.BOOKING,
            facility__visibility=models.Visibility.INTERNAL,
            end__gt=since,
        )
        .select_related("facility")
        .order_by("start")
    )


def request_booking(request, *, facility, start, end, purpose: str, headcount: int = 0):
    """Book through the engine. Raises RuntimeError when the engine is not there yet.

    The engine's signature (facility_booking/services/reservations.py):
    ``reservation_request(*, actor, facility, start, end, purpose, headcount, ...)``,
    raising ``BookingError`` (a ValidationError) or ``SlotTaken`` (its subclass, a
    conflict). Only the keywords the engine accepts are passed, so a later
    ``institution=`` parameter is picked up without a change here.
    """
    services = _module("facility_booking.services")
    func = getattr(services, "reservation_request", None) if services else None
    if func is None:
        raise RuntimeError("facility_booking.services.reservation_request is not available")
    user = request.user
    offered = {
        "actor": user,
        "user": user,
        "applicant": user,
        "institution": request.institution,
        "facility": facility,
        "start": start,
        "end": end,
        "purpose": purpose,
        "headcount": headcount,
        "applicant_name": user.name,
        "applicant_email": user.email,
        "contact_phone": getattr(user, "phone", ""),
    }
    params = inspect.signature(func).parameters
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        kwargs = {
            k: offered[k]
            for k in ("actor", "institution", "facility", "start", "end", "purpose", "headcount")
        }
    else:
        kwargs = {k: v for k, v in offered.items() if k in params}
    return func(**kwargs)


def cancel_booking(request, reservation_id, reason: str = ""):
    services = _module("facility_booking.services")
    func = getattr(services, "reservation_cancel", None) if services else None
    if func is None:
        raise RuntimeError("facility_booking.services.reservation_cancel is not available")
    selectors = _module("facility_booking.selectors")
    reservation = selectors.reservation_for_user(request.user, request.institution, reservation_id)
    params = inspect.signature(func).parameters
    offered = {
        "actor": request.user,
        "institution": request.institution,
        "reservation": reservation,
        "reservation_id": reservation.pk,
        "reason": reason,
    }
    return func(**{k: v for k, v in offered.items() if k in params})


FIELD_MAP = {"start": "start_time", "end": "end_time"}


def form_error(error):
    """The engine's ValidationError with its field names mapped onto the workspace form."""
    from django.core.exceptions import ValidationError

    if hasattr(error, "error_dict"):
        return ValidationError(
            {FIELD_MAP.get(field, field): errors for field, errors in error.error_dict.items()}
        )
    return error


def is_conflict(error) -> bool:
    """SlotTaken (or any engine conflict): someone holds the slot already."""
    return type(error).__name__ in ("SlotTaken", "InvalidTransition")
