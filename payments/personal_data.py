"""Personal data of payments, declared to privacy. Orders, ledger entries and refunds are
accounting records: they stay, with the payer's details replaced or cleared."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.public import PersonalData, Subject, register_personal_data


def _orders_of(s: Subject) -> Q:
    q = Q(payer_id=s.user_id) | Q(reservation__applicant_id=s.user_id)
    if s.email:
        q |= Q(customer_email__iexact=s.email)
    return q


register_personal_data(
    PersonalData(
        model="payments.PaymentOrder",
        match=_orders_of,
        pseudonym_fields=("customer_name",),
        clear_fields=(
            "customer_email",
            "cash_receipt_number",
            "va_holder",
            "refund_bank",
            "refund_account",
            "refund_holder",
        ),
        scrub_fields=("order_name", "failure_message"),
        description=_("결제 주문(금액·거래 번호는 회계 기록으로 보관)"),
    ),
    PersonalData(
        model="payments.LedgerEntry",
        match=lambda s: Q(recorded_by_id=s.user_id) | Q(reservation__applicant_id=s.user_id),
        scrub_fields=("recorded_label", "note"),
        description=_("결제·환불 원장(금액은 보관)"),
    ),
    PersonalData(
        model="payments.Refund",
        match=lambda s: Q(requested_by_id=s.user_id) | Q(reservation__applicant_id=s.user_id),
        scrub_fields=("reason",),
        description=_("환불 기록(금액은 보관)"),
    ),
    # The sandbox gateway keeps its own books as a real provider would (public schema).
    PersonalData(
        model="pg_sandbox.SandboxPayment",
        match=lambda s: Q(customer_email__iexact=s.email) if s.email else Q(pk__in=[]),
        pseudonym_fields=("customer_name",),
        clear_fields=("customer_email",),
        description=_("결제 샌드박스의 결제 기록"),
    ),
)
