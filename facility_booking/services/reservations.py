"""The write path for bookings and blocks. Every state change goes through here.

Each service is atomic, writes a ReservationEvent for every state change,
an audit row for staff actions, and queues e-mails/portal updates on commit.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from facility_booking import permissions, pricing, rules, selectors
from facility_booking.errors import BookingError, InvalidTransition, SlotTaken
from facility_booking.models import (
    ACTIVE_BOOKING_STATES,
    BlockReason,
    Discount,
    Facility,
    Kind,
    PaymentMethod,
    Reservation,
    Status,
)
from facility_booking.notify import notify_applicant, payment_context
from facility_booking.portal import publish_booking
from facility_booking.selectors_fair import open_round_slot
from facility_booking.services import fairness
from facility_booking.services.common import acting_institution
from facility_booking.services.holding import FACILITY_LOCK_KEY, lock_facility
from facility_booking.services.holding import held as overlaps  # the services' name
from facility_booking.services.holding import hold_period as _hold_period
from facility_booking.services.holding import is_overlap_error as _is_overlap_error
from facility_booking.state import record_event, transition
from institution.audit import audit_record

PERSON_LOCK_NAMESPACE = 0x46420000  # "FB" — keeps our advisory locks apart from others'


# -- locks (always taken in this order: person, facility, then reservation row) -----
# A booking request takes the facility's lock for its insert only (facility_insert_turn).


def lock_person(user_id: int) -> None:
    """Serialise one person's booking requests (per-person limit). Transaction-scoped."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [PERSON_LOCK_NAMESPACE * 2**16 + int(user_id)]
        )


@contextmanager
def facility_insert_turn(facility_id: int):
    """The facility's insert lock (``lock_facility``'s) around one request's check and
    INSERT only — session-level, released as soon as the row is in, not at the commit.

    Why: held to the commit, every booking of a facility waited for the whole of the
    previous one — its history row, the portal's entry, the notice, the commit's WAL
    flush — and an opening rush's bookings, most of them for different slots, went one
    at a time (seconds for the last of 50). What the lock is for still holds: the
    inserts themselves go one at a time, so two partly overlapping rows are never both
    waiting inside the exclusion constraint's check (the deadlock ``lock_facility``
    explains).

    A request whose time overlaps a row another request has just written but not yet
    committed would wait inside the constraint for that commit — holding the lock, so
    every other booking of the facility would wait too. It waits ``TURN_WAIT`` at most
    and is refused with SlotTaken: that time is being booked by someone else.

    The inside runs in a savepoint, so the transaction can always release the lock —
    also after the INSERT failed. What follows the turn in the same transaction must
    not take ``lock_facility`` (it would wait for a request that waits for it).
    """
    from psycopg.errors import LockNotAvailable

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_lock({FACILITY_LOCK_KEY}), current_setting('lock_timeout')",
            [int(facility_id)],
        )
        before = cursor.fetchone()[1]
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [TURN_WAIT])
            try:
                yield
            except OperationalError as error:
                if isinstance(error.__cause__, LockNotAvailable):
                    raise SlotTaken from None
                raise
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pg_advisory_unlock({FACILITY_LOCK_KEY}),"
                " set_config('lock_timeout', %s, true)",
                [int(facility_id), before],
            )


TURN_WAIT = "20ms"  # how long an insert waits for an overlapping row not yet committed


def lock_reservation(reservation: Reservation) -> Reservation:
    """Re-read the row FOR UPDATE; callers act on the returned, current copy."""
    return (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("facility")
        .get(pk=reservation.pk)
    )


# -- helpers -----------------------------------------------------------------------


def _require_manager(actor, institution) -> None:
    if not permissions.can_manage_bookings(actor, institution):
        raise PermissionDenied


def slot_taken(facility: Facility, start, end) -> bool:
    """Whether [start, end) — buffer included — is held already, read without a lock:
    what ``reservation_request(taken=…)`` takes to refuse a taken slot at once."""
    return overlaps(facility, *_hold_period(facility, start, end))


def check_person_limit(applicant, facility: Facility, now) -> None:
    """Refuse when ``applicant`` already holds the facility's limit of bookings still
    to come. Under ``lock_person`` in the request; also used read-only by the preview."""
    active = selectors.active_bookings(applicant, facility, now).count()
    if active >= facility.max_active_per_person:
        raise BookingError("over_person_limit", limit=facility.max_active_per_person)


def _payment_due(facility: Facility, start, now):
    return min(now + dt.timedelta(days=facility.payment_days), start)


def _audit(actor, action: str, reservation: Reservation, summary: str, reason: str = "", data=None):
    audit_record(
        actor=actor,
        action=f"facility_booking.{action}",
        summary=f"{reservation.number} {summary}",
        target=reservation,
        reason=reason,
        data=data or {},
    )


def _after_change(
    reservation: Reservation, event: str | None, institution, extra: dict | None = None
) -> None:
    from facility_booking.services import series, waitlist

    if reservation.kind == Kind.SERIES:
        # A series bill: its dates follow it and the club gets the series' own message.
        series.bill_changed(reservation, event, institution=institution)
        return
    publish_booking(reservation, institution=institution)
    if event:
        notify_applicant(reservation, event, extra=extra, institution=institution)
    # An offered place follows its booking; a freed time passes to the waitlist.
    waitlist.after_change(reservation, institution=institution)


# -- quote and request -------------------------------------------------------------


def reservation_quote(
    *,
    facility: Facility,
    start: dt.datetime,
    end: dt.datetime,
    institution=None,
    applicant=None,
    headcount: int = 1,
    discount_categories=(),
    equipment_ids=(),
    on_behalf: bool = False,
    person_limit: bool = True,
    now: dt.datetime | None = None,
) -> pricing.Quote:
    """Check every rule a request for [start, end) must pass and price it, storing nothing.

    The one check shared by the apply page's preview and ``reservation_request``: times,
    the booking window and 감면 eligibility (not for staff booking ``on_behalf``),
    headcount, offered discounts and equipment, and — for a signed-in ``applicant``
    with ``person_limit`` — the per-person limit (read here; the request counts again
    under the person's lock). Raises ``BookingError`` on the field that is wrong.
    """
    now = now or timezone.now()
    institution = acting_institution(institution)
    rules.validate_times(facility, start, end, now=now)
    if not on_behalf:
        fairness.validate_window(applicant, facility, start, now=now, institution=institution)
    rules.validate_headcount(facility, headcount)
    categories = list(dict.fromkeys(discount_categories or ()))
    equipment = [int(i) for i in (equipment_ids or ())]
    rules.validate_discounts(facility, categories)
    if not on_behalf and applicant is not None:
        rules.validate_discount_eligibility(
            applicant, categories, day=rules.local(start).date(), institution=institution
        )
    rules.validate_equipment(facility, equipment)
    if person_limit and not on_behalf and getattr(applicant, "is_authenticated", False):
        check_person_limit(applicant, facility, now)
    return pricing.check_total(
        pricing.quote(facility, start, end, equipment_ids=equipment, discount_categories=categories)
    )


def reservation_request(
    *,
    actor,
    facility: Facility,
    start: dt.datetime,
    end: dt.datetime,
    institution=None,
    purpose: str = "",
    headcount: int = 1,
    organisation: str = "",
    contact_phone: str = "",
    discount_categories=(),
    equipment_ids=(),
    applicant=None,
    applicant_name: str = "",
    applicant_email: str = "",
    on_behalf: bool = False,
    now: dt.datetime | None = None,
    taken: bool | None = None,
) -> Reservation:
    """Apply for ``facility`` over [start, end). Returns the stored booking.

    ``actor`` applies for themself, or (``on_behalf=True``, booking managers only)
    for ``applicant`` (a User) or a walk-in named ``applicant_name``; staff
    bookings skip the booking window and the per-person limit. Raises
    ``BookingError`` for a broken rule, ``SlotTaken`` when the slot (buffers
    included) is held — also when a concurrent request won the race — and
    stores nothing in either case. Instant facilities come back approved
    (or ready to use when free); internal facilities cost nothing.

    ``taken``: what the caller read with the facility, without a lock
    (``selectors.facility_for_booking``, or ``slot_taken``). True refuses at once with
    ``SlotTaken`` — the answer to most requests of an opening rush, decided by that one
    read, before the rules, the locks and the transaction. False or None changes
    nothing: the slot is checked again under the facility's lock as always.
    """
    now = now or timezone.now()
    institution = acting_institution(institution)
    if on_behalf:
        if not permissions.can_book_on_behalf(actor, institution):
            raise PermissionDenied
    else:
        applicant = actor
    if not permissions.can_book_facility(actor, institution, facility):
        raise BookingError("facility_unavailable")
    if applicant is not None:
        applicant_name = applicant_name or applicant.get_full_name()
        applicant_email = applicant_email or applicant.email
        contact_phone = contact_phone or getattr(applicant, "phone", "")
    purpose = (purpose or "").strip()
    if not (applicant_name or "").strip():
        raise BookingError("applicant_required", field="applicant_name")
    if not purpose:
        raise BookingError("purpose_required", field="purpose")
    if facility.is_public and not (contact_phone or "").strip():
        raise BookingError("contact_required", field="contact_phone")
    if taken:
        raise SlotTaken
    discount_categories = list(dict.fromkeys(discount_categories or ()))
    equipment_ids = [int(i) for i in (equipment_ids or ())]
    quote = reservation_quote(
        facility=facility,
        start=start,
        end=end,
        institution=institution,
        applicant=applicant,
        headcount=headcount,
        discount_categories=discount_categories,
        equipment_ids=equipment_ids,
        on_behalf=on_behalf,
        person_limit=False,  # counted below, under the person's lock
        now=now,
    )
    hold_start, hold_end = _hold_period(facility, start, end)
    try:
        with transaction.atomic():
            if applicant is not None and not on_behalf:
                lock_person(applicant.pk)
                check_person_limit(applicant, facility, now)
                fairness.check_request(applicant, facility, start, now=now)
            with facility_insert_turn(facility.pk):
                if overlaps(facility, hold_start, hold_end):
                    raise SlotTaken
                lottery_slot = open_round_slot(facility, start, end)
                if lottery_slot is not None:
                    raise BookingError(
                        "lottery_slot", field="start", title=lottery_slot.round.title
                    )
                reservation = Reservation.objects.create(
                    facility=facility,
                    kind=Kind.BOOKING,
                    status=Status.REQUESTED,
                    start=start,
                    end=end,
                    hold_start=hold_start,
                    hold_end=hold_end,
                    applicant=applicant,
                    applicant_name=applicant_name.strip(),
                    applicant_email=applicant_email,
                    contact_phone=contact_phone.strip(),
                    organisation=organisation.strip(),
                    purpose=purpose,
                    headcount=headcount,
                    created_by=actor,
                    on_behalf=on_behalf,
                    claimed_discounts=discount_categories,
                    equipment_ids=equipment_ids,
                    **quote.stored_fields(),
                )
            record_event(
                reservation,
                "",
                Status.REQUESTED,
                actor=actor,
                reason="대리 접수" if on_behalf else "",
                data={"total": quote.total},
            )
            event = "received"
            if not facility.approval_required:
                reservation.decided_at = now
                reservation.discount_confirmed = not quote.discount_category
                reservation.payment_due = (
                    _payment_due(facility, start, now) if reservation.total_amount else None
                )
                transition(
                    reservation,
                    Status.APPROVED,
                    reason="즉시 확정 시설",
                    fields=("decided_at", "discount_confirmed", "payment_due"),
                )
                event = "approved"
            if on_behalf:
                _audit(actor, "book_on_behalf", reservation, "대리 접수")
            _after_change(reservation, event, institution)
    except IntegrityError as error:
        if _is_overlap_error(error):
            raise SlotTaken from None
        raise
    return reservation


# -- staff decisions ---------------------------------------------------------------


def reservation_approve(
    *,
    actor,
    reservation: Reservation,
    institution=None,
    discount_category: str | None = None,
    fee: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Reservation:
    """Approve a request (booking managers). Optionally confirm/change the discount
    (``""`` removes it; ``None`` keeps the claimed one) or set the fee outright.

    Paid bookings get a payment deadline (``payment_days`` after approval, never
    after the start); free ones are ready to use.
    """
    institution = acting_institution(institution)
    _require_manager(actor, institution)
    now = now or timezone.now()
    if reservation.series_id:
        from facility_booking.services.series import series_approve

        if fee is not None:
            raise BookingError("series_pay_single", field="fee")
        series_approve(
            actor=actor,
            series=reservation.series,
            dates=[reservation.pk],
            discount_category=discount_category,
            note=note,
            institution=institution,
            now=now,
        )
        return Reservation.objects.get(pk=reservation.pk)
    if fee is not None and fee < 0:
        raise BookingError("fee_negative", field="fee")
    if fee is not None and fee > pricing.MAX_TOTAL:
        raise BookingError("amount_too_large", field="fee")
    with transaction.atomic():
        reservation = lock_reservation(reservation)
        if reservation.status != Status.REQUESTED:
            raise InvalidTransition(reservation.get_status_display())
        if reservation.end <= now:
            # Nothing left to use; approving would only open an instantly overdue payment.
            raise BookingError("approve_over")
        facility = reservation.facility
        if discount_category is not None:
            if discount_category:
                offer = Discount.objects.filter(
                    facility=facility, category=discount_category
                ).first()
                if offer is None:
                    raise BookingError("discount_not_offered", field="discount_category")
                override = (offer.category, offer.percent)
            else:
                override = ("", 0)
        else:
            override = (reservation.discount_category, reservation.discount_percent)
        quote = pricing.check_total(
            pricing.quote(
                facility,
                reservation.start,
                reservation.end,
                equipment_ids=reservation.equipment_ids,
                discount_override=override,
            )
        )
        quote.apply_to(reservation)
        reservation.discount_confirmed = True
        total = quote.total if fee is None else int(fee)
        reservation.adjustment_amount = total - quote.total
        if reservation.adjustment_amount:
            reservation.price_lines.append(
                {"label": "담당자 조정", "amount": reservation.adjustment_amount}
            )
        reservation.total_amount = total
        reservation.payment_due = _payment_due(facility, reservation.start, now) if total else None
        reservation.decided_at = now
        reservation.staff_note = note.strip()
        transition(
            reservation,
            Status.APPROVED,
            actor=actor,
            reason=note.strip(),
            data={"total": total, "discount": quote.discount_category},
            fields=pricing.APPROVAL_FIELDS,
        )
        _audit(actor, "approve", reservation, "대관 승인", note, {"total": total})
        _after_change(reservation, "approved", institution)
    return reservation


def reservation_reject(
    *, actor, reservation: Reservation, reason: str, institution=None, now=None
) -> Reservation:
    """Reject a request with a reason (booking managers); frees the slot."""
    institution = acting_institution(institution)
    _require_manager(actor, institution)
    reason = (reason or "").strip()
    if not reason:
        raise BookingError("reason_required", field="reason")
    if reservation.series_id:
        from facility_booking.services.series import series_reject

        series_reject(
            actor=actor,
            series=reservation.series,
            dates=[reservation.pk],
            reason=reason,
            institution=institution,
            now=now,
        )
        return Reservation.objects.get(pk=reservation.pk)
    with transaction.atomic():
        lock_facility(reservation.facility_id)  # before the row: the freed time is offered on
        reservation = lock_reservation(reservation)
        if reservation.status != Status.REQUESTED:
            raise InvalidTransition(reservation.get_status_display())
        reservation.decided_at = now or timezone.now()
        transition(reservation, Status.REJECTED, actor=actor, reason=reason, fields=("decided_at",))
        _audit(actor, "reject", reservation, "대관 반려", reason)
        _after_change(reservation, "rejected", institution)
    return reservation


def reservation_record_payment(
    *,
    actor,
    reservation: Reservation,
    amount: int,
    method: str,
    note: str = "",
    institution=None,
    now=None,
) -> Reservation:
    """Record the payment of an approved booking (booking managers).

    ``amount`` must equal the fee; method ``exempt`` records 0 won.
    """
    from payments.public import desk_payment_entry

    institution = acting_institution(institution)
    _require_manager(actor, institution)
    if method not in PaymentMethod.values:
        raise BookingError("payment_method", field="method")
    if reservation.series_id and reservation.kind == Kind.BOOKING:
        raise BookingError("series_pay_single")
    with transaction.atomic():
        reservation = lock_reservation(reservation)
        if reservation.status != Status.APPROVED:
            raise InvalidTransition(reservation.get_status_display())
        if reservation.payment_orders.filter(status__in=("confirming", "waiting_for_deposit")):
            # An online payment is under way (or a 가상계좌 issued): one of the two would
            # be a double payment.
            raise BookingError("payment_online_open")
        if method == PaymentMethod.EXEMPT:
            if amount != 0:
                raise BookingError("payment_exempt_amount", field="amount")
        elif amount != reservation.total_amount - reservation.net_paid:
            raise BookingError(
                "payment_amount", field="amount", total=f"{reservation.total_amount:,}"
            )
        entry = desk_payment_entry(
            actor=actor, reservation=reservation, amount=amount, method=method, note=note, now=now
        )
        transition(
            reservation,
            Status.PAID,
            actor=actor,
            reason=note.strip(),
            data={"amount": amount, "method": method, "entry": entry.pk},
        )
        _audit(actor, "payment", reservation, f"결제 기록 {amount:,}원", note, {"method": method})
        _after_change(reservation, "paid", institution, payment_context(entry))
    return reservation


def reservation_mark_paid(
    *, reservation: Reservation, entry, institution=None, now=None
) -> Reservation:
    """An online payment covered the fee (payments.services). Caller holds the row lock
    and has booked ``entry`` in the ledger."""
    transition(
        reservation,
        Status.PAID,
        reason="온라인 결제",
        data={"amount": entry.amount, "method": entry.method, "entry": entry.pk},
    )
    _after_change(reservation, "paid", acting_institution(institution), payment_context(entry))
    return reservation


def cancellation_refund(reservation: Reservation, *, by_institution: bool, now=None) -> int:
    """The refund a cancellation would give right now (shown before confirming)."""
    return pricing.refund_amount(reservation, now or timezone.now(), by_institution=by_institution)


def reservation_cancel(
    *,
    actor,
    reservation: Reservation,
    reason: str = "",
    by_institution: bool = False,
    institution=None,
    now=None,
) -> Reservation:
    """Cancel a slot-holding booking, by the applicant before it starts (refund by the
    facility's tiers) or by the institution (booking managers, reason required, full
    refund, any time)."""
    institution = acting_institution(institution)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if by_institution:
        _require_manager(actor, institution)
        if not reason:
            raise BookingError("reason_required", field="reason")
    elif reservation.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if reservation.series_id and reservation.kind == Kind.BOOKING:
        from facility_booking.services.series import series_cancel

        series_cancel(
            actor=actor,
            series=reservation.series,
            dates=[reservation.pk],
            reason=reason,
            by_institution=by_institution,
            institution=institution,
            now=now,
        )
        return Reservation.objects.get(pk=reservation.pk)
    with transaction.atomic():
        lock_facility(reservation.facility_id)  # before the row: the freed time is offered on
        reservation = lock_reservation(reservation)
        if reservation.kind != Kind.BOOKING or reservation.status not in ACTIVE_BOOKING_STATES:
            raise InvalidTransition(reservation.get_status_display())
        if not by_institution and now >= reservation.start:
            raise BookingError("already_started")
        reservation.refund_due = pricing.refund_amount(
            reservation, now, by_institution=by_institution
        )
        reservation.cancelled_by_institution = by_institution
        transition(
            reservation,
            Status.CANCELLED,
            actor=actor,
            reason=reason,
            data={"refund": reservation.refund_due, "by_institution": by_institution},
            fields=("refund_due", "cancelled_by_institution"),
        )
        _settle_money(reservation, actor, reason or "예약 취소")
        if by_institution:
            _audit(
                actor,
                "cancel",
                reservation,
                f"기관 취소, 환불 {reservation.refund_due:,}원",
                reason,
            )
        _after_change(reservation, "cancelled", institution)
    return reservation


def _settle_money(reservation: Reservation, actor, reason: str) -> None:
    """A booking that ends before use: refund what the cancellation decided and close
    payments still open (an issued 가상계좌 must not take a deposit any more)."""
    from payments.public import close_open_orders, refund_request

    if reservation.refund_due:
        refund_request(
            reservation=reservation, amount=reservation.refund_due, reason=reason, actor=actor
        )
    close_open_orders(reservation=reservation, reason=reason)


def _finish(actor, reservation: Reservation, target: str, institution, now) -> Reservation:
    institution = acting_institution(institution)
    _require_manager(actor, institution)
    now = now or timezone.now()
    with transaction.atomic():
        reservation = lock_reservation(reservation)
        if reservation.status == Status.APPROVED and reservation.total_amount > 0:
            raise BookingError("not_paid")
        if reservation.status not in (Status.APPROVED, Status.PAID):
            raise InvalidTransition(reservation.get_status_display())
        if now < reservation.start:
            raise BookingError("not_yet_started")
        transition(reservation, target, actor=actor)
        _audit(actor, target, reservation, str(Status(target).label))
        _after_change(reservation, None, institution)
        if target == Status.NO_SHOW:
            fairness.after_no_show(reservation, institution=institution, now=now)
    return reservation


def reservation_complete(
    *, actor, reservation: Reservation, institution=None, now=None
) -> Reservation:
    """Mark a paid (or free, approved) booking as used, once it has started."""
    return _finish(actor, reservation, Status.COMPLETED, institution, now)


def reservation_mark_no_show(
    *, actor, reservation: Reservation, institution=None, now=None
) -> Reservation:
    """Mark a paid (or free, approved) booking as not used, once it has started."""
    return _finish(actor, reservation, Status.NO_SHOW, institution, now)


def reservation_expire(*, reservation: Reservation, institution=None, now=None) -> bool:
    """Expire an approved, unpaid booking past its payment deadline (system).

    Returns False, changing nothing, when the booking no longer qualifies
    (paid or cancelled meanwhile) — safe to run repeatedly.
    """
    institution = acting_institution(institution)
    now = now or timezone.now()
    with transaction.atomic():
        lock_facility(reservation.facility_id)  # before the row: the freed time is offered on
        reservation = lock_reservation(reservation)
        if not (
            reservation.status == Status.APPROVED
            and reservation.total_amount > 0
            and reservation.payment_due is not None
            and reservation.payment_due < now
        ):
            return False
        transition(reservation, Status.EXPIRED, reason="결제 기한 경과")
        _settle_money(reservation, None, "결제 기한 경과")
        _after_change(reservation, "expired", institution)
    return True


def reservation_send_reminder(*, reservation: Reservation, institution=None, now=None) -> bool:
    """E-mail the day-before reminder once; False if already sent or no longer active."""
    institution = acting_institution(institution)
    with transaction.atomic():
        reservation = lock_reservation(reservation)
        if reservation.reminder_sent_at is not None or reservation.status not in (
            Status.APPROVED,
            Status.PAID,
        ):
            return False
        reservation.reminder_sent_at = now or timezone.now()
        reservation.save(update_fields=["reminder_sent_at", "updated_at"])
        notify_applicant(reservation, "reminder", institution=institution)
    return True


def reservation_send_payment_reminder(
    *, reservation: Reservation, institution=None, now=None
) -> bool:
    """Tell the applicant once that the payment deadline is 24 hours away."""
    institution = acting_institution(institution)
    now = now or timezone.now()
    with transaction.atomic():
        reservation = lock_reservation(reservation)
        if (
            reservation.payment_reminder_sent_at is not None
            or not reservation.awaits_payment
            or reservation.payment_due is None
            or reservation.payment_due <= now
        ):
            return False
        reservation.payment_reminder_sent_at = now
        reservation.save(update_fields=["payment_reminder_sent_at", "updated_at"])
        notify_applicant(reservation, "payment_due_soon", institution=institution)
    return True


# -- blocks ------------------------------------------------------------------------


def block_create(
    *,
    actor,
    facility: Facility,
    start: dt.datetime,
    end: dt.datetime,
    reason: str = BlockReason.MAINTENANCE,
    note: str = "",
    institution=None,
    now: dt.datetime | None = None,
) -> Reservation:
    """Block [start, end) for maintenance or internal use (booking managers).

    Raises ``BookingError`` for an empty or already finished period and
    ``SlotTaken`` if a booking or block holds any of it.
    """
    _require_manager(actor, acting_institution(institution))
    if end <= start:
        raise BookingError("end_before_start", field="end")
    if end <= (now or timezone.now()):
        raise BookingError("past", field="start")
    if reason not in BlockReason.values:
        reason = BlockReason.MAINTENANCE
    try:
        with transaction.atomic():
            lock_facility(facility.pk)
            if overlaps(facility, start, end):
                raise SlotTaken
            block = Reservation.objects.create(
                facility=facility,
                kind=Kind.BLOCK,
                status=Status.BLOCKED,
                start=start,
                end=end,
                hold_start=start,
                hold_end=end,
                block_reason=reason,
                purpose=note.strip(),
                applicant_name=str(BlockReason(reason).label),
                created_by=actor,
            )
            record_event(block, "", Status.BLOCKED, actor=actor, reason=note.strip())
            _audit(actor, "block", block, f"{facility.name} 사용 제한", note)
    except IntegrityError as error:
        if _is_overlap_error(error):
            raise SlotTaken from None
        raise
    return block


def block_remove(*, actor, block: Reservation, reason: str = "", institution=None) -> Reservation:
    """Lift a block (booking managers); the time becomes bookable again."""
    institution = acting_institution(institution)
    _require_manager(actor, institution)
    with transaction.atomic():
        lock_facility(block.facility_id)
        block = lock_reservation(block)
        if block.kind != Kind.BLOCK:
            raise InvalidTransition(block.get_status_display())
        transition(block, Status.CANCELLED, actor=actor, reason=reason)
        _audit(actor, "unblock", block, "사용 제한 해제", reason)
        from facility_booking.services import waitlist

        waitlist.after_change(block, institution=institution)
    return block
