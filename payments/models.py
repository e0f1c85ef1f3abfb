"""Payments of one institution (its schema): orders sent to the gateway, the ledger,
refunds.

Why per institution: each institution collects its own fees (its own merchant
keys, its own books, its own reconciliation); nobody else may read them. The
portal hub shows a resident's payments through the booking summaries each
institution publishes to the public index.

The ledger is the truth about money: a booking's paid and refunded amounts are
sums of its entries, in whole won, each with the transaction id the gateway
gave (paymentKey for a payment, the cancel's transactionKey for a refund) or a
staff reference for money taken at the desk. The same gateway transaction can
never be booked twice (unique constraint), so a confirm repeated, a webhook
delivered twice or a reconciliation run again add nothing.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Method(models.TextChoices):
    CARD = "card", _("카드")
    VIRTUAL_ACCOUNT = "virtual_account", _("가상계좌")
    BANK_TRANSFER = "bank_transfer", _("계좌 이체")
    CARD_ON_SITE = "card_on_site", _("현장 카드 결제")
    CASH = "cash", _("현금")
    EXEMPT = "exempt", _("면제")


ONLINE_METHODS = (Method.CARD, Method.VIRTUAL_ACCOUNT)
MANUAL_METHODS = (Method.BANK_TRANSFER, Method.CARD_ON_SITE, Method.CASH, Method.EXEMPT)


class CashReceiptType(models.TextChoices):
    NONE = "", _("발급 안 함")
    PERSONAL = "소득공제", _("소득공제용 (휴대전화 번호)")
    BUSINESS = "지출증빙", _("지출증빙용 (사업자등록번호)")


class OrderStatus(models.TextChoices):
    READY = "ready", _("결제창 진행 중")
    CONFIRMING = "confirming", _("결제 확인 중")
    WAITING_FOR_DEPOSIT = "waiting_for_deposit", _("입금 대기")
    PAID = "paid", _("결제 완료")
    FAILED = "failed", _("결제 실패")
    EXPIRED = "expired", _("기한 만료")
    CANCELLED = "cancelled", _("취소")


OPEN_ORDER_STATES = (OrderStatus.READY, OrderStatus.CONFIRMING, OrderStatus.WAITING_FOR_DEPOSIT)


def new_order_id() -> str:
    return "FB" + secrets.token_urlsafe(15).replace("-", "x").replace("_", "y")


class PaymentOrder(models.Model):
    """One attempt to pay a booking online: what we sent the gateway and what came back."""

    order_id = models.CharField(max_length=64, unique=True, default=new_order_id)
    reservation = models.ForeignKey(
        "facility_booking.Reservation", on_delete=models.PROTECT, related_name="payment_orders"
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    gateway = models.CharField(max_length=20)
    method = models.CharField(max_length=20, choices=Method.choices)
    amount = models.PositiveIntegerField()
    order_name = models.CharField(max_length=100)
    customer_name = models.CharField(max_length=100, blank=True)
    customer_email = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.READY)
    payment_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # 현금영수증, asked for at payment (가상계좌: the gateway issues it on deposit).
    cash_receipt_type = models.CharField(max_length=10, choices=CashReceiptType.choices, blank=True)
    cash_receipt_number = models.CharField(max_length=20, blank=True)
    cash_receipt_key = models.CharField(max_length=60, blank=True)
    cash_receipt_issue_number = models.CharField(max_length=20, blank=True)
    # 가상계좌: where to deposit, by when, and the secret its deposit callback must carry.
    va_valid_hours = models.PositiveIntegerField(default=72)
    va_bank_code = models.CharField(max_length=4, blank=True)
    va_account_number = models.CharField(max_length=30, blank=True)
    va_holder = models.CharField(max_length=100, blank=True)
    va_due = models.DateTimeField(null=True, blank=True)
    va_secret = models.CharField(max_length=60, blank=True)
    # Where a 가상계좌 payment is refunded to (Toss needs it for a refund after deposit).
    refund_bank = models.CharField(max_length=4, blank=True)
    refund_account = models.CharField(max_length=30, blank=True)
    refund_holder = models.CharField(max_length=60, blank=True)
    card_number = models.CharField(max_length=20, blank=True)
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pay_order_amount_positive"),
            models.CheckConstraint(
                condition=Q(method__in=["card", "virtual_account"]), name="pay_order_online"
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="pay_order_status")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ORDER_STATES

    @property
    def masked_cash_receipt_number(self) -> str:
        digits = self.cash_receipt_number
        if not digits:
            return ""
        if len(digits) == 10 and self.cash_receipt_type == CashReceiptType.BUSINESS:
            return f"{digits[:3]}-{digits[3:5]}-*****"
        return f"{digits[:3]}-****-{digits[-4:]}"

    @property
    def va_bank_name(self) -> str:
        return str(BANKS.get(self.va_bank_code, self.va_bank_code))


# 은행 코드 (Toss's two-digit codes, the ones offered for refund accounts); names in the
# reader's language.
BANKS = {
    "39": pgettext_lazy("bank", "경남"),
    "34": pgettext_lazy("bank", "광주"),
    "12": pgettext_lazy("bank", "단위농협"),
    "32": pgettext_lazy("bank", "부산"),
    "45": pgettext_lazy("bank", "새마을"),
    "64": pgettext_lazy("bank", "산림조합"),
    "88": pgettext_lazy("bank", "신한"),
    "48": pgettext_lazy("bank", "신협"),
    "27": pgettext_lazy("bank", "씨티"),
    "20": pgettext_lazy("bank", "우리"),
    "71": pgettext_lazy("bank", "우체국"),
    "50": pgettext_lazy("bank", "저축은행"),
    "37": pgettext_lazy("bank", "전북"),
    "35": pgettext_lazy("bank", "제주"),
    "90": pgettext_lazy("bank", "카카오뱅크"),
    "92": pgettext_lazy("bank", "토스뱅크"),
    "81": pgettext_lazy("bank", "하나"),
    "54": pgettext_lazy("bank", "HSBC"),
    "03": pgettext_lazy("bank", "IBK기업"),
    "06": pgettext_lazy("bank", "KB국민"),
    "31": pgettext_lazy("bank", "DGB대구"),
    "02": pgettext_lazy("bank", "KDB산업"),
    "11": pgettext_lazy("bank", "NH농협"),
    "23": pgettext_lazy("bank", "SC제일"),
    "07": pgettext_lazy("bank", "Sh수협"),
    "89": pgettext_lazy("bank", "케이뱅크"),
}


class EntryKind(models.TextChoices):
    PAYMENT = "payment", _("결제")
    REFUND = "refund", _("환불")


class LedgerEntry(models.Model):
    """Money in or out for a booking. Append-only."""

    reservation = models.ForeignKey(
        "facility_booking.Reservation", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    order = models.ForeignKey(
        PaymentOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    amount = models.PositiveIntegerField(_("금액(원)"))
    # "" for money handled at the desk; otherwise the gateway's name (sandbox, toss).
    gateway = models.CharField(max_length=20, blank=True)
    transaction_id = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    recorded_label = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "transaction_id"], name="pay_entry_transaction_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(method="exempt", kind="payment"),
                name="pay_entry_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["payment", "refund"]), name="pay_entry_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["occurred_at"], name="pay_entry_occurred"),
            models.Index(fields=["reservation", "kind"], name="pay_entry_reservation"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.transaction_id}"

    @property
    def signed_amount(self) -> int:
        return self.amount if self.kind == EntryKind.PAYMENT else -self.amount


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("환불 대기")
    PROCESSING = "processing", _("환불 처리 중")
    DONE = "done", _("환불 완료")
    FAILED = "failed", _("환불 실패")
    MANUAL = "manual", _("직접 환불 필요")


def new_refund_key() -> str:
    return uuid.uuid4().hex


class Refund(models.Model):
    """Money owed back: sent through the gateway (with an idempotency key, so a retry
    after a timeout cannot refund twice) or, for desk payments, paid back by staff."""

    reservation = models.ForeignKey(
        "facility_booking.Reservation", on_delete=models.PROTECT, related_name="refunds"
    )
    order = models.ForeignKey(
        PaymentOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    status = models.CharField(
        max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    key = models.CharField(max_length=64, unique=True, default=new_refund_key)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="refund"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pay_refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} {self.status}"
