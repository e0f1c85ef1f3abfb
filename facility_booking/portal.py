"""Thin bridge to the portal (its contract, ``portal.public``). A facility is re-read by
the portal's facility source after commit; a booking's summary (personal: only the
applicant sees it) is written in the caller's transaction so the hub shows it at once.
Links are stored as route names, built for the institution's current host when shown."""

from __future__ import annotations

from portal import public as portal
from tenants.current import current_institution  # noqa: F401  (this app's modules import it from here)


def publish_facility(facility, *, institution=None) -> None:
    """After commit the portal lists a public, active facility (with its venue summary)
    and withdraws anything else. ``institution``: the facility's (the current schema's
    when not given)."""
    institution = institution or current_institution()
    if institution is None:
        return
    portal.changed(kind="facility", key=facility.pk, institution=institution)


def publish_booking(reservation, *, institution=None) -> None:
    """Show the booking in the applicant's portal list (walk-ins without an account: none).
    ``institution``: the booking's (the current schema's when not given)."""
    institution = institution or current_institution()
    if institution is None or reservation.applicant_id is None:
        return
    from facility_booking.rules import local
    from suite.dates import kdate, ktime

    start, end = local(reservation.start), local(reservation.end)
    portal.publish(
        institution=institution,
        kind="booking",
        key=reservation.pk,
        title=f"{reservation.facility.name} {kdate(start)} {ktime(start)}–{ktime(end)}",
        summary=f"예약번호 {reservation.number}",
        route="facility_booking:my_booking",
        route_args=[reservation.pk],
        owner=reservation.applicant,
        data={
            "status": reservation.status,
            "status_label": str(reservation.get_status_display()),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "number": reservation.number,
            "facility": reservation.facility.name,
            "money": booking_money(reservation),
        },
    )


def booking_money(reservation) -> dict:
    """The booking's money for the portal hub: the ledger's sums and lines, an issued
    가상계좌 (what to deposit where), the refund still on its way. Strings are ready to
    show; amounts are whole won."""
    from facility_booking.rules import fmt_datetime
    from payments.public import Method, OrderStatus

    paid = refunded = 0
    lines = []
    for entry in reservation.ledger_entries.order_by("occurred_at", "id"):
        if entry.kind == "payment":
            paid += entry.amount
        else:
            refunded += entry.amount
        lines.append(
            {
                "kind": entry.kind,
                "method": entry.method,
                "method_label": str(Method(entry.method).label),
                "amount": entry.amount,
                "at": entry.occurred_at.isoformat(),
            }
        )
    va = reservation.payment_orders.filter(status=OrderStatus.WAITING_FOR_DEPOSIT).first()
    return {
        "total": reservation.total_amount,
        "paid": paid,
        "refunded": refunded,
        "refund_due": reservation.refund_due,
        "refund_outstanding": max(0, reservation.refund_due - refunded),
        "payment_due": reservation.payment_due.isoformat() if reservation.payment_due else None,
        "ledger": lines,
        "open_va": {
            "bank": va.va_bank_name,
            "account": va.va_account_number,
            "amount": va.amount,
            "due": fmt_datetime(va.va_due) if va.va_due else "",
        }
        if va
        else None,
    }
