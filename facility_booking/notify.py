"""Telling the applicant: every booking event goes through the notification service
(notifications.public.notify), on commit, by the person's chosen channels.

A walk-in without an account is told by e-mail when staff typed one.
"""

from __future__ import annotations

from facility_booking.rules import fmt_datetime, local
from notifications.public import notify

# Booking events → notification events (notifications/events.py).
EVENTS = {
    "received": "booking_requested",
    "approved": "booking_approved",
    "rejected": "booking_rejected",
    "paid": "payment_paid",
    "cancelled": "booking_cancelled",
    "expired": "booking_expired",
    "reminder": "booking_reminder",
    "payment_due_soon": "payment_due_soon",
    "virtual_account_issued": "virtual_account_issued",
    "refund_completed": "refund_completed",
    "discount_decided": "discount_decided",
}


def won(amount: int) -> str:
    return f"{amount:,}원"


def booking_context(reservation, *, institution=None) -> dict:
    """What every booking message may show (strings, ready to print)."""
    from suite.dates import kdate_weekday

    start, end = local(reservation.start), local(reservation.end)
    return {
        "facility": reservation.facility.name,
        "number": reservation.number,
        "when": f"{kdate_weekday(start)} {start:%H:%M}–{end:%H:%M}",
        "applicant": reservation.applicant_name,
        "total": won(reservation.total_amount) if reservation.total_amount else "",
        "due": fmt_datetime(reservation.payment_due) if reservation.payment_due else "",
        "reason": reservation.status_reason,
        "note": reservation.staff_note,
        "location": reservation.facility.location,
        "refund": won(reservation.refund_due) if reservation.refund_due else "",
        "by_institution": reservation.cancelled_by_institution,
        # the portal hub shows and acts on every booking, whatever the institution
        "portal_path": f"/portal/my/bookings/{_slug(institution)}/{reservation.pk}/",
    }


def _slug(institution=None) -> str:
    from facility_booking.portal import current_institution

    institution = institution or current_institution()
    return institution.slug if institution else ""


def payment_context(entry) -> dict:
    from payments.public import Method

    return {"amount": won(entry.amount), "method": str(Method(entry.method).label)}


def notify_applicant(
    reservation,
    event: str,
    *,
    extra: dict | None = None,
    dedupe: str = "",
    institution=None,
):
    """Queue the message for ``event``; a failure never touches the booking.
    ``institution``: the booking's (the current schema's when not given)."""
    from facility_booking.portal import current_institution

    institution = institution or current_institution()
    context = booking_context(reservation, institution=institution)
    context.update(extra or {})
    applicant = reservation.applicant if reservation.applicant_id else None
    schema = institution.schema_name if institution else ""
    return notify(
        event=EVENTS[event],
        recipient=applicant,
        email="" if applicant else reservation.applicant_email,
        name=reservation.applicant_name,
        context=context,
        institution=institution,
        ref=f"facility_booking.reservation:{reservation.pk}",
        dedupe_key=f"{schema}:{dedupe}" if dedupe else None,
    )
