"""The write path for money: checkout, confirm, webhooks, refunds, desk entries.

Locks are taken in one order: the booking row, then the payment order, then the
refund. A call to the gateway never runs inside a transaction that holds a lock
longer than the call itself needs, and every gateway call that changes money
carries an idempotency key, so repeating it (a retry after a timeout, a second
click) cannot charge or refund twice. Whatever the gateway says is applied by
``apply_gateway_payment`` — the only place that books gateway money — which is
idempotent: it adds only transactions the ledger has not seen.

One rule for money that arrives for a booking that can no longer take it
(expired or cancelled meanwhile, or paid already): it is booked, then refunded
in full, automatically, and the person is told.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from payments.errors import PaymentError
from payments.gateway import (
    GatewayError,
    GatewayPayment,
    GatewayUnavailable,
    WebhookRejected,
    gateway_for,
)
from payments.models import (
    BANKS,
    CashReceiptType,
    EntryKind,
    LedgerEntry,
    Method,
    OrderStatus,
    PaymentOrder,
    Refund,
    RefundStatus,
)

log = logging.getLogger(__name__)

RECONCILE_AFTER = dt.timedelta(seconds=30)
ABANDONED_AFTER = dt.timedelta(hours=1)
MAX_VA_HOURS = 72


def _institution():
    from tenants.current import current_institution

    return current_institution()


def _gateway():
    return gateway_for(_institution())


def _lock_reservation(reservation):
    from facility_booking.public.for_payments import lock_reservation

    return lock_reservation(reservation)


def _lock_order(order_pk: int) -> PaymentOrder:
    return PaymentOrder.objects.select_for_update(of=("self",)).get(pk=order_pk)


# -- sums -------------------------------------------------------------------------------------


def totals(reservation) -> tuple[int, int]:
    """(paid, refunded) from the ledger, in won."""
    rows = dict(
        LedgerEntry.objects.filter(reservation=reservation)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    return int(rows.get(EntryKind.PAYMENT) or 0), int(rows.get(EntryKind.REFUND) or 0)


def refundable_of(order: PaymentOrder) -> int:
    """What is still refundable of an order's payment (refunds asked for count)."""
    paid = order.entries.filter(kind=EntryKind.PAYMENT).aggregate(total=Sum("amount"))["total"] or 0
    asked = (
        order.refunds.exclude(status=RefundStatus.FAILED).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    refunded_outside = (
        order.entries.filter(kind=EntryKind.REFUND, refund__isnull=True).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    return max(0, paid - asked - refunded_outside)


# -- checkout ---------------------------------------------------------------------------------


def _digits(value: str) -> str:
    return "".join(c for c in (value or "") if c.isdigit())


def checkout_start(
    *,
    actor,
    reservation,
    method: str,
    cash_receipt_type: str = "",
    cash_receipt_number: str = "",
    refund_bank: str = "",
    refund_account: str = "",
    refund_holder: str = "",
    now: dt.datetime | None = None,
) -> PaymentOrder:
    """Open a payment for the applicant's approved booking, for exactly its fee.

    Card or 가상계좌; a 현금영수증 may be asked for with 가상계좌 (a phone number for
    소득공제, a business number for 지출증빙); a 가상계좌 needs the account its
    refund would go to. Nothing is charged here.
    """
    from facility_booking.public.for_payments import Status

    now = now or timezone.now()
    if reservation.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if method not in (Method.CARD, Method.VIRTUAL_ACCOUNT):
        raise PaymentError("method", field="method")
    cash_receipt_type = cash_receipt_type or ""
    number = _digits(cash_receipt_number)
    if cash_receipt_type:
        if method == Method.CARD:
            raise PaymentError("cash_receipt_card", field="cash_receipt_type")
        if cash_receipt_type not in CashReceiptType.values:
            raise PaymentError("cash_receipt_type", field="cash_receipt_type")
        if cash_receipt_type == CashReceiptType.PERSONAL and not (
            len(number) in (10, 11) and number.startswith("01")
        ):
            raise PaymentError("cash_receipt_phone", field="cash_receipt_number")
        if cash_receipt_type == CashReceiptType.BUSINESS and len(number) != 10:
            raise PaymentError("cash_receipt_business", field="cash_receipt_number")
    else:
        number = ""
    if method == Method.VIRTUAL_ACCOUNT:
        if refund_bank not in BANKS:
            raise PaymentError("refund_bank", field="refund_bank")
        if not 10 <= len(_digits(refund_account)) <= 16:
            raise PaymentError("refund_account", field="refund_account")
        if not (refund_holder or "").strip():
            raise PaymentError("refund_holder", field="refund_holder")
    gateway = _gateway()
    with transaction.atomic():
        reservation = _lock_reservation(reservation)
        if not (
            reservation.status == Status.APPROVED
            and reservation.total_amount > 0
            and reservation.payment_due is not None
            and reservation.payment_due > now
        ):
            raise PaymentError("not_payable")
        open_orders = reservation.payment_orders.filter(
            status__in=(OrderStatus.CONFIRMING, OrderStatus.WAITING_FOR_DEPOSIT)
        )
        if open_orders.filter(status=OrderStatus.WAITING_FOR_DEPOSIT).exists():
            raise PaymentError("va_open")
        if open_orders.exists():
            raise PaymentError("in_flight")
        hours = int((reservation.payment_due - now).total_seconds() // 3600)
        start = timezone.localtime(reservation.start)
        order = PaymentOrder.objects.create(
            reservation=reservation,
            payer=actor,
            gateway=gateway.name,
            method=method,
            amount=reservation.total_amount,
            order_name=f"{reservation.facility.name} {start.month}/{start.day} 대관료"[:100],
            customer_name=reservation.applicant_name[:100],
            customer_email=reservation.applicant_email or actor.email,
            cash_receipt_type=cash_receipt_type,
            cash_receipt_number=number,
            va_valid_hours=max(1, min(MAX_VA_HOURS, hours)),
            refund_bank=refund_bank if method == Method.VIRTUAL_ACCOUNT else "",
            refund_account=_digits(refund_account) if method == Method.VIRTUAL_ACCOUNT else "",
            refund_holder=(refund_holder or "").strip()[:60]
            if method == Method.VIRTUAL_ACCOUNT
            else "",
        )
    return order


def launch(order: PaymentOrder, *, success_url: str, fail_url: str):
    return gateway_for(_institution()).launch(order, success_url=success_url, fail_url=fail_url)


def order_of(actor, order_id: str) -> PaymentOrder | None:
    """The payer's own order, or None (someone else's answers like a missing one)."""
    order = PaymentOrder.objects.select_related("reservation__facility").filter(
        order_id=str(order_id)[:64]
    )
    order = order.first()
    if order is None or order.payer_id != getattr(actor, "pk", None):
        return None
    return order


def checkout_fail(*, order: PaymentOrder, code: str, message: str) -> PaymentOrder:
    """The window came back to the fail URL (declined, closed): the order ends, the
    booking keeps waiting for payment."""
    with transaction.atomic():
        order = _lock_order(order.pk)
        if order.status == OrderStatus.READY:
            order.status = OrderStatus.FAILED
            order.failure_code = (code or "PAY_PROCESS_CANCELED")[:60]
            order.failure_message = (message or "")[:300]
            order.save(update_fields=["status", "failure_code", "failure_message", "updated_at"])
    return order


def checkout_return(*, actor, order: PaymentOrder, payment_key: str, amount) -> PaymentOrder:
    """The success URL: check the amount against the order, then confirm server-side."""
    try:
        returned = int(amount)
    except (TypeError, ValueError):
        returned = -1
    if returned != order.amount:
        with transaction.atomic():
            locked = _lock_order(order.pk)
            if locked.status == OrderStatus.READY:
                locked.status = OrderStatus.FAILED
                locked.failure_code = "AMOUNT_MISMATCH"
                locked.failure_message = f"returned {returned}, expected {order.amount}"
                locked.save(
                    update_fields=["status", "failure_code", "failure_message", "updated_at"]
                )
        raise PaymentError(
            "amount_mismatch", returned=f"{returned:,}", expected=f"{order.amount:,}"
        )
    return payment_confirm(order=order, payment_key=str(payment_key)[:200])


def payment_confirm(*, order: PaymentOrder, payment_key: str, now=None) -> PaymentOrder:
    """Confirm with the gateway. Twice is the same as once; a timeout leaves the order
    ``confirming`` until ``order_reconcile`` asks the gateway what happened."""
    with transaction.atomic():
        order = _lock_order(order.pk)
        if order.status != OrderStatus.READY:
            if order.payment_key == payment_key and order.status != OrderStatus.FAILED:
                return order  # confirmed (or being confirmed) already
            raise PaymentError("order_closed")
        expected = order.reservation.total_amount
        if expected != order.amount:
            order.status = OrderStatus.FAILED
            order.failure_code = "AMOUNT_CHANGED"
            order.save(update_fields=["status", "failure_code", "updated_at"])
            error = PaymentError("amount_changed", expected=f"{expected:,}")
        else:
            error = None
            order.status = OrderStatus.CONFIRMING
            order.payment_key = payment_key
            order.save(update_fields=["status", "payment_key", "updated_at"])
    if error is not None:
        raise error
    gateway = _gateway()
    try:
        payment = gateway.confirm(
            payment_key=payment_key,
            order_id=order.order_id,
            amount=order.amount,
            idempotency_key=f"confirm-{order.order_id}",
        )
    except GatewayUnavailable:
        schedule_reconcile(order)
        return PaymentOrder.objects.get(pk=order.pk)
    except GatewayError as error:
        if error.code == "ALREADY_PROCESSED_PAYMENT":
            return apply_gateway_payment(order=order, payment=gateway.get_payment(payment_key))
        with transaction.atomic():
            order = _lock_order(order.pk)
            if order.status == OrderStatus.CONFIRMING:
                order.status = OrderStatus.FAILED
                order.failure_code = error.code[:60]
                order.failure_message = error.message[:300]
                order.save(
                    update_fields=["status", "failure_code", "failure_message", "updated_at"]
                )
        raise PaymentError("declined", message=error.message) from None
    return apply_gateway_payment(order=order, payment=payment)


def schedule_reconcile(order: PaymentOrder) -> None:
    from payments import tasks

    schema = _institution().schema_name
    when = timezone.now() + RECONCILE_AFTER

    def enqueue():
        backend = tasks.reconcile_order.get_backend()
        if backend.supports_defer:
            tasks.reconcile_order.using(run_after=when).enqueue(
                schema_name=schema, order_pk=order.pk
            )

    transaction.on_commit(enqueue, robust=True)


# -- applying what the gateway says ---------------------------------------------------------------


def apply_gateway_payment(
    *, order: PaymentOrder, payment: GatewayPayment, now=None
) -> PaymentOrder:
    """Bring our order and ledger in line with the gateway's Payment object.

    Books the payment once (by paymentKey) and each cancel once (by transactionKey);
    moves the booking to paid when the money covers its fee, otherwise refunds it in
    full; finishes refunds the cancels answer.
    """
    from facility_booking.public.for_payments import (
        Status,
        notify_applicant,
        publish_booking,
        reservation_mark_paid,
    )

    now = now or timezone.now()
    if payment.order_id and payment.order_id != order.order_id:
        raise WebhookRejected("payment of another order")
    with transaction.atomic():
        reservation = _lock_reservation(order.reservation)
        order = _lock_order(order.pk)
        if order.payment_key and payment.payment_key and order.payment_key != payment.payment_key:
            raise WebhookRejected("payment key does not match the order")
        changed = []
        if payment.payment_key and not order.payment_key:
            order.payment_key = payment.payment_key
            changed.append("payment_key")
        if payment.status == "WAITING_FOR_DEPOSIT" and order.status in (
            OrderStatus.READY,
            OrderStatus.CONFIRMING,
        ):
            order.status = OrderStatus.WAITING_FOR_DEPOSIT
            order.va_account_number = payment.va_account_number
            order.va_bank_code = payment.va_bank_code
            order.va_holder = payment.va_holder or order.customer_name
            order.va_due = payment.va_due
            order.va_secret = payment.secret
            changed += [
                "status",
                "va_account_number",
                "va_bank_code",
                "va_holder",
                "va_due",
                "va_secret",
            ]
            notify_applicant(
                reservation,
                "virtual_account_issued",
                extra=_va_context(order),
                dedupe=f"va:{order.order_id}",
            )
        new_payment = None
        if payment.is_paid:
            new_payment = _book_payment(reservation, order, payment)
            if order.status != OrderStatus.PAID:
                order.status = OrderStatus.PAID
                order.approved_at = payment.approved_at or now
                order.card_number = payment.card_number or order.card_number
                changed += ["status", "approved_at", "card_number"]
            if payment.cash_receipt_key and not order.cash_receipt_key:
                order.cash_receipt_key = payment.cash_receipt_key
                order.cash_receipt_issue_number = payment.cash_receipt_issue_number
                changed += ["cash_receipt_key", "cash_receipt_issue_number"]
        elif payment.status in ("ABORTED", "EXPIRED", "CANCELED") and order.is_open:
            order.status = (
                OrderStatus.EXPIRED if payment.status == "EXPIRED" else OrderStatus.CANCELLED
            )
            if payment.status == "ABORTED":
                order.status = OrderStatus.FAILED
            order.failure_code = payment.failure_code[:60]
            order.failure_message = payment.failure_message[:300]
            changed += ["status", "failure_code", "failure_message"]
        if changed:
            order.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
        for cancel in payment.cancels:
            if cancel.amount > 0:
                _book_cancel(reservation, order, cancel, now)
        if new_payment is not None:
            paid, refunded = totals(reservation)
            takes_it = (
                reservation.status == Status.APPROVED
                and paid - refunded == reservation.total_amount
            )
            if takes_it:
                reservation_mark_paid(reservation=reservation, entry=new_payment, now=now)
            else:
                refund_create(
                    reservation=reservation,
                    order=order,
                    amount=min(new_payment.amount, refundable_of(order)),
                    reason="예약이 결제를 받을 수 없는 상태(기한 만료·취소·중복 결제)여서 자동 환불",
                )
        publish_booking(reservation)
    return PaymentOrder.objects.get(pk=order.pk)


def _va_context(order: PaymentOrder) -> dict:
    from suite.dates import kdatetime as fmt_datetime

    return {
        "bank": order.va_bank_name,
        "account": order.va_account_number,
        "holder": order.va_holder,
        "amount": f"{order.amount:,}원",
        "due": fmt_datetime(order.va_due) if order.va_due else "",
    }


def _book_payment(reservation, order, payment: GatewayPayment) -> LedgerEntry | None:
    """The payment's ledger entry; None when it was booked before."""
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                reservation=reservation,
                order=order,
                kind=EntryKind.PAYMENT,
                method=order.method,
                amount=payment.total_amount,
                gateway=order.gateway,
                transaction_id=payment.payment_key,
                occurred_at=payment.approved_at or timezone.now(),
                recorded_label="gateway",
            )
    except IntegrityError:
        return None


def _book_cancel(reservation, order, cancel, now) -> LedgerEntry | None:
    from facility_booking.public.for_payments import notify_applicant

    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                reservation=reservation,
                order=order,
                kind=EntryKind.REFUND,
                method=order.method,
                amount=cancel.amount,
                gateway=order.gateway,
                transaction_id=cancel.transaction_key,
                occurred_at=cancel.canceled_at or now,
                recorded_label="gateway",
                note=cancel.reason[:500],
            )
    except IntegrityError:
        return None
    refund = (
        Refund.objects.select_for_update()
        .filter(
            order=order,
            amount=cancel.amount,
            entry__isnull=True,
            status__in=(RefundStatus.PROCESSING, RefundStatus.PENDING, RefundStatus.FAILED),
        )
        .order_by("created_at", "id")
        .first()
    )
    if refund is not None:
        refund.status = RefundStatus.DONE
        refund.entry = entry
        refund.completed_at = now
        refund.last_error = ""
        refund.save(update_fields=["status", "entry", "completed_at", "last_error"])
    notify_applicant(
        reservation,
        "refund_completed",
        extra={"amount": f"{entry.amount:,}원", "method": str(Method(entry.method).label)},
        dedupe=f"refund:{entry.gateway}:{entry.transaction_id}",
    )
    return entry


# -- webhooks -----------------------------------------------------------------------------------


def webhook_receive(*, institution, body: bytes, headers) -> str:
    """A gateway webhook: verified, then used only as a hint — the truth is fetched
    from the gateway and applied. Returns "applied" or "ignored"; raises
    WebhookRejected for a bad signature or a deposit callback with the wrong secret."""
    gateway = gateway_for(institution)
    event = gateway.verify_webhook(body, headers)
    if event.get("eventType") == "PAYMENT_STATUS_CHANGED":
        data = event.get("data") or {}
        order_id, secret = str(data.get("orderId") or ""), None
    elif "secret" in event and "orderId" in event:  # DEPOSIT_CALLBACK
        order_id, secret = str(event.get("orderId") or ""), str(event.get("secret") or "")
    else:
        return "ignored"
    order = PaymentOrder.objects.filter(order_id=order_id[:64]).first()
    if order is None:
        return "ignored"
    try:
        truth = gateway.get_payment_by_order(order.order_id)
    except GatewayError as error:
        if isinstance(error, GatewayUnavailable):
            raise
        return "ignored"
    if secret is not None and not (truth.secret and hmac.compare_digest(secret, truth.secret)):
        raise WebhookRejected("deposit callback secret does not match")
    apply_gateway_payment(order=order, payment=truth)
    return "applied"


# -- reconciliation of open orders ------------------------------------------------------------------


def order_reconcile(*, order: PaymentOrder, now=None) -> PaymentOrder:
    """Ask the gateway about an order whose outcome we do not know and apply it."""
    now = now or timezone.now()
    gateway = _gateway()
    try:
        payment = gateway.get_payment_by_order(order.order_id)
    except GatewayUnavailable:
        return order
    except GatewayError:
        payment = None
    if payment is None or payment.status in ("READY", "IN_PROGRESS"):
        with transaction.atomic():
            locked = _lock_order(order.pk)
            stale = locked.updated_at < now - (
                ABANDONED_AFTER if locked.status == OrderStatus.READY else RECONCILE_AFTER
            )
            if locked.status == OrderStatus.CONFIRMING and payment is not None and stale:
                # The window was paid but our confirm never reached the gateway: confirm now.
                key = locked.payment_key
            else:
                key = None
                if locked.status in (OrderStatus.READY, OrderStatus.CONFIRMING) and stale:
                    locked.status = OrderStatus.EXPIRED
                    locked.save(update_fields=["status", "updated_at"])
        if key:
            try:
                payment = gateway.confirm(
                    payment_key=key,
                    order_id=order.order_id,
                    amount=order.amount,
                    idempotency_key=f"confirm-{order.order_id}",
                )
            except GatewayError:
                return PaymentOrder.objects.get(pk=order.pk)
            return apply_gateway_payment(order=order, payment=payment, now=now)
        return PaymentOrder.objects.get(pk=order.pk)
    if (
        payment.status == "WAITING_FOR_DEPOSIT"
        and payment.va_due is not None
        and payment.va_due < now
    ):
        with transaction.atomic():
            locked = _lock_order(order.pk)
            if locked.status == OrderStatus.WAITING_FOR_DEPOSIT:
                locked.status = OrderStatus.EXPIRED
                locked.save(update_fields=["status", "updated_at"])
        return PaymentOrder.objects.get(pk=order.pk)
    return apply_gateway_payment(order=order, payment=payment, now=now)


def reconcile_here(*, now=None) -> int:
    """Open orders and refunds of this institution whose outcome is unknown or overdue."""
    now = now or timezone.now()
    count = 0
    orders = PaymentOrder.objects.filter(
        status__in=(OrderStatus.CONFIRMING, OrderStatus.READY, OrderStatus.WAITING_FOR_DEPOSIT),
        updated_at__lt=now - RECONCILE_AFTER,
    ).order_by("updated_at")
    for order in orders[:500]:
        if order.status == OrderStatus.READY and order.updated_at > now - ABANDONED_AFTER:
            continue
        if order.status == OrderStatus.WAITING_FOR_DEPOSIT and order.va_due and order.va_due > now:
            continue
        order_reconcile(order=order, now=now)
        count += 1
    for refund in Refund.objects.filter(status__in=(RefundStatus.PENDING, RefundStatus.PROCESSING)):
        refund_process(refund=refund, now=now)
        count += 1
    return count


# -- closing what can no longer be paid ----------------------------------------------------------


def close_open_orders(*, reservation, reason: str) -> None:
    """The booking cannot take money any more (cancelled, expired): issued virtual
    accounts are closed at the gateway after commit, so no deposit can arrive later."""
    pks = list(
        reservation.payment_orders.filter(status=OrderStatus.WAITING_FOR_DEPOSIT).values_list(
            "pk", flat=True
        )
    )
    if not pks:
        return
    schema = _institution().schema_name

    def enqueue():
        from payments import tasks

        for pk in pks:
            tasks.close_order.enqueue(schema_name=schema, order_pk=pk, reason=reason[:200])

    transaction.on_commit(enqueue, robust=True)


def order_close(*, order: PaymentOrder, reason: str) -> PaymentOrder:
    """Close an issued virtual account before any deposit (no money moves)."""
    if order.status != OrderStatus.WAITING_FOR_DEPOSIT or not order.payment_key:
        return order
    gateway = _gateway()
    try:
        payment = gateway.cancel(
            payment_key=order.payment_key,
            reason=reason or "예약 취소",
            idempotency_key=f"close-{order.order_id}",
        )
    except GatewayError:
        # Deposited meanwhile, or no answer: the reconciliation applies the truth.
        return order_reconcile(order=order)
    return apply_gateway_payment(order=order, payment=payment)


# -- refunds -------------------------------------------------------------------------------------


def refund_create(*, reservation, order, amount: int, reason: str, actor=None) -> Refund | None:
    """A refund through the gateway for ``order`` (caller holds the booking lock);
    processed after commit."""
    if amount <= 0:
        return None
    refund = Refund.objects.create(
        reservation=reservation,
        order=order,
        amount=amount,
        reason=reason[:200],
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    schema = _institution().schema_name

    def enqueue():
        from payments import tasks

        tasks.process_refund.enqueue(schema_name=schema, refund_pk=refund.pk)

    transaction.on_commit(enqueue, robust=True)
    return refund


def refund_request(*, reservation, amount: int, reason: str, actor=None) -> list[Refund]:
    """Give back ``amount`` of what the booking was paid: through the gateway for online
    payments (newest first), the rest as a refund staff pay back by hand.
    Caller holds the booking lock, inside its transaction."""
    refunds: list[Refund] = []
    remaining = amount
    orders = reservation.payment_orders.filter(status=OrderStatus.PAID).order_by("-created_at")
    for order in orders:
        if remaining <= 0:
            break
        take = min(remaining, refundable_of(order))
        if take > 0:
            refunds.append(
                refund_create(
                    reservation=reservation, order=order, amount=take, reason=reason, actor=actor
                )
            )
            remaining -= take
    if remaining > 0:
        refunds.append(
            Refund.objects.create(
                reservation=reservation,
                amount=remaining,
                reason=reason[:200] or "예약 취소",
                status=RefundStatus.MANUAL,
                requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
    return refunds


def refund_process(*, refund: Refund, now=None) -> Refund:
    """Send a gateway refund (again: the same idempotency key, so never twice)."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",)).select_related("order").get(pk=refund.pk)
        )
        if refund.status not in (RefundStatus.PENDING, RefundStatus.PROCESSING) or not refund.order:
            return refund
        refund.status = RefundStatus.PROCESSING
        refund.attempts += 1
        refund.save(update_fields=["status", "attempts"])
    order = refund.order
    account = None
    if order.method == Method.VIRTUAL_ACCOUNT:
        account = {
            "bank": order.refund_bank,
            "accountNumber": order.refund_account,
            "holderName": order.refund_holder,
        }
    gateway = _gateway()
    try:
        payment = gateway.cancel(
            payment_key=order.payment_key,
            reason=refund.reason or "예약 취소",
            amount=refund.amount,
            refund_account=account,
            idempotency_key=f"refund-{refund.key}",
        )
    except GatewayUnavailable as error:
        Refund.objects.filter(pk=refund.pk).update(last_error=str(error)[:300])
        return Refund.objects.get(pk=refund.pk)
    except GatewayError as error:
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PROCESSING).update(
            status=RefundStatus.FAILED, last_error=f"{error.code}: {error.message}"[:300]
        )
        return Refund.objects.get(pk=refund.pk)
    apply_gateway_payment(order=order, payment=payment, now=now)
    return Refund.objects.get(pk=refund.pk)


def refund_retry(*, actor, refund: Refund) -> Refund:
    """Staff try a failed gateway refund again."""
    _require_manager(actor)
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != RefundStatus.FAILED or refund.order_id is None:
            raise PaymentError("refund_retry")
        refund.status = RefundStatus.PENDING
        refund.save(update_fields=["status"])
        schema = _institution().schema_name
        pk = refund.pk

        def enqueue():
            from payments import tasks

            tasks.process_refund.enqueue(schema_name=schema, refund_pk=pk)

        transaction.on_commit(enqueue, robust=True)
    return refund


# -- the desk: money taken or given back by staff ------------------------------------------------


def _require_manager(actor) -> None:
    from facility_booking.public.for_payments import can_manage_bookings

    if not can_manage_bookings(actor, _institution()):
        raise PermissionDenied


def desk_payment_entry(
    *, actor, reservation, amount: int, method: str, note: str = "", now=None
) -> LedgerEntry:
    """A payment taken at the desk or by bank transfer (caller holds the booking lock)."""
    import uuid

    return LedgerEntry.objects.create(
        reservation=reservation,
        kind=EntryKind.PAYMENT,
        method=method,
        amount=amount,
        gateway="",
        transaction_id=f"desk-{uuid.uuid4().hex}",
        occurred_at=now or timezone.now(),
        recorded_by=actor,
        recorded_label=actor.get_full_name() if actor else "",
        note=(note or "")[:500],
    )


def refund_record_manual(*, actor, refund: Refund, method: str, note: str = "", now=None) -> Refund:
    """Staff paid a desk refund back (bank transfer or cash): the ledger entry."""
    import uuid

    from facility_booking.public.for_payments import notify_applicant, publish_booking

    _require_manager(actor)
    if method not in (Method.BANK_TRANSFER, Method.CASH):
        raise PaymentError("method", field="method")
    now = now or timezone.now()
    with transaction.atomic():
        reservation = _lock_reservation(refund.reservation)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != RefundStatus.MANUAL:
            raise PaymentError("refund_state")
        entry = LedgerEntry.objects.create(
            reservation=reservation,
            kind=EntryKind.REFUND,
            method=method,
            amount=refund.amount,
            gateway="",
            transaction_id=f"desk-{uuid.uuid4().hex}",
            occurred_at=now,
            recorded_by=actor,
            recorded_label=actor.get_full_name(),
            note=(note or "")[:500],
        )
        refund.status = RefundStatus.DONE
        refund.entry = entry
        refund.completed_at = now
        refund.save(update_fields=["status", "entry", "completed_at"])
        from institution.audit import audit_record

        audit_record(
            actor=actor,
            action="payments.refund_manual",
            summary=f"{reservation.number} 직접 환불 {refund.amount:,}원",
            target=reservation,
            data={"method": method, "amount": refund.amount},
        )
        notify_applicant(
            reservation,
            "refund_completed",
            extra={"amount": f"{entry.amount:,}원", "method": str(Method(method).label)},
            dedupe=f"refund:desk:{entry.transaction_id}",
        )
        publish_booking(reservation)
    return refund
