"""Inserting a slot-holding booking on the system's behalf: a lottery winner, a
waitlist offer, a date of a recurring series. Same row, same exclusion constraint and
the same facility lock (``lock_facility``) as a resident's own request."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction

from facility_booking import pricing
from facility_booking.errors import SlotTaken
from facility_booking.models import HOLDING_STATES, Facility, Kind, Reservation, Status
from facility_booking.state import record_event, transition

OVERLAP_CONSTRAINT = "fb_res_no_overlap"


# The facility's insert lock, keyed by the schema too (facility ids repeat across
# institutions): transaction-scoped here, session-scoped around one booking request's
# insert (services.reservations.facility_insert_turn) — the same lock either way.
FACILITY_LOCK_KEY = "hashtext('fb_facility:' || current_schema()), %s"


def lock_facility(facility_id: int) -> None:
    """Serialise the inserts of one facility's bookings and blocks. Transaction-scoped.

    Without it, concurrent inserts of partly overlapping ranges wait on each other inside
    the exclusion constraint's check, and PostgreSQL breaks the cycle with DeadlockDetected
    (a 500); in turn, each request checks and inserts alone and the loser gets SlotTaken.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock({FACILITY_LOCK_KEY})", [int(facility_id)])


def hold_period(facility: Facility, start, end) -> tuple[dt.datetime, dt.datetime]:
    return start, end + dt.timedelta(minutes=facility.buffer_minutes)


def held(facility: Facility, hold_start, hold_end, *, exclude_pk=None) -> bool:
    """Does a booking or block hold any of [hold_start, hold_end)? (Series bills hold nothing.)"""
    qs = Reservation.objects.filter(
        facility=facility,
        status__in=HOLDING_STATES,
        hold_start__lt=hold_end,
        hold_end__gt=hold_start,
    ).exclude(kind=Kind.SERIES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def is_overlap_error(error: IntegrityError) -> bool:
    cause = getattr(error, "__cause__", None)
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    return name == OVERLAP_CONSTRAINT or OVERLAP_CONSTRAINT in str(error)


def payment_due(facility: Facility, start, now, *, hours: int | None = None):
    """``payment_days`` after ``now`` (or ``hours``), never after the start."""
    span = (
        dt.timedelta(hours=hours) if hours is not None else dt.timedelta(days=facility.payment_days)
    )
    return min(now + span, start)


def insert_booking(
    *,
    facility: Facility,
    start: dt.datetime,
    end: dt.datetime,
    applicant,
    actor,
    origin: str,
    applicant_name: str,
    applicant_email: str = "",
    contact_phone: str = "",
    organisation: str = "",
    purpose: str = "",
    headcount: int = 1,
    discount_categories=(),
    series=None,
    approve: bool = False,
    due: dt.datetime | None = None,
    reason: str = "",
    now: dt.datetime,
) -> Reservation:
    """Insert a booking (requested, or approved awaiting payment with ``approve``).

    Caller holds ``lock_facility(facility.pk)`` and runs inside a transaction; raises
    ``SlotTaken`` (nothing stored) when anything holds the period, buffers included.
    """
    quote = pricing.check_total(
        pricing.quote(facility, start, end, discount_categories=list(discount_categories or ()))
    )
    hold_start, hold_end = hold_period(facility, start, end)
    if held(facility, hold_start, hold_end):
        raise SlotTaken
    try:
        with transaction.atomic():
            reservation = Reservation.objects.create(
                facility=facility,
                kind=Kind.BOOKING,
                origin=origin,
                series=series,
                status=Status.REQUESTED,
                start=start,
                end=end,
                hold_start=hold_start,
                hold_end=hold_end,
                applicant=applicant,
                applicant_name=(applicant_name or "").strip()[:60],
                applicant_email=applicant_email or getattr(applicant, "email", ""),
                contact_phone=(contact_phone or "").strip()[:30],
                organisation=(organisation or "").strip()[:100],
                purpose=(purpose or "").strip()[:300],
                headcount=headcount,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                claimed_discounts=list(discount_categories or ()),
                **quote.stored_fields(),
            )
            record_event(
                reservation,
                "",
                Status.REQUESTED,
                actor=actor,
                reason=reason,
                data={"origin": origin},
            )
            if approve:
                reservation.decided_at = now
                reservation.discount_confirmed = not quote.discount_category
                reservation.payment_due = (
                    (due or payment_due(facility, start, now)) if quote.total else None
                )
                transition(
                    reservation,
                    Status.APPROVED,
                    actor=actor,
                    reason=reason,
                    fields=("decided_at", "discount_confirmed", "payment_due"),
                )
    except IntegrityError as error:
        if is_overlap_error(error):
            raise SlotTaken from None
        raise
    return reservation
