"""The sandbox gateway: Toss Payments' core API (v1, version 2022-11-16) answered
from our own tables.

``handle(method, path, headers, body)`` is the whole server API — the same
function answers HTTP at /sandbox-pg/v1/… and the in-process transport the
adapter uses in development and tests. Basic auth with the merchant's secret
key, ``Idempotency-Key`` on POSTs, Toss's error objects ({"code", "message"})
and Toss's Payment object.

The browser side (checkout window, virtual-account deposit) lives in views.py
and calls the functions here. Webhooks (PAYMENT_STATUS_CHANGED for every
change, DEPOSIT_CALLBACK for virtual accounts) are signed like Toss's
``tosspayments-webhook-signature``: ``v1:`` + base64 HMAC-SHA256 of
``{body}:{transmission time}`` with the merchant's security key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from urllib.parse import parse_qs, urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from payments.sandbox.models import (
    SandboxCancel,
    SandboxIdempotency,
    SandboxMerchant,
    SandboxPayment,
    SandboxWebhook,
    token,
)
from suite.links import collapse

S = SandboxPayment.Status
VERSION = "2022-11-16"
BANKS = {
    "88": pgettext_lazy("bank", "신한"),
    "20": pgettext_lazy("bank", "우리"),
    "04": pgettext_lazy("bank", "KB국민"),
    "11": pgettext_lazy("bank", "NH농협"),
    "81": pgettext_lazy("bank", "하나"),
    "03": pgettext_lazy("bank", "IBK기업"),
}
CARD_FEE_PERCENT = 2  # sandbox settlement: card fee 2 %, virtual account 300 won
VA_FEE = 300

ERRORS = {
    "UNAUTHORIZED_KEY": (401, "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다."),
    "NOT_FOUND_PAYMENT": (404, "존재하지 않는 결제 정보 입니다."),
    "NOT_FOUND_PAYMENT_SESSION": (
        404,
        "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.",
    ),
    "ALREADY_PROCESSED_PAYMENT": (400, "이미 처리된 결제 입니다."),
    "INVALID_REQUEST": (400, "잘못된 요청입니다."),
    "NOT_CANCELABLE_AMOUNT": (403, "취소 할 수 없는 금액 입니다."),
    "NOT_CANCELABLE_PAYMENT": (403, "취소 할 수 없는 결제 입니다."),
    "ALREADY_CANCELED_PAYMENT": (400, "이미 취소된 결제 입니다."),
    "INVALID_REFUND_ACCOUNT_INFO": (400, "환불 계좌번호와 예금주명이 일치하지 않습니다."),
    "NOT_FOUND": (404, "존재하지 않는 정보 입니다."),
}


class Fault(Exception):
    """Raised by the in-process transport after the answer was committed: the caller
    sees a timeout although the gateway did the work (the worst case to handle)."""


def error(code: str, message: str | None = None) -> tuple[int, dict]:
    status, default = ERRORS[code]
    return status, {"code": code, "message": message or default}


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


# -- merchants -------------------------------------------------------------------------


def merchant_for(institution) -> SandboxMerchant:
    """The institution's sandbox merchant (keys issued on first use, like signing up)."""
    merchant = SandboxMerchant.objects.filter(institution=institution).first()
    if merchant is not None:
        return merchant
    try:
        with transaction.atomic():
            return SandboxMerchant.objects.create(
                institution=institution,
                mid=f"sandbox_{institution.slug}"[:40],
                client_key=token("test_ck_"),
                secret_key=token("test_sk_"),
                webhook_secret=token("whsec_"),
            )
    except IntegrityError:
        return SandboxMerchant.objects.get(institution=institution)


def _merchant_from_auth(headers: dict) -> SandboxMerchant | None:
    value = headers.get("Authorization") or headers.get("authorization") or ""
    if not value.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(value[6:], validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    secret_key = decoded.rstrip(":")
    if not secret_key:
        return None
    return SandboxMerchant.objects.filter(secret_key=secret_key).first()


# -- the Payment object ------------------------------------------------------------------


def payment_json(p: SandboxPayment) -> dict:
    cancels = list(p.cancels.all())
    vat = p.amount - p.amount * 10 // 11
    data = {
        "mId": p.merchant.mid,
        "version": VERSION,
        "lastTransactionKey": cancels[-1].transaction_key if cancels else _tx_key(p),
        "paymentKey": p.payment_key,
        "orderId": p.order_id,
        "orderName": p.order_name,
        "taxExemptionAmount": 0,
        "status": p.status,
        "requestedAt": iso(p.requested_at),
        "approvedAt": iso(p.approved_at),
        "useEscrow": False,
        "cultureExpense": False,
        "card": None,
        "virtualAccount": None,
        "transfer": None,
        "mobilePhone": None,
        "giftCertificate": None,
        "cashReceipt": None,
        "cashReceipts": None,
        "discount": None,
        "cancels": [
            {
                "transactionKey": c.transaction_key,
                "cancelReason": c.reason,
                "taxExemptionAmount": 0,
                "canceledAt": iso(c.canceled_at),
                "easyPayDiscountAmount": 0,
                "receiptKey": None,
                "cancelAmount": c.amount,
                "taxFreeAmount": 0,
                "refundableAmount": c.refundable_after,
                "cancelStatus": "DONE",
                "cancelRequestId": None,
            }
            for c in cancels
        ]
        or None,
        "secret": p.secret or None,
        "type": "NORMAL",
        "easyPay": None,
        "country": "KR",
        "failure": {"code": p.failure_code, "message": p.failure_message}
        if p.failure_code
        else None,
        "isPartialCancelable": True,
        "receipt": {"url": f"/sandbox-pg/receipts/{p.payment_key}/"},
        "checkout": {"url": f"/sandbox-pg/checkout/{p.payment_key}/"},
        "currency": "KRW",
        "totalAmount": p.amount,
        "balanceAmount": p.balance_amount,
        "suppliedAmount": p.amount - vat if p.amount else 0,
        "vat": vat if p.amount else 0,
        "taxFreeAmount": 0,
        "method": p.method,
        "metadata": None,
    }
    if p.method == "카드" and p.status not in (S.READY, S.IN_PROGRESS, S.ABORTED):
        data["card"] = {
            "issuerCode": "61",
            "acquirerCode": "31",
            "number": p.card_number,
            "installmentPlanMonths": 0,
            "isInterestFree": False,
            "interestPayer": None,
            "approveNo": p.approve_no,
            "useCardPoint": False,
            "cardType": "신용",
            "ownerType": "개인",
            "acquireStatus": "READY",
            "amount": p.amount,
        }
    if p.method == "가상계좌" and p.va_account_number:
        data["virtualAccount"] = {
            "accountType": "일반",
            "accountNumber": p.va_account_number,
            "bankCode": p.va_bank_code,
            "customerName": p.customer_name,
            "dueDate": iso(p.va_due),
            "refundStatus": "NONE",
            "expired": p.status == S.EXPIRED,
            "settlementStatus": "COMPLETED" if p.status == S.DONE else "INCOMPLETED",
            "refundReceiveAccount": None,
        }
    if p.cash_receipt_key:
        data["cashReceipt"] = {
            "type": p.cash_receipt_type,
            "receiptKey": p.cash_receipt_key,
            "issueNumber": p.cash_receipt_issue_number,
            "receiptUrl": f"/sandbox-pg/receipts/{p.payment_key}/cash/",
            "amount": p.amount,
            "taxFreeAmount": 0,
        }
    return data


def _tx_key(p: SandboxPayment) -> str:
    return hashlib.sha256(f"tx:{p.payment_key}".encode()).hexdigest()[:32].upper()


# -- checkout window (browser) ----------------------------------------------------------------


def checkout_open(
    *,
    merchant: SandboxMerchant,
    order_id: str,
    order_name: str,
    amount: int,
    method: str,
    customer_name: str = "",
    customer_email: str = "",
    success_url: str = "",
    fail_url: str = "",
    cash_receipt_type: str = "",
    cash_receipt_number: str = "",
    valid_hours: int = 72,
) -> SandboxPayment:
    """The payment window for an order: one session per (merchant, order id)."""
    payment, created = SandboxPayment.objects.get_or_create(
        merchant=merchant,
        order_id=order_id,
        defaults={
            "payment_key": token("sbx_pay_", 24),
            "order_name": order_name[:100],
            "amount": amount,
            "method": method,
            "customer_name": customer_name[:100],
            "customer_email": customer_email[:254],
            # the platform's return addresses kept as tokens (suite.links): no stale host
            "success_url": collapse(success_url)[:500],
            "fail_url": collapse(fail_url)[:500],
            "cash_receipt_type": cash_receipt_type,
            "cash_receipt_number": cash_receipt_number,
            "va_valid_hours": max(1, min(valid_hours, 720)),
        },
    )
    if not created and payment.status in (S.READY, S.IN_PROGRESS):
        # The same order opened again (a reload, another tab): the latest request wins.
        payment.amount, payment.method = amount, method
        payment.success_url, payment.fail_url = (
            collapse(success_url)[:500],
            collapse(fail_url)[:500],
        )
        payment.cash_receipt_type, payment.cash_receipt_number = (
            cash_receipt_type,
            cash_receipt_number,
        )
        payment.save()
    return payment


def checkout_authorize(payment: SandboxPayment, *, fault: str = "") -> SandboxPayment:
    """The tester paid in the window: authenticated, waiting for the merchant's confirm."""
    payment.status = S.IN_PROGRESS
    payment.fault = fault if fault in ("", "timeout") else ""
    payment.save(update_fields=["status", "fault", "updated_at"])
    return payment


def checkout_decline(payment: SandboxPayment) -> SandboxPayment:
    payment.status = S.ABORTED
    payment.failure_code = "REJECT_CARD_COMPANY"
    payment.failure_message = "카드사에서 결제를 거절했습니다. (한도 초과)"
    payment.save()
    _webhook_status_changed(payment)
    return payment


# -- server API ---------------------------------------------------------------------------


def handle(
    method: str, path: str, headers: dict, body: dict | None
) -> tuple[int, dict | list, dict]:
    """Answer one API request: (status, JSON body, extra headers)."""
    merchant = _merchant_from_auth(headers)
    if merchant is None:
        status, data = error("UNAUTHORIZED_KEY")
        return status, data, {}
    split = urlsplit(path)
    parts = [p for p in split.path.split("/") if p]
    query = {k: v[0] for k, v in parse_qs(split.query).items()}
    key = headers.get("Idempotency-Key") or headers.get("idempotency-key") or ""
    if method == "POST" and key:
        stored = SandboxIdempotency.objects.filter(merchant=merchant, key=key[:300]).first()
        if stored is not None:
            return stored.status, stored.body, {}
    extra: dict = {}
    with transaction.atomic():
        status, data = _route(merchant, method, parts, query, body or {}, extra)
        if method == "POST" and key and status < 500:
            SandboxIdempotency.objects.get_or_create(
                merchant=merchant,
                key=key[:300],
                defaults={"path": split.path[:300], "status": status, "body": data},
            )
    return status, data, extra


def _route(merchant, method, parts, query, body, extra):
    if parts[:1] != ["v1"]:
        return error("NOT_FOUND")
    parts = parts[1:]
    if method == "POST" and parts == ["payments", "confirm"]:
        return _confirm(merchant, body, extra)
    if method == "GET" and len(parts) == 3 and parts[:2] == ["payments", "orders"]:
        payment = merchant.payments.filter(order_id=parts[2]).first()
        return (200, payment_json(payment)) if payment else error("NOT_FOUND_PAYMENT")
    if method == "GET" and len(parts) == 2 and parts[0] == "payments":
        payment = merchant.payments.filter(payment_key=parts[1]).first()
        return (200, payment_json(payment)) if payment else error("NOT_FOUND_PAYMENT")
    if method == "POST" and len(parts) == 3 and parts[0] == "payments" and parts[2] == "cancel":
        return _cancel(merchant, parts[1], body)
    if method == "GET" and parts == ["settlements"]:
        return _settlements(merchant, query)
    return error("NOT_FOUND")


def _confirm(merchant, body, extra):
    try:
        payment_key = str(body["paymentKey"])
        order_id = str(body["orderId"])
        amount = int(body["amount"])
    except (KeyError, TypeError, ValueError):
        return error("INVALID_REQUEST")
    payment = (
        SandboxPayment.objects.select_for_update()
        .filter(merchant=merchant, payment_key=payment_key)
        .first()
    )
    if payment is None or payment.order_id != order_id:
        return error("NOT_FOUND_PAYMENT_SESSION")
    if payment.status in (S.DONE, S.WAITING_FOR_DEPOSIT, S.CANCELED, S.PARTIAL_CANCELED):
        return error("ALREADY_PROCESSED_PAYMENT")
    if payment.status != S.IN_PROGRESS:
        return error("NOT_FOUND_PAYMENT_SESSION")
    if amount != payment.amount:
        return error("INVALID_REQUEST", "결제 금액이 일치하지 않습니다.")
    now = timezone.now()
    if payment.method == "가상계좌":
        payment.status = S.WAITING_FOR_DEPOSIT
        payment.va_bank_code = "88"
        payment.va_account_number = "5629" + "".join(str(secrets.randbelow(10)) for _ in range(10))
        payment.va_due = now + dt.timedelta(hours=payment.va_valid_hours)
        payment.secret = token("ps_", 20)
    else:
        payment.status = S.DONE
        payment.approved_at = now
        payment.balance_amount = payment.amount
        payment.card_number = "43301234****123*"
        payment.approve_no = f"{secrets.randbelow(10**8):08d}"
    if payment.fault == "timeout":
        extra["X-Sandbox-Fault"] = "timeout"
        payment.fault = ""
    payment.save()
    _webhook_status_changed(payment)
    return 200, payment_json(payment)


def _cancel(merchant, payment_key, body):
    payment = (
        SandboxPayment.objects.select_for_update()
        .filter(merchant=merchant, payment_key=payment_key)
        .first()
    )
    if payment is None:
        return error("NOT_FOUND_PAYMENT")
    reason = str(body.get("cancelReason") or "").strip()[:200]
    if not reason:
        return error("INVALID_REQUEST", "취소 사유를 입력해 주세요.")
    if payment.status == S.WAITING_FOR_DEPOSIT:
        # Before the deposit: the account is closed, no money moves.
        payment.status = S.CANCELED
        payment.save()
        _webhook_status_changed(payment)
        return 200, payment_json(payment)
    if payment.status == S.CANCELED:
        return error("ALREADY_CANCELED_PAYMENT")
    if payment.status not in (S.DONE, S.PARTIAL_CANCELED):
        return error("NOT_CANCELABLE_PAYMENT")
    raw_amount = body.get("cancelAmount")
    try:
        amount = payment.balance_amount if raw_amount in (None, "") else int(raw_amount)
    except (TypeError, ValueError):
        return error("INVALID_REQUEST")
    if amount <= 0 or amount > payment.balance_amount:
        return error("NOT_CANCELABLE_AMOUNT")
    refund = body.get("refundReceiveAccount") or {}
    has_account = refund.get("bank") and refund.get("accountNumber") and refund.get("holderName")
    if payment.method == "가상계좌" and not has_account:
        return error("INVALID_REFUND_ACCOUNT_INFO", "가상계좌 환불에는 환불 계좌가 필요합니다.")
    payment.balance_amount -= amount
    payment.status = S.CANCELED if payment.balance_amount == 0 else S.PARTIAL_CANCELED
    payment.save()
    SandboxCancel.objects.create(
        payment=payment,
        transaction_key=secrets.token_hex(16).upper(),
        amount=amount,
        reason=reason,
        refundable_after=payment.balance_amount,
        refund_bank=str(refund.get("bank", ""))[:4],
        refund_account=str(refund.get("accountNumber", ""))[:30],
        refund_holder=str(refund.get("holderName", ""))[:60],
    )
    _webhook_status_changed(payment)
    return 200, payment_json(payment)


def _settlements(merchant, query):
    try:
        start = dt.date.fromisoformat(query.get("startDate", ""))
        end = dt.date.fromisoformat(query.get("endDate", ""))
    except ValueError:
        return error("INVALID_REQUEST", "startDate, endDate를 yyyy-MM-dd 형식으로 보내 주세요.")
    if end < start or (end - start).days > 31:
        return error("INVALID_REQUEST", "조회 기간은 31일 이내여야 합니다.")
    rows = []
    for p in merchant.payments.filter(approved_at__isnull=False).prefetch_related("cancels"):
        sold = timezone.localtime(p.approved_at).date()
        if start <= sold <= end:
            rows.append(_settlement_row(p, p.amount, p.approved_at, p.payment_key, "PAYMENT"))
        for c in p.cancels.all():
            day = timezone.localtime(c.canceled_at).date()
            if start <= day <= end:
                rows.append(
                    _settlement_row(p, -c.amount, c.canceled_at, c.transaction_key, "CANCEL")
                )
    return 200, rows


def _settlement_row(p, amount, at, transaction_key, kind):
    if p.method == "카드":
        fee = abs(amount) * CARD_FEE_PERCENT // 100
    else:
        fee = VA_FEE if kind == "PAYMENT" else 0
    fee = fee if amount > 0 else -fee
    sold = timezone.localtime(at).date()
    return {
        "mId": p.merchant.mid,
        "paymentKey": p.payment_key,
        "transactionKey": transaction_key,
        "orderId": p.order_id,
        "currency": "KRW",
        "method": p.method,
        "amount": amount,
        "interestFee": 0,
        "fees": [{"type": "BASE", "fee": fee}],
        "supplyAmount": fee - fee // 11,
        "vat": fee // 11,
        "payOutAmount": amount - fee,
        "approvedAt": iso(at),
        "soldDate": sold.isoformat(),
        "paidOutDate": (sold + dt.timedelta(days=2)).isoformat(),
    }


# -- virtual accounts (the bank side) ------------------------------------------------------------


def deposit(payment: SandboxPayment, *, now=None) -> SandboxPayment:
    """The customer deposits the exact amount: DONE, cash receipt issued, webhooks."""
    now = now or timezone.now()
    with transaction.atomic():
        payment = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != S.WAITING_FOR_DEPOSIT:
            raise ValueError("입금 대기 중인 가상계좌가 아닙니다.")
        if payment.va_due and payment.va_due < now:
            raise ValueError("입금 기한이 지난 계좌입니다.")
        payment.status = S.DONE
        payment.approved_at = now
        payment.balance_amount = payment.amount
        if payment.cash_receipt_type:
            payment.cash_receipt_key = token("cr_", 12)
            payment.cash_receipt_issue_number = f"{secrets.randbelow(10**9):09d}"
        payment.save()
        _webhook_deposit(payment)
        _webhook_status_changed(payment)
    return payment


def expire(payment: SandboxPayment) -> SandboxPayment:
    """The deposit deadline passed (or the tester closes the account)."""
    with transaction.atomic():
        payment = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status not in (S.WAITING_FOR_DEPOSIT, S.READY, S.IN_PROGRESS):
            raise ValueError("만료시킬 수 없는 상태입니다.")
        payment.status = S.EXPIRED
        payment.save()
        _webhook_status_changed(payment)
    return payment


# -- webhooks ---------------------------------------------------------------------------------


def sign(secret: str, body: str, transmission_time: str) -> str:
    digest = hmac.new(
        secret.encode(), f"{body}:{transmission_time}".encode(), hashlib.sha256
    ).digest()
    return "v1:" + base64.b64encode(digest).decode()


def _queue_webhook(payment: SandboxPayment, event_type: str, payload: dict) -> SandboxWebhook:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    sent_at = timezone.localtime(timezone.now()).isoformat(timespec="seconds")
    webhook = SandboxWebhook.objects.create(
        merchant=payment.merchant,
        event_type=event_type,
        order_id=payment.order_id,
        body=body,
        transmission_time=sent_at,
        signature=sign(payment.merchant.webhook_secret, body, sent_at),
        next_attempt_at=timezone.now(),
    )
    from payments.sandbox import delivery

    transaction.on_commit(lambda: delivery.schedule(webhook.pk), robust=True)
    return webhook


def _webhook_status_changed(payment: SandboxPayment) -> None:
    _queue_webhook(
        payment,
        "PAYMENT_STATUS_CHANGED",
        {
            "eventType": "PAYMENT_STATUS_CHANGED",
            "createdAt": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "data": payment_json(payment),
        },
    )


def _webhook_deposit(payment: SandboxPayment) -> None:
    _queue_webhook(
        payment,
        "DEPOSIT_CALLBACK",
        {
            "createdAt": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "secret": payment.secret,
            "status": payment.status,
            "transactionKey": _tx_key(payment),
            "orderId": payment.order_id,
        },
    )
