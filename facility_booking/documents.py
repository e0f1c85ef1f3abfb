"""Permit (대관 허가서) and receipt (영수증) PDFs through suite.pdf.render_pdf."""

from __future__ import annotations

from django.utils import timezone, translation

from facility_booking.portal import current_institution
from suite.pdf import render_pdf


def _logo_uri(institution) -> str:
    try:
        if institution is not None and institution.logo:
            from pathlib import Path

            return Path(institution.logo.path).as_uri()
    except (ValueError, NotImplementedError, OSError):
        pass
    return ""


def _context(reservation) -> dict:
    institution = current_institution()
    return {
        "r": reservation,
        "facility": reservation.facility,
        "institution": institution,
        "logo": _logo_uri(institution),
        "issued": timezone.localdate(),
    }


def permit_pdf(reservation) -> bytes:
    # The permit is a Korean document whatever the page language (won, weekdays, labels).
    with translation.override("ko"):
        return render_pdf("facility_booking/pdf/permit.html", _context(reservation))


def receipt_pdf(reservation) -> bytes:
    """영수증: every payment and refund of the ledger, and the 현금영수증 if asked for."""
    context = _context(reservation)
    paid, refunded = reservation.paid_amount, reservation.refunded_amount
    context.update(
        entries=list(reservation.ledger_entries.all()),
        paid=paid,
        refunded=refunded,
        net=paid - refunded,
        cash_receipts=list(
            reservation.payment_orders.filter(status="paid").exclude(cash_receipt_type="")
        ),
    )
    with translation.override("ko"):
        return render_pdf("facility_booking/pdf/receipt.html", context)
