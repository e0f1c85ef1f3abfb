"""감면 (discount) proofs and decisions.

The applicant attaches proof for a claimed category (PDF, JPG or PNG — checked by
the file's content, not its name — at most DISCOUNT_PROOF_MAX_BYTES); booking
managers accept or refuse the discount with a reason, the fee is recomputed and
the applicant told why. Proof files are private to the institution and deleted by the
privacy retention kind "discount_proof" (facility_booking/personal_data.py: the period is
set per institution, default DISCOUNT_PROOF_RETENTION_DAYS after the booking ends).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from facility_booking import permissions, pricing
from facility_booking.errors import BookingError
from facility_booking.models import (
    DiscountCategory,
    DiscountDecision,
    DiscountProof,
    Kind,
    Reservation,
    Status,
)
from facility_booking.notify import notify_applicant, won
from facility_booking.portal import publish_booking
from facility_booking.services.common import acting_institution
from facility_booking.services.reservations import _audit, lock_reservation
from facility_booking.state import record_event

MAX_PROOFS = 5
OPEN_FOR_PROOF = (Status.REQUESTED, Status.APPROVED)


def sniff(head: bytes) -> str | None:
    """The real type of a file from its first bytes (PDF, PNG, JPEG), or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def _is_image(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def check_proof_file(upload) -> tuple[bytes, str]:
    """(content, content type) or a Korean BookingError on ``file``; nothing stored."""
    limit = settings.DISCOUNT_PROOF_MAX_BYTES
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise BookingError("proof_size", field="file", mb=limit // (1024 * 1024))
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise BookingError("proof_size", field="file", mb=limit // (1024 * 1024))
    content_type = sniff(data[:16])
    if content_type is None:
        raise BookingError("proof_type", field="file")
    if content_type.startswith("image/") and not _is_image(data):
        raise BookingError("proof_type", field="file")
    if content_type == "application/pdf" and b"%%EOF" not in data[-2048:]:
        raise BookingError("proof_type", field="file")
    return data, content_type


def proof_add(
    *, actor, reservation: Reservation, category: str, upload, institution=None
) -> DiscountProof:
    """Attach a proof for a claimed category (the applicant, or booking managers)."""
    institution = acting_institution(institution)
    manager = permissions.can_manage_bookings(actor, institution)
    if reservation.applicant_id != getattr(actor, "pk", None) and not manager:
        raise PermissionDenied
    if category not in DiscountCategory.values or category not in (
        reservation.claimed_discounts or []
    ):
        raise BookingError("proof_category", field="category")
    data, content_type = check_proof_file(upload)
    name = (getattr(upload, "name", "") or "proof")[-200:]
    with transaction.atomic():
        reservation = lock_reservation(reservation)
        if reservation.kind != Kind.BOOKING or reservation.status not in OPEN_FOR_PROOF:
            raise BookingError("proof_state")
        if reservation.proofs.filter(purged_at__isnull=True).count() >= MAX_PROOFS:
            raise BookingError("proof_too_many", field="file", n=MAX_PROOFS)
        proof = DiscountProof(
            reservation=reservation,
            category=category,
            original_name=name,
            content_type=content_type,
            size=len(data),
            uploaded_by=actor,
        )
        proof.file.save(name, ContentFile(data), save=False)
        proof.save()
        record_event(
            reservation,
            reservation.status,
            reservation.status,
            actor=actor,
            reason=f"감면 증빙 제출: {DiscountCategory(category).label}",
            data={"proof": proof.pk},
        )
    return proof


def discount_decide(
    *,
    actor,
    reservation: Reservation,
    accept: bool,
    reason: str = "",
    institution=None,
    now=None,
) -> Reservation:
    """Accept the highest claimed discount, or refuse it with a reason; the fee is
    recomputed (a staff fee adjustment stays) and the applicant is told why."""
    from payments.public import OrderStatus

    institution = acting_institution(institution)
    if not permissions.can_manage_bookings(actor, institution):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not accept and not reason:
        raise BookingError("reason_required", field="reason")
    now = now or timezone.now()
    with transaction.atomic():
        reservation = lock_reservation(reservation)
        if not reservation.claimed_discounts:
            raise BookingError("discount_none")
        if reservation.status not in OPEN_FOR_PROOF or reservation.net_paid:
            raise BookingError("discount_state")
        if reservation.payment_orders.filter(
            status__in=(OrderStatus.CONFIRMING, OrderStatus.WAITING_FOR_DEPOSIT)
        ).exists():
            raise BookingError("payment_online_open")
        facility = reservation.facility
        if accept:
            override = pricing.best_discount(facility, reservation.claimed_discounts)
        else:
            override = ("", 0)
        quote = pricing.check_total(
            pricing.quote(
                facility,
                reservation.start,
                reservation.end,
                equipment_ids=reservation.equipment_ids,
                discount_override=override,
            )
        )
        claimed_label = ", ".join(
            str(DiscountCategory(c).label)
            for c in reservation.claimed_discounts
            if c in DiscountCategory.values
        )
        reservation.discount_category = quote.discount_category
        reservation.discount_percent = quote.discount_percent
        reservation.discount_confirmed = True
        reservation.discount_decision = (
            DiscountDecision.ACCEPTED if accept else DiscountDecision.REFUSED
        )
        reservation.discount_decision_reason = reason
        reservation.discount_decided_at = now
        reservation.price_lines = quote.line_dicts()
        if reservation.adjustment_amount:
            reservation.price_lines.append(
                {"label": "담당자 조정", "amount": reservation.adjustment_amount}
            )
        reservation.base_amount = quote.base
        reservation.surcharge_amount = quote.surcharge
        reservation.equipment_amount = quote.equipment
        reservation.discount_amount = quote.discount
        reservation.total_amount = max(0, quote.total + reservation.adjustment_amount)
        reservation.save(
            update_fields=[
                "discount_category",
                "discount_percent",
                "discount_confirmed",
                "discount_decision",
                "discount_decision_reason",
                "discount_decided_at",
                "price_lines",
                "base_amount",
                "surcharge_amount",
                "equipment_amount",
                "discount_amount",
                "total_amount",
                "updated_at",
            ]
        )
        verdict = "감면 확인" if accept else "감면 불가"
        record_event(
            reservation,
            reservation.status,
            reservation.status,
            actor=actor,
            reason=f"{verdict}: {claimed_label}" + (f" — {reason}" if reason else ""),
            data={"discount": reservation.discount_decision, "total": reservation.total_amount},
        )
        _audit(
            actor,
            "discount_" + reservation.discount_decision,
            reservation,
            f"{verdict}, 이용료 {reservation.total_amount:,}원",
            reason,
        )
        publish_booking(reservation, institution=institution)
        notify_applicant(
            reservation,
            "discount_decided",
            institution=institution,
            extra={
                "accepted": accept,
                "discount": claimed_label,
                "reason": reason,
                "total": won(reservation.total_amount),
            },
        )
    return reservation
