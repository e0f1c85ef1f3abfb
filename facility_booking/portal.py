"""Thin bridge to the portal index (portal/index.py). Both calls join the caller's
transaction."""

from __future__ import annotations

from django.db import connection

from portal import index


def current_institution():
    """The Institution of the current schema (works inside schema_context too)."""
    from tenants.models import Institution

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Institution):
        return tenant
    return Institution.objects.filter(schema_name=connection.schema_name).first()


def publish_facility(facility) -> None:
    """List a public, active facility on the portal; withdraw anything else."""
    institution = current_institution()
    if institution is None:
        return
    if not (facility.is_public and facility.is_active):
        index.withdraw(institution=institution, kind="facility", key=facility.pk)
        return
    index.publish(
        institution=institution,
        kind="facility",
        key=facility.pk,
        title=facility.name,
        summary=" · ".join(
            p
            for p in (
                str(facility.get_kind_display()),
                f"{facility.capacity}명",
                facility.location,
                (facility.description or "")[:200],
            )
            if p
        ),
        url=institution.absolute_url(f"/facilities/{facility.pk}/"),
        data={"kind": facility.kind, "capacity": facility.capacity, "free": facility.base_fee == 0},
    )


def publish_booking(reservation) -> None:
    """Show the booking in the applicant's portal list (walk-ins without an account: none)."""
    institution = current_institution()
    if institution is None or reservation.applicant_id is None:
        return
    from facility_booking.rules import local
    from suite.dates import kdate, ktime

    start, end = local(reservation.start), local(reservation.end)
    index.publish(
        institution=institution,
        kind="booking",
        key=reservation.pk,
        title=f"{reservation.facility.name} {kdate(start)} {ktime(start)}–{ktime(end)}",
        summary=f"예약번호 {reservation.number}",
        url=institution.absolute_url(f"/facilities/my/{reservation.pk}/"),
        owner=reservation.applicant,
        data={
            "status": reservation.status,
            "status_label": str(reservation.get_status_display()),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "number": reservation.number,
            "money": booking_money(reservation),
        },
    )


def booking_money(reservation) -> dict:
    """The booking's money for the portal hub: the ledger's sums and lines, an issued
    가상계좌 (what to deposit where), the refund still on its way. Strings are ready to
    show; amounts are whole won."""
    from facility_booking.rules import fmt_datetime
    from payments.models import Method, OrderStatus

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
