"""The PaymentGateway interface, shaped like Korean PG APIs (Toss Payments' v1).

Flow: our page sends the browser to the gateway's payment window (``launch``)
→ the window returns to our success URL with paymentKey, orderId and amount →
our server ``confirm``s (we check the amount first) → DONE (card) or
WAITING_FOR_DEPOSIT (가상계좌; a webhook tells us of the deposit) → refunds
with ``cancel`` (full, or partial with an amount).

One adapter implements it: ``TossPayments``, written to Toss's published API
(Basic auth with the secret key, Idempotency-Key, the Payment object, error
objects {"code", "message"}). Which server it talks to is the transport:

- settings.PAYMENTS_GATEWAY = "toss": api.tosspayments.com over HTTPS, the
  browser opens Toss's window through its JS SDK;
- "sandbox" (default): the sandbox in payments/sandbox answers the same API
  in-process, and its checkout page at /sandbox-pg/checkout/ is the window.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.dateparse import parse_datetime


class GatewayError(Exception):
    """The gateway refused (``code``/``message`` from its error object)."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


class GatewayUnavailable(GatewayError):
    """No answer (timeout, connection lost, 5xx): the outcome is unknown — ask again later."""

    def __init__(self, message: str = "gateway did not answer"):
        super().__init__("GATEWAY_UNAVAILABLE", message, 503)


class WebhookRejected(Exception):
    pass


@dataclass
class GatewayCancel:
    transaction_key: str
    amount: int
    reason: str
    canceled_at: dt.datetime | None


@dataclass
class GatewayPayment:
    """Toss's Payment object, the parts we use."""

    payment_key: str
    order_id: str
    status: str
    method: str
    total_amount: int
    balance_amount: int
    approved_at: dt.datetime | None = None
    secret: str = ""
    va_account_number: str = ""
    va_bank_code: str = ""
    va_holder: str = ""
    va_due: dt.datetime | None = None
    cash_receipt_type: str = ""
    cash_receipt_key: str = ""
    cash_receipt_issue_number: str = ""
    card_number: str = ""
    approve_no: str = ""
    failure_code: str = ""
    failure_message: str = ""
    cancels: list[GatewayCancel] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    @property
    def is_paid(self) -> bool:
        """Money was taken (some may have been refunded since)."""
        return self.status in ("DONE", "PARTIAL_CANCELED") or (
            self.status == "CANCELED" and any(c.amount for c in self.cancels)
        )


@dataclass
class Settlement:
    payment_key: str
    transaction_key: str
    order_id: str
    method: str
    amount: int
    fee: int
    pay_out_amount: int
    approved_at: dt.datetime | None
    sold_date: dt.date | None
    paid_out_date: dt.date | None


@dataclass
class Launch:
    """How our page hands the browser to the payment window."""

    kind: str  # "redirect" (sandbox window) or "sdk" (Toss JS SDK)
    url: str = ""
    sdk: dict = field(default_factory=dict)


def _dt(value) -> dt.datetime | None:
    return parse_datetime(value) if value else None


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_payment(data: dict) -> GatewayPayment:
    va = data.get("virtualAccount") or {}
    card = data.get("card") or {}
    receipt = data.get("cashReceipt") or {}
    failure = data.get("failure") or {}
    return GatewayPayment(
        payment_key=data.get("paymentKey") or "",
        order_id=data.get("orderId") or "",
        status=data.get("status") or "",
        method=data.get("method") or "",
        total_amount=int(data.get("totalAmount") or 0),
        balance_amount=int(data.get("balanceAmount") or 0),
        approved_at=_dt(data.get("approvedAt")),
        secret=data.get("secret") or "",
        va_account_number=va.get("accountNumber") or "",
        va_bank_code=va.get("bankCode") or "",
        va_holder=va.get("customerName") or "",
        va_due=_dt(va.get("dueDate")),
        cash_receipt_type=receipt.get("type") or "",
        cash_receipt_key=receipt.get("receiptKey") or "",
        cash_receipt_issue_number=receipt.get("issueNumber") or "",
        card_number=card.get("number") or "",
        approve_no=card.get("approveNo") or "",
        failure_code=failure.get("code") or "",
        failure_message=failure.get("message") or "",
        cancels=[
            GatewayCancel(
                transaction_key=c.get("transactionKey") or "",
                amount=int(c.get("cancelAmount") or 0),
                reason=c.get("cancelReason") or "",
                canceled_at=_dt(c.get("canceledAt")),
            )
            for c in (data.get("cancels") or [])
        ],
        raw=data,
    )


def parse_settlement(row: dict) -> Settlement:
    fee = sum(int(f.get("fee") or 0) for f in row.get("fees") or [])
    return Settlement(
        payment_key=row.get("paymentKey") or "",
        transaction_key=row.get("transactionKey") or "",
        order_id=row.get("orderId") or "",
        method=row.get("method") or "",
        amount=int(row.get("amount") or 0),
        fee=fee,
        pay_out_amount=int(row.get("payOutAmount") or 0),
        approved_at=_dt(row.get("approvedAt")),
        sold_date=_date(row.get("soldDate")),
        paid_out_date=_date(row.get("paidOutDate")),
    )


# -- transports ------------------------------------------------------------------------------


def http_transport(method: str, url: str, headers: dict, body: dict | None, timeout: float = 30):
    """HTTPS with the standard library. A timeout or dropped connection → GatewayUnavailable."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"null")
        except ValueError:
            return error.code, None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise GatewayUnavailable(str(error)) from None


def sandbox_transport(method: str, url: str, headers: dict, body: dict | None):
    """The sandbox's API handler called in-process (no network in tests or make run).

    A payment the tester marked "timeout" is processed and committed by the sandbox,
    then answered with a timeout — the merchant must find out by asking again.
    """
    from payments.sandbox import engine

    path = url.split("://", 1)[-1]
    path = "/" + path.split("/", 1)[1] if "/" in path else "/"
    status, data, extra = engine.handle(method, path, headers, body)
    if extra.get("X-Sandbox-Fault") == "timeout":
        raise GatewayUnavailable("read timeout (sandbox)")
    return status, data


# -- the adapter -----------------------------------------------------------------------------


class TossPayments:
    """Toss Payments core API v1. ``name`` is what the ledger records as the gateway."""

    API_BASE = "https://api.tosspayments.com"

    def __init__(
        self,
        *,
        name: str,
        client_key: str,
        secret_key: str,
        webhook_secret: str = "",
        transport=http_transport,
        api_base: str = API_BASE,
        checkout_url: str = "",
    ):
        self.name = name
        self.client_key = client_key
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.transport = transport
        self.api_base = api_base.rstrip("/")
        self.checkout_url = checkout_url

    # -- requests (public so tests compare them with Toss's documented examples) --
    def headers(self, idempotency_key: str = "") -> dict:
        credential = base64.b64encode(f"{self.secret_key}:".encode()).decode()
        headers = {"Authorization": f"Basic {credential}", "Content-Type": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def _call(self, method: str, path: str, body: dict | None = None, idempotency_key: str = ""):
        status, data = self.transport(
            method, self.api_base + path, self.headers(idempotency_key), body
        )
        if status >= 500 or status == 0:
            raise GatewayUnavailable(f"HTTP {status}")
        if status >= 400:
            data = data if isinstance(data, dict) else {}
            raise GatewayError(
                data.get("code") or "UNKNOWN", data.get("message") or f"HTTP {status}", status
            )
        return data

    def confirm(
        self, *, payment_key: str, order_id: str, amount: int, idempotency_key: str = ""
    ) -> GatewayPayment:
        body = {"paymentKey": payment_key, "orderId": order_id, "amount": amount}
        return parse_payment(self._call("POST", "/v1/payments/confirm", body, idempotency_key))

    def get_payment(self, payment_key: str) -> GatewayPayment:
        return parse_payment(self._call("GET", f"/v1/payments/{quote(payment_key, safe='')}"))

    def get_payment_by_order(self, order_id: str) -> GatewayPayment:
        return parse_payment(self._call("GET", f"/v1/payments/orders/{quote(order_id, safe='')}"))

    def cancel(
        self,
        *,
        payment_key: str,
        reason: str,
        amount: int | None = None,
        refund_account: dict | None = None,
        idempotency_key: str = "",
    ) -> GatewayPayment:
        body: dict = {"cancelReason": reason[:200]}
        if amount is not None:
            body["cancelAmount"] = amount
        if refund_account:
            body["refundReceiveAccount"] = refund_account
        path = f"/v1/payments/{quote(payment_key, safe='')}/cancel"
        return parse_payment(self._call("POST", path, body, idempotency_key))

    def settlements(self, *, start: dt.date, end: dt.date) -> list[Settlement]:
        query = urlencode({"startDate": start.isoformat(), "endDate": end.isoformat()})
        rows = self._call("GET", f"/v1/settlements?{query}") or []
        return [parse_settlement(row) for row in rows]

    # -- the browser side --
    def launch(self, order, *, success_url: str, fail_url: str) -> Launch:
        params = {
            "clientKey": self.client_key,
            "method": "VIRTUAL_ACCOUNT" if order.method == "virtual_account" else "CARD",
            "amount": order.amount,
            "orderId": order.order_id,
            "orderName": order.order_name,
            "customerName": order.customer_name,
            "customerEmail": order.customer_email,
            "successUrl": success_url,
            "failUrl": fail_url,
        }
        if order.method == "virtual_account":
            params["validHours"] = order.va_valid_hours
            if order.cash_receipt_type:
                params["cashReceiptType"] = order.cash_receipt_type
                params["cashReceiptNumber"] = order.cash_receipt_number
        if self.checkout_url:
            return Launch(kind="redirect", url=f"{self.checkout_url}?{urlencode(params)}")
        sdk = {
            "clientKey": self.client_key,
            "customerKey": f"cust_{order.payer_id}",
            "method": params["method"],
            "amount": {"currency": "KRW", "value": order.amount},
            "orderId": order.order_id,
            "orderName": order.order_name,
            "successUrl": success_url,
            "failUrl": fail_url,
            "customerEmail": order.customer_email,
            "customerName": order.customer_name,
        }
        if order.method == "virtual_account":
            sdk["virtualAccount"] = {
                "validHours": order.va_valid_hours,
                "cashReceipt": {"type": order.cash_receipt_type or "미발행"},
            }
        return Launch(kind="sdk", sdk=sdk)

    # -- webhooks --
    def verify_webhook(self, body: bytes, headers) -> dict:
        """The event as JSON. With a security key configured, the
        tosspayments-webhook-signature header must match (v1: HMAC-SHA256 of
        ``{body}:{transmission time}``, base64; any of the listed values)."""
        if self.webhook_secret:
            signature = headers.get("tosspayments-webhook-signature") or ""
            sent_at = headers.get("tosspayments-webhook-transmission-time") or ""
            if not signature or not sent_at:
                raise WebhookRejected("signature missing")
            expected = hmac.new(
                self.webhook_secret.encode(),
                body + b":" + sent_at.encode(),
                hashlib.sha256,
            ).digest()
            candidates = [
                part.strip()[3:] for part in signature.split(",") if part.strip().startswith("v1:")
            ]
            if not any(_equal_b64(c, expected) for c in candidates):
                raise WebhookRejected("signature mismatch")
        try:
            event = json.loads(body or b"")
        except ValueError:
            raise WebhookRejected("not JSON") from None
        if not isinstance(event, dict):
            raise WebhookRejected("not an object")
        return event


def _equal_b64(candidate: str, expected: bytes) -> bool:
    try:
        return hmac.compare_digest(base64.b64decode(candidate, validate=True), expected)
    except ValueError:
        return False


def gateway_for(institution) -> TossPayments:
    """The gateway settings choose, with this institution's keys."""
    if settings.PAYMENTS_GATEWAY == "toss":
        keys = (settings.PAYMENTS_TOSS_KEYS or {}).get(institution.slug) or {}
        return TossPayments(
            name="toss",
            client_key=keys.get("client_key") or settings.PAYMENTS_TOSS_CLIENT_KEY,
            secret_key=keys.get("secret_key") or settings.PAYMENTS_TOSS_SECRET_KEY,
            webhook_secret=keys.get("webhook_secret") or settings.PAYMENTS_TOSS_WEBHOOK_SECRET,
            api_base=settings.PAYMENTS_TOSS_API_BASE,
        )
    from payments.sandbox import engine
    from tenants.models import apex_url

    merchant = engine.merchant_for(institution)
    return TossPayments(
        name="sandbox",
        client_key=merchant.client_key,
        secret_key=merchant.secret_key,
        webhook_secret=merchant.webhook_secret,
        transport=sandbox_transport,
        api_base="https://sandbox.invalid",
        checkout_url=apex_url("/sandbox-pg/checkout/"),
    )
