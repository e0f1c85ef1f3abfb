"""Reads that depend on who asks. Objects the person may not see answer 404,
exactly like objects that do not exist."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts import access
from facility_booking import permissions
from facility_booking.models import (
    ACTIVE_BOOKING_STATES,
    Facility,
    Kind,
    Reservation,
    Visibility,
)


def facilities_visible(user, institution) -> QuerySet:
    """Facilities the person may browse: public ones; internal ones for members."""
    qs = Facility.objects.filter(is_active=True)
    if not access.is_member(user, institution):
        qs = qs.filter(visibility=Visibility.PUBLIC)
    return qs


def facility_for_user(user, institution, facility_id) -> Facility:
    """The facility if the person may see it, else 404. Its opening hours and fairness
    rules come along: every slot, rule and calendar of the page asks for them."""
    from facility_booking.services.fairness import remember_joined_rules

    try:
        facility = remember_joined_rules(
            Facility.objects.select_related("fair_rules")
            .prefetch_related("hours")
            .get(pk=int(facility_id))
        )
    except (Facility.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    if not permissions.can_see_facility(user, institution, facility):
        raise Http404
    return facility


def facility_for_manager(user, institution, facility_id) -> Facility:
    """Any facility of this institution (caller checked the capability)."""
    try:
        return Facility.objects.get(pk=int(facility_id))
    except (Facility.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def reservations_of(user) -> QuerySet:
    return (
        Reservation.objects.filter(applicant=user, kind=Kind.BOOKING)
        .select_related("facility")
        .order_by("-start", "-id")
    )


def reservation_for_user(user, institution, reservation_id, *, for_update=False) -> Reservation:
    """The booking if the person applied for it or manages bookings here, else 404."""
    qs = Reservation.objects.select_related("facility")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        reservation = qs.get(pk=int(reservation_id))
    except (Reservation.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    if not permissions.can_view_reservation(user, institution, reservation):
        raise Http404
    return reservation


def queue() -> QuerySet:
    """Requests awaiting a decision, oldest first."""
    return (
        Reservation.objects.filter(kind=Kind.BOOKING, status="requested")
        .select_related("facility")
        .order_by("created_at", "id")
    )


def active_count(user, facility) -> int:
    return Reservation.objects.filter(
        applicant=user, facility=facility, kind=Kind.BOOKING, status__in=ACTIVE_BOOKING_STATES
    ).count()


def active_bookings(user, facility, now) -> QuerySet:
    """The person's bookings of ``facility`` that count against its per-person limit:
    requested, approved or paid, and not yet over."""
    return (
        Reservation.objects.filter(
            applicant=user,
            facility=facility,
            kind=Kind.BOOKING,
            status__in=ACTIVE_BOOKING_STATES,
            end__gt=now,
        )
        .select_related("facility")
        .order_by("start", "id")
    )


def person_limit(user, facility, now) -> dict | None:
    """What the facility and apply pages tell a signed-in resident before they fill the
    form: their bookings counting against the limit, the limit, and whether it is
    reached. None for someone not signed in."""
    if not getattr(user, "is_authenticated", False):
        return None
    bookings = list(active_bookings(user, facility, now))
    limit = facility.max_active_per_person
    return {
        "bookings": bookings,
        "count": len(bookings),
        "limit": limit,
        "reached": len(bookings) >= limit,
    }
