"""The real-provider adapter (TossPayments over HTTPS) against requests and responses
recorded from Toss Payments' documentation (tests/payments/toss_examples/): the exact
URL, headers and body it sends, how it reads the Payment object, cancels, settlements
and error objects, how it verifies webhook signatures, and the SDK parameters."""

import base64
import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from payments.gateway import (
    GatewayError,
    GatewayUnavailable,
    TossPayments,
    WebhookRejected,
    gateway_for,
    http_transport,
)

EXAMPLES = Path(__file__).parent / "toss_examples"
SECRET_KEY = "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R"
DOCS_AUTH = "Basic dGVzdF9za196WExrS0V5cE5BcldtbzUwblgzbG1lYXhZRzVSOg=="


def example(name):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


class Recorder:
    """A transport that records each request and answers with a recorded example."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def __call__(self, method, url, headers, body):
        self.requests.append((method, url, headers, body))
        return self.answers.pop(0)


def toss(transport, **extra) -> TossPayments:
    return TossPayments(
        name="toss",
        client_key="test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq",
        secret_key=SECRET_KEY,
        transport=transport,
        **extra,
    )


def test_confirm_sends_the_documented_request_and_reads_a_card_payment():
    recorder = Recorder((200, example("confirm_card_done.json")))
    payment = toss(recorder).confirm(
        payment_key="5zJ4xY7m0kODnyRpQWGrN2xqGlNvLrKwv1M9ENjbeoPaZdL6",
        order_id="a4CWyWY5m89PNh7xJwhk1",
        amount=1000,
        idempotency_key="confirm-a4CWyWY5m89PNh7xJwhk1",
    )
    method, url, headers, body = recorder.requests[0]
    assert (method, url) == ("POST", "https://api.tosspayments.com/v1/payments/confirm")
    assert headers["Authorization"] == DOCS_AUTH
    assert headers["Content-Type"] == "application/json"
    assert headers["Idempotency-Key"] == "confirm-a4CWyWY5m89PNh7xJwhk1"
    assert body == {
        "paymentKey": "5zJ4xY7m0kODnyRpQWGrN2xqGlNvLrKwv1M9ENjbeoPaZdL6",
        "orderId": "a4CWyWY5m89PNh7xJwhk1",
        "amount": 1000,
    }
    assert payment.status == "DONE" and payment.is_paid
    assert (payment.total_amount, payment.balance_amount, payment.method) == (1000, 1000, "카드")
    assert payment.order_id == "a4CWyWY5m89PNh7xJwhk1"
    assert payment.approved_at == dt.datetime(
        2024, 2, 13, 12, 18, 14, tzinfo=dt.timezone(dt.timedelta(hours=9))
    )
    assert payment.card_number == "12345678****000*" and payment.cancels == []


def test_virtual_account_issue_reads_account_deadline_secret_and_cash_receipt():
    payment = toss(Recorder((200, example("confirm_virtual_account_waiting.json")))).confirm(
        payment_key="tviva20240213121757MvuS8", order_id="MC4wODU4ODQ0MjM0NzQ4", amount=15000
    )
    assert payment.status == "WAITING_FOR_DEPOSIT" and not payment.is_paid
    assert (payment.va_account_number, payment.va_bank_code, payment.va_holder) == (
        "X6505636518308",
        "20",
        "박토스",
    )
    assert payment.va_due.isoformat() == "2024-02-20T12:18:14+09:00"
    assert payment.secret == "ps_eqRGgYO1r57E4Z541ZMW3QnN2Eya"
    assert (payment.cash_receipt_type, payment.cash_receipt_issue_number) == (
        "소득공제",
        "213015214",
    )


def test_partial_cancel_request_and_response():
    recorder = Recorder((200, example("cancel_partial.json")))
    payment = toss(recorder).cancel(
        payment_key="5zJ4xY7m0kODnyRpQWGrN2xqGlNvLrKwv1M9ENjbeoPaZdL6",
        reason="고객이 취소를 원함",
        amount=1000,
        idempotency_key="refund-1",
    )
    method, url, headers, body = recorder.requests[0]
    assert method == "POST"
    assert url == (
        "https://api.tosspayments.com/v1/payments/"
        "5zJ4xY7m0kODnyRpQWGrN2xqGlNvLrKwv1M9ENjbeoPaZdL6/cancel"
    )
    assert body == {"cancelReason": "고객이 취소를 원함", "cancelAmount": 1000}
    assert headers["Idempotency-Key"] == "refund-1"
    assert payment.status == "PARTIAL_CANCELED" and payment.balance_amount == 9000
    (cancel,) = payment.cancels
    assert (cancel.transaction_key, cancel.amount, cancel.reason) == (
        "8B4F646A829571D870A3011A4E13D640",
        1000,
        "고객이 취소를 원함",
    )
    assert payment.is_paid


def test_virtual_account_refund_sends_the_refund_account():
    recorder = Recorder((200, example("cancel_partial.json")))
    account = {"bank": "88", "accountNumber": "110123456789", "holderName": "박토스"}
    toss(recorder).cancel(payment_key="tviva1", reason="예약 취소", refund_account=account)
    assert recorder.requests[0][3] == {"cancelReason": "예약 취소", "refundReceiveAccount": account}


def test_lookups_by_payment_key_and_order_id():
    recorder = Recorder(
        (200, example("confirm_card_done.json")), (200, example("confirm_card_done.json"))
    )
    gateway = toss(recorder)
    gateway.get_payment("5zJ4xY7m0kODnyRpQWGrN2xqGlNvLrKwv1M9ENjbeoPaZdL6")
    gateway.get_payment_by_order("a4CWyWY5m89PNh7xJwhk1")
    assert [(m, u) for m, u, _h, _b in recorder.requests] == [
        (
            "GET",
            "https://api.tosspayments.com/v1/payments/5zJ4xY7m0kODnyRpQWGrN2xqGlNvLrKwv1M9ENjbeoPaZdL6",
        ),
        ("GET", "https://api.tosspayments.com/v1/payments/orders/a4CWyWY5m89PNh7xJwhk1"),
    ]
    assert all(h["Authorization"] == DOCS_AUTH for _m, _u, h, _b in recorder.requests)
    assert all(b is None for *_rest, b in recorder.requests)


def test_settlements_query_and_fees():
    recorder = Recorder((200, example("settlements.json")))
    (row,) = toss(recorder).settlements(start=dt.date(2022, 1, 1), end=dt.date(2022, 1, 10))
    assert recorder.requests[0][1] == (
        "https://api.tosspayments.com/v1/settlements?startDate=2022-01-01&endDate=2022-01-10"
    )
    assert (row.amount, row.fee, row.pay_out_amount) == (34000, 860, 33140)
    assert row.sold_date == dt.date(2021, 12, 30) and row.paid_out_date == dt.date(2022, 1, 1)
    assert row.payment_key == "5zJ4xY7m0kODnyRpQWGrN2xqGlNvLrKwv1M9ENjbeoPaZdL6"


def test_error_objects_become_gateway_errors_and_5xx_unavailable():
    with pytest.raises(GatewayError) as caught:
        toss(Recorder((404, example("error_not_found.json")))).get_payment("nope")
    assert caught.value.code == "NOT_FOUND_PAYMENT" and caught.value.status == 404
    assert caught.value.message == "존재하지 않는 결제 정보 입니다."
    with pytest.raises(GatewayError) as caught:
        toss(Recorder((400, example("error_already_processed.json")))).confirm(
            payment_key="k", order_id="o", amount=1
        )
    assert caught.value.code == "ALREADY_PROCESSED_PAYMENT"
    with pytest.raises(GatewayUnavailable):
        toss(Recorder((502, None))).get_payment("k")


def test_a_network_timeout_is_unavailable_not_an_error():
    with pytest.raises(GatewayUnavailable):
        http_transport("GET", "http://127.0.0.1:9/v1/payments/x", {}, None, timeout=0.5)


def _signature(secret: str, body: bytes, sent_at: str) -> str:
    digest = hmac.new(secret.encode(), body + b":" + sent_at.encode(), hashlib.sha256).digest()
    return "v1:" + base64.b64encode(digest).decode()


def test_webhook_signature_as_documented_either_listed_value_verifies():
    secret = "whsec_example"
    body = json.dumps(example("webhook_deposit_callback.json")).encode()
    sent_at = "2024-09-05T12:19:21+09:00"
    good = _signature(secret, body, sent_at)
    gateway = toss(Recorder(), webhook_secret=secret)
    headers = {
        "tosspayments-webhook-signature": f"v1:AAAA,{good}",
        "tosspayments-webhook-transmission-time": sent_at,
    }
    event = gateway.verify_webhook(body, headers)
    assert event["orderId"] == "MC4wODU4ODQ0MjM0NzQ4" and event["status"] == "DONE"
    for bad in (
        {**headers, "tosspayments-webhook-signature": "v1:AAAA"},
        {**headers, "tosspayments-webhook-transmission-time": "2024-09-05T12:19:22+09:00"},
        {"tosspayments-webhook-transmission-time": sent_at},
    ):
        with pytest.raises(WebhookRejected):
            gateway.verify_webhook(body, bad)
    with pytest.raises(WebhookRejected):
        gateway.verify_webhook(body + b" ", headers)
    # without a security key configured (payment events are unsigned at Toss) the body is
    # only parsed: the handler then fetches the truth and checks a deposit's secret
    assert toss(Recorder()).verify_webhook(body, {})["secret"] == "ps_eqRGgYO1r57E4Z541ZMW3QnN2Eya"


def test_launch_gives_the_sdk_its_parameters():
    class Order:
        method, amount, order_id, order_name = "virtual_account", 20000, "FBabc123", "대공연장"
        customer_name, customer_email, payer_id = "홍길동", "hong@example.kr", 7
        va_valid_hours, cash_receipt_type, cash_receipt_number = 48, "소득공제", "01012345678"

    launch = toss(Recorder()).launch(
        Order, success_url="https://x/success", fail_url="https://x/fail"
    )
    assert launch.kind == "sdk"
    assert launch.sdk["method"] == "VIRTUAL_ACCOUNT"
    assert launch.sdk["amount"] == {"currency": "KRW", "value": 20000}
    assert launch.sdk["virtualAccount"] == {"validHours": 48, "cashReceipt": {"type": "소득공제"}}
    assert launch.sdk["successUrl"] == "https://x/success"


@pytest.mark.django_db
def test_settings_switch_the_real_provider_on(world, settings):
    settings.PAYMENTS_GATEWAY = "toss"
    settings.PAYMENTS_TOSS_SECRET_KEY = SECRET_KEY
    settings.PAYMENTS_TOSS_CLIENT_KEY = "test_ck_default"
    settings.PAYMENTS_TOSS_KEYS = {"testb": {"client_key": "ck_b", "secret_key": "sk_b"}}
    a, b = gateway_for(world.inst_a), gateway_for(world.inst_b)
    assert (a.name, a.api_base, a.transport) == (
        "toss",
        "https://api.tosspayments.com",
        http_transport,
    )
    assert a.headers()["Authorization"] == DOCS_AUTH and a.client_key == "test_ck_default"
    assert (b.client_key, b.secret_key) == ("ck_b", "sk_b")
    assert not a.checkout_url  # the browser opens Toss's window through its SDK
    # and the sandbox pages are gone
    from django.test import Client

    assert Client(HTTP_HOST="localhost").get("/sandbox-pg/checkout/").status_code == 404
    settings.PAYMENTS_GATEWAY = "sandbox"
    assert gateway_for(world.inst_a).name == "sandbox"
