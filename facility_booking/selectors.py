"""Reads that depend on who asks. Objects the person may not see answer 404,
exactly like objects that do not exist."""

from __future__ import annotations

from django.db import connections, router
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404

from accounts import access
from facility_booking import permissions
from facility_booking.models import (
    ACTIVE_BOOKING_STATES,
    HOLDING_STATES,
    Facility,
    Kind,
    Reservation,
    Visibility,
)
from facility_booking.models_fair import FacilityRules
from suite import queries


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


def facility_for_booking(user, institution, facility_id, *, start, end) -> tuple[Facility, bool]:
    """``facility_for_user`` for a booking request of [start, end), in one statement that
    also says whether that time (buffer included) is held already: (facility, taken).
    A request for a taken slot is refused from this one read, before the rules, the
    locks and the opening hours (``services.reservation_request(taken=…)``); one that
    goes on gets the opening hours as ``facility_for_user`` gives them.

    The statement is constant SQL (``suite.queries.from_row``): in an opening rush this
    read answers most requests, and the ORM would compile the join and the EXISTS anew
    each time, at several times the statement's own cost. The EXISTS is
    ``services.reservations.overlaps`` (tests/facility_booking pin the two together)."""
    from facility_booking.services.fairness import remember_joined_rules

    try:
        pk = int(facility_id)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    connection = connections[router.db_for_read(Facility)]
    with connection.cursor() as cursor:
        cursor.execute(
            _facility_sql(connection),
            [*HOLDING_STATES, Kind.SERIES, end, start, pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    facility = queries.from_row(Facility, row, 0, connection)
    facility._state.fields_cache["fair_rules"] = queries.from_row(
        FacilityRules, row, queries.width(Facility), connection
    )
    taken = bool(row[-1])
    remember_joined_rules(facility)
    if not permissions.can_see_facility(user, institution, facility):
        raise Http404
    if not taken:  # the request goes on: the rules ask for the hours
        prefetch_related_objects([facility], "hours")
    return facility, taken


_FACILITY_SQL: dict[str, str] = {}


def _facility_sql(connection) -> str:
    sql = _FACILITY_SQL.get(connection.alias)
    if sql is None:
        f, r, h = Facility._meta, FacilityRules._meta, Reservation._meta

        def col(meta, name):
            return f'"{meta.get_field(name).column}"'

        holding = ", ".join(["%s"] * len(HOLDING_STATES))
        sql = _FACILITY_SQL[connection.alias] = (
            f"SELECT {queries.columns(Facility, 'f')}, {queries.columns(FacilityRules, 'r')}, "  # noqa: S608 - model names only
            f'EXISTS (SELECT 1 FROM "{h.db_table}" h WHERE h.{col(h, "facility")} = f.{col(f, "id")} '
            f"AND h.{col(h, 'status')} IN ({holding}) AND NOT (h.{col(h, 'kind')} = %s) "
            f"AND h.{col(h, 'hold_start')} < %s + f.{col(f, 'buffer_minutes')} * interval '1 minute' "
            f"AND h.{col(h, 'hold_end')} > %s) "
            f'FROM "{f.db_table}" f LEFT JOIN "{r.db_table}" r ON r.{col(r, "facility")} = f.{col(f, "id")} '
            f"WHERE f.{col(f, 'id')} = %s"
        )
    return sql


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
