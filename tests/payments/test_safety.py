"""Every way a payment can go wrong ends in one consistent state with nothing lost:
confirming twice, a webhook twice or out of order, a bad signature, a success
return for someone else's booking, a confirm after the booking expired (refunded
automatically), a gateway timeout, a tampered amount, a declined or abandoned
window, a refund whose answer was lost."""

import datetime as dt
import json

import pytest
from django_tenants.utils import schema_context

from facility_booking import services as fb
from facility_booking.tasks import expire_overdue_here
from payments import services
from payments.gateway import gateway_for
from payments.models import LedgerEntry, OrderStatus, PaymentOrder, Refund
from payments.sandbox import engine
from payments.sandbox.models import SandboxCancel, SandboxPayment, SandboxWebhook
from tests.payments.conftest import approved_booking, fresh, path_of, query_of

pytestmark = pytest.mark.django_db


def start_card(portal, r, **window):
    """Checkout by card and pass the sandbox window; returns the success URL."""
    response = portal.post(f"/portal/my/bookings/testa/{r.pk}/pay/", {"method": "card"})
    assert response.status_code == 302, response.content.decode()[:500]
    url = response["Location"]
    response = portal.post(path_of(url), {**query_of(url), "action": "pay", **window})
    assert response.status_code == 302
    return response["Location"]


def entries(world, r):
    with schema_context(world.inst_a.schema_name):
        return list(
            LedgerEntry.objects.filter(reservation_id=r.pk)
            .order_by("id")
            .values_list("kind", "amount")
        )


def order_of(world, r) -> PaymentOrder:
    with schema_context(world.inst_a.schema_name):
        return PaymentOrder.objects.filter(reservation_id=r.pk).latest("created_at")


def test_confirming_twice_books_once(world, hall, portal):
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    success = start_card(client, r)
    assert client.get(path_of(success)).status_code == 302
    assert client.get(path_of(success)).status_code == 302
    assert fresh(world, r).status == "paid"
    assert entries(world, r) == [("payment", 20_000)]
    # the gateway too was asked to confirm once; a direct second confirm is refused by it
    order = order_of(world, r)
    with schema_context(world.inst_a.schema_name):
        again = services.payment_confirm(order=order, payment_key=order.payment_key)
        assert again.status == OrderStatus.PAID
    assert entries(world, r) == [("payment", 20_000)]


def test_success_return_for_someone_elses_booking_is_404_and_changes_nothing(world, hall, portal):
    r = approved_booking(world, hall, world.resident)
    success = start_card(portal(world.resident), r)
    intruder = portal(world.resident2)
    assert intruder.get(path_of(success)).status_code == 404
    assert intruder.get(f"/portal/my/bookings/testa/{r.pk}/pay/").status_code == 404
    assert (
        intruder.post(f"/portal/my/bookings/testa/{r.pk}/pay/", {"method": "card"}).status_code
        == 404
    )
    assert intruder.get(f"/portal/my/bookings/testa/{r.pk}/").status_code == 404
    assert fresh(world, r).status == "approved" and entries(world, r) == []
    assert order_of(world, r).status == OrderStatus.READY
    # the owner can still finish
    assert portal(world.resident).get(path_of(success)).status_code == 302
    assert fresh(world, r).status == "paid"


def test_tampered_amount_is_refused_before_anything_is_charged(world, hall, portal):
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    success = start_card(client, r)
    query = query_of(success)
    tampered = success.replace(f"amount={query['amount']}", "amount=100")
    response = client.get(path_of(tampered))
    assert response.status_code == 302
    order = order_of(world, r)
    assert order.status == OrderStatus.FAILED and order.failure_code == "AMOUNT_MISMATCH"
    assert SandboxPayment.objects.get(order_id=order.order_id).status == "IN_PROGRESS"
    assert fresh(world, r).status == "approved" and entries(world, r) == []
    page = client.get(f"/portal/my/bookings/testa/{r.pk}/").content.decode()
    assert "금액" in page
    # paying again with a fresh order works
    assert client.get(path_of(start_card(client, r))).status_code == 302
    assert entries(world, r) == [("payment", 20_000)]


def test_amount_lowered_in_the_window_itself_is_refused(world, hall, portal):
    """The checkout parameters are the browser's: a lowered amount comes back lowered."""
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    response = client.post(f"/portal/my/bookings/testa/{r.pk}/pay/", {"method": "card"})
    url = response["Location"]
    params = {**query_of(url), "amount": "1000", "action": "pay"}
    success = client.post(path_of(url), params)["Location"]
    assert query_of(success)["amount"] == "1000"
    client.get(path_of(success))
    assert order_of(world, r).status == OrderStatus.FAILED
    assert fresh(world, r).status == "approved" and entries(world, r) == []


def test_declined_and_abandoned_windows_leave_the_booking_payable(world, hall, portal):
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    response = client.post(f"/portal/my/bookings/testa/{r.pk}/pay/", {"method": "card"})
    url = response["Location"]
    fail = client.post(path_of(url), {**query_of(url), "action": "decline"})["Location"]
    assert query_of(fail)["code"] == "REJECT_CARD_COMPANY"
    client.get(path_of(fail))
    order = order_of(world, r)
    assert order.status == OrderStatus.FAILED and order.failure_code == "REJECT_CARD_COMPANY"
    response = client.post(f"/portal/my/bookings/testa/{r.pk}/pay/", {"method": "card"})
    url = response["Location"]
    fail = client.post(path_of(url), {**query_of(url), "action": "abandon"})["Location"]
    assert query_of(fail)["code"] == "PAY_PROCESS_CANCELED"
    client.get(path_of(fail))
    assert order_of(world, r).status == OrderStatus.FAILED
    assert fresh(world, r).status == "approved" and entries(world, r) == []
    assert "결제하기" in client.get("/portal/my/").content.decode()


def test_gateway_timeout_leaves_confirming_then_reconciles_to_one_payment(world, hall, portal):
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    success = start_card(client, r, fault="timeout")
    response = client.get(path_of(success))
    assert response.status_code == 302
    order = order_of(world, r)
    # the gateway took the money, we did not hear: nothing booked yet, nothing lost
    assert order.status == OrderStatus.CONFIRMING
    assert SandboxPayment.objects.get(order_id=order.order_id).status == "DONE"
    assert fresh(world, r).status == "approved" and entries(world, r) == []
    page = client.get(f"/portal/my/bookings/testa/{r.pk}/").content.decode()
    assert "결제 결과를 확인하고 있습니다" in page
    # a second payment cannot be started meanwhile
    response = client.post(f"/portal/my/bookings/testa/{r.pk}/pay/", {"method": "card"})
    assert response.status_code == 409
    # the resident asks again (the reconciliation task would too)
    response = client.post(f"/portal/my/payments/testa/orders/{order.order_id}/refresh/")
    assert response.status_code == 302
    assert fresh(world, r).status == "paid" and entries(world, r) == [("payment", 20_000)]
    with schema_context(world.inst_a.schema_name):
        assert services.reconcile_here(now=order.updated_at + dt.timedelta(hours=2)) == 0
    assert entries(world, r) == [("payment", 20_000)]


def test_timeout_then_reconciliation_task_books_once(world, hall, portal):
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    client.get(path_of(start_card(client, r, fault="timeout")))
    order = order_of(world, r)
    with schema_context(world.inst_a.schema_name):
        assert services.reconcile_here(now=order.updated_at + dt.timedelta(minutes=1)) == 1
        assert services.reconcile_here(now=order.updated_at + dt.timedelta(minutes=2)) == 0
    assert fresh(world, r).status == "paid" and entries(world, r) == [("payment", 20_000)]


def test_confirm_after_the_booking_expired_is_refunded_automatically(world, hall, portal):
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    success = start_card(client, r)
    with schema_context(world.inst_a.schema_name):
        assert expire_overdue_here(now=r.payment_due + dt.timedelta(minutes=1)) == 1
    response = client.get(path_of(success))
    assert response.status_code == 302
    booking = fresh(world, r)
    assert booking.status == "expired"
    assert entries(world, r) == [("payment", 20_000), ("refund", 20_000)]
    with schema_context(world.inst_a.schema_name):
        refund = Refund.objects.get(reservation_id=r.pk)
        assert refund.status == "done" and refund.amount == 20_000
        assert booking.paid_amount == 20_000 and booking.refunded_amount == 20_000
    payment = SandboxPayment.objects.get(order_id=order_of(world, r).order_id)
    assert payment.status == "CANCELED" and payment.balance_amount == 0
    follow = client.get(f"/portal/my/bookings/testa/{r.pk}/").content.decode()
    assert "전액을 자동으로 환불" in follow or "−20,000원" in follow


def test_a_second_payment_for_an_already_paid_booking_goes_back(world, hall, portal):
    """Two windows open at once (two tabs): the second payment is refunded in full."""
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    first = start_card(client, r)
    second = start_card(client, r)
    client.get(path_of(first))
    client.get(path_of(second))
    assert fresh(world, r).status == "paid"
    assert entries(world, r) == [("payment", 20_000), ("payment", 20_000), ("refund", 20_000)]
    with schema_context(world.inst_a.schema_name):
        assert fresh(world, r).net_paid == 20_000


def va_waiting(world, hall, portal, resident):
    r = approved_booking(world, hall, resident, days=9)
    client = portal(resident)
    response = client.post(
        f"/portal/my/bookings/testa/{r.pk}/pay/",
        {
            "method": "virtual_account",
            "refund_bank": "88",
            "refund_account": "110123456789",
            "refund_holder": "주민",
        },
    )
    url = response["Location"]
    success = client.post(path_of(url), {**query_of(url), "action": "pay"})["Location"]
    client.get(path_of(success))
    order = order_of(world, r)
    assert order.status == OrderStatus.WAITING_FOR_DEPOSIT
    return r, client, order


def test_webhooks_out_of_order_and_twice_end_paid_once(world, hall, portal, post_webhooks):
    r, client, order = va_waiting(world, hall, portal, world.resident)
    SandboxWebhook.objects.all().delete()
    engine.deposit(SandboxPayment.objects.get(order_id=order.order_id))
    hooks = list(SandboxWebhook.objects.order_by("-id"))  # newest first: out of order
    assert {h.event_type for h in hooks} == {"DEPOSIT_CALLBACK", "PAYMENT_STATUS_CHANGED"}
    for webhook in hooks + hooks:  # and each twice
        webhook.delivered_at = None
        webhook.save()
        post_webhooks()
    assert fresh(world, r).status == "paid"
    assert entries(world, r) == [("payment", 20_000)]


def test_webhook_with_a_bad_signature_is_refused_and_changes_nothing(world, hall, portal, host):
    r, client, order = va_waiting(world, hall, portal, world.resident)
    SandboxWebhook.objects.all().delete()
    engine.deposit(SandboxPayment.objects.get(order_id=order.order_id))
    webhook = SandboxWebhook.objects.get(event_type="DEPOSIT_CALLBACK")
    staff = host(world.inst_a)
    for signature in ("v1:AAAA", "", "v1:" + "x" * 44):
        response = staff.post(
            "/payments/webhook/",
            data=webhook.body,
            content_type="application/json",
            HTTP_TOSSPAYMENTS_WEBHOOK_SIGNATURE=signature,
            HTTP_TOSSPAYMENTS_WEBHOOK_TRANSMISSION_TIME=webhook.transmission_time,
        )
        assert response.status_code == 401
    # a correct signature over a different body (the secret changed) is refused too
    forged = json.loads(webhook.body)
    forged["secret"] = "ps_forged"
    body = json.dumps(forged)
    response = staff.post(
        "/payments/webhook/",
        data=body,
        content_type="application/json",
        HTTP_TOSSPAYMENTS_WEBHOOK_SIGNATURE=engine.sign(
            webhook.merchant.webhook_secret, body, webhook.transmission_time
        ),
        HTTP_TOSSPAYMENTS_WEBHOOK_TRANSMISSION_TIME=webhook.transmission_time,
    )
    assert response.status_code == 401
    assert fresh(world, r).status == "approved" and entries(world, r) == []
    # not JSON, wrong method
    assert staff.post("/payments/webhook/", data="x", content_type="text/plain").status_code == 401
    assert staff.get("/payments/webhook/").status_code == 405


def test_webhook_for_an_unknown_order_is_ignored(world, hall, host):
    merchant = engine.merchant_for(world.inst_a)
    body = json.dumps({"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": "FBnope123"}})
    sent_at = "2026-11-30T10:00:00+09:00"
    response = host(world.inst_a).post(
        "/payments/webhook/",
        data=body,
        content_type="application/json",
        HTTP_TOSSPAYMENTS_WEBHOOK_SIGNATURE=engine.sign(merchant.webhook_secret, body, sent_at),
        HTTP_TOSSPAYMENTS_WEBHOOK_TRANSMISSION_TIME=sent_at,
    )
    assert response.status_code == 200 and response.json() == {"result": "ignored"}


def test_a_webhook_signed_for_another_institution_is_refused(world, hall, portal, host):
    r, client, order = va_waiting(world, hall, portal, world.resident)
    SandboxWebhook.objects.all().delete()
    engine.deposit(SandboxPayment.objects.get(order_id=order.order_id))
    webhook = SandboxWebhook.objects.get(event_type="DEPOSIT_CALLBACK")
    # delivered to institution B's host: B's key does not verify A's signature
    response = host(world.inst_b).post(
        "/payments/webhook/",
        data=webhook.body,
        content_type="application/json",
        HTTP_TOSSPAYMENTS_WEBHOOK_SIGNATURE=webhook.signature,
        HTTP_TOSSPAYMENTS_WEBHOOK_TRANSMISSION_TIME=webhook.transmission_time,
    )
    assert response.status_code == 401
    assert fresh(world, r).status == "approved"


def test_deposit_after_expiry_is_refunded_to_the_refund_account(world, hall, portal, post_webhooks):
    r, client, order = va_waiting(world, hall, portal, world.resident)
    payment = SandboxPayment.objects.get(order_id=order.order_id)
    engine.deposit(payment)  # deposited in time …
    with schema_context(world.inst_a.schema_name):  # … but the job ran before the webhook
        fb.reservation_expire(reservation=r, now=r.payment_due + dt.timedelta(minutes=1))
    post_webhooks()
    assert fresh(world, r).status == "expired"
    assert entries(world, r) == [("payment", 20_000), ("refund", 20_000)]
    cancel = SandboxCancel.objects.get(payment__order_id=order.order_id)
    assert (cancel.refund_bank, cancel.refund_account, cancel.amount) == (
        "88",
        "110123456789",
        20_000,
    )


def test_cancelling_before_the_deposit_closes_the_virtual_account(world, hall, portal):
    r, client, order = va_waiting(world, hall, portal, world.resident)
    response = client.post(f"/portal/my/bookings/testa/{r.pk}/cancel/", {"reason": "변경"})
    assert response.status_code == 302
    assert fresh(world, r).status == "cancelled"
    payment = SandboxPayment.objects.get(order_id=order.order_id)
    assert payment.status == "CANCELED"
    with pytest.raises(ValueError):
        engine.deposit(payment)
    assert order_of(world, r).status == OrderStatus.CANCELLED
    assert entries(world, r) == []


def test_refund_whose_answer_was_lost_is_sent_again_with_the_same_key(world, hall, portal):
    r = approved_booking(world, hall, world.resident, days=10)
    client = portal(world.resident)
    client.get(path_of(start_card(client, r)))
    with schema_context(world.inst_a.schema_name):
        # the cancellation's refund is queued but the worker dies before it runs …
        booking = fb.reservation_cancel(actor=world.resident, reservation=fresh(world, r))
        refund = Refund.objects.get(reservation_id=r.pk)
        assert booking.refund_due == 20_000 and refund.status == "pending"
        order = refund.order
        # … after sending it: the gateway refunded, we never heard
        gateway_for(world.inst_a).cancel(
            payment_key=order.payment_key,
            reason=refund.reason,
            amount=refund.amount,
            idempotency_key=f"refund-{refund.key}",
        )
        services.refund_process(refund=refund)
        services.refund_process(refund=refund)
        refund.refresh_from_db()
        assert refund.status == "done"
    assert SandboxCancel.objects.filter(payment__order_id=order.order_id).count() == 1
    assert entries(world, r) == [("payment", 20_000), ("refund", 20_000)]


def test_institution_cancels_a_paid_booking_refunds_everything(world, hall, portal, host):
    r = approved_booking(world, hall, world.resident, days=2)  # 70 % tier for the applicant
    client = portal(world.resident)
    client.get(path_of(start_card(client, r)))
    response = host(world.inst_a, world.manager_a).post(
        f"/facilities/manage/bookings/{r.pk}/cancel/", {"reason": "시설 긴급 보수"}
    )
    assert response.status_code == 302
    assert entries(world, r) == [("payment", 20_000), ("refund", 20_000)]


def test_applicant_cancel_two_days_before_refunds_seventy_percent(world, hall, portal):
    r = approved_booking(world, hall, world.resident, days=2)
    client = portal(world.resident)
    client.get(path_of(start_card(client, r)))
    page = client.get(f"/portal/my/bookings/testa/{r.pk}/cancel/").content.decode()
    assert "14,000원" in page and "70%" in page
    response = client.post(f"/portal/my/bookings/testa/{r.pk}/cancel/", {})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert entries(world, r) == [("payment", 20_000), ("refund", 14_000)]
    payment = SandboxPayment.objects.get(order_id=order_of(world, r).order_id)
    assert payment.status == "PARTIAL_CANCELED" and payment.balance_amount == 6_000
