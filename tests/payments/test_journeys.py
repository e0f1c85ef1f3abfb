"""The three residents of issue 12, tried as new users would, all through HTTP:

1. books, is approved, gets a text message, pays by card in the sandbox, gets the
   permit, later cancels and sees the refund in the ledger and on the receipt;
2. pays by 가상계좌 with a 현금영수증; the deposit webhook completes it;
3. never pays: the booking expires and a message is sent.
"""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from pypdf import PdfReader

from accounts.models import User
from facility_booking.tasks import expire_overdue_here
from notifications.models import LocalMessage, Notification
from payments.models import LedgerEntry, OrderStatus, PaymentOrder
from tests.facility_booking.conftest import future_day
from tests.payments.conftest import FEE, fresh, path_of, query_of

pytestmark = pytest.mark.django_db


class Ref:
    def __init__(self, pk):
        self.pk = pk


def pdf_text(response) -> str:
    """The text of a PDF response (stored PDFs are streamed from storage)."""
    content = b"".join(response.streaming_content)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def verify_phone_over_http(client, phone: str) -> None:
    """The hub's settings page: ask for a code, read it off the sandbox phone, enter it."""
    response = client.post("/portal/my/settings/", {"action": "phone", "phone": phone})
    assert response.status_code == 302
    sms = LocalMessage.objects.filter(address=phone, channel="sms").latest("created_at")
    code = re.search(r"인증번호 (\d{6})", sms.body).group(1)
    response = client.post("/portal/my/settings/", {"action": "code", "code": code})
    assert response.status_code == 302
    page = client.get("/portal/my/settings/").content.decode()
    assert f"인증된 번호: {phone}" in page


def apply_over_http(client, facility, *, days=5) -> int:
    day = future_day(days).isoformat()
    response = client.post(
        f"/facilities/{facility.pk}/apply/",
        {
            "date": day,
            "start_time": "10:00",
            "end_time": "12:00",
            "purpose": "합창단 연습",
            "headcount": 10,
            "contact_phone": "010-1234-5678",
            "action": "submit",
            "consent_booking_required": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return int(response["Location"].rstrip("/").split("/")[-1])


def test_resident_pays_by_card_gets_permit_cancels_and_sees_the_refund(world, hall, host, portal):
    resident = world.resident
    portal = portal(resident)
    verify_phone_over_http(portal, "010-1234-5678")

    # applies on the institution's host
    pk = apply_over_http(host(world.inst_a, resident), hall, days=5)
    # a manager approves it: 20,000 won, deadline in two days
    response = host(world.inst_a, world.manager_a).post(
        f"/facilities/manage/bookings/{pk}/approve/", {"note": "결제 안내"}
    )
    assert response.status_code == 302
    booking = fresh(world, Ref(pk))
    assert booking.status == "approved" and booking.total_amount == 2 * FEE == 20_000

    # the approval arrived as a 알림톡 on the verified phone
    text = LocalMessage.objects.filter(
        address="010-1234-5678", channel="alimtalk", template_code="FB_APPROVED"
    ).get()
    assert "승인되었습니다" in text.body and "20,000원" in text.body and booking.number in text.body

    # the hub shows what to do: pay
    hub = portal.get("/portal/my/").content.decode()
    assert "결제하기" in hub and booking.number in hub

    # pays by card in the sandbox window
    response = portal.post(f"/portal/my/bookings/testa/{pk}/pay/", {"method": "card"})
    assert response.status_code == 302
    window = response["Location"]
    assert "/sandbox-pg/checkout/" in window and query_of(window)["amount"] == "20000"
    assert portal.get(path_of(window)).status_code == 200
    response = portal.post(path_of(window), {**query_of(window), "action": "pay"})
    assert response.status_code == 302
    success = response["Location"]
    assert "/portal/my/payments/testa/success/" in success
    response = portal.get(path_of(success))
    assert response.status_code == 302

    booking = fresh(world, booking)
    assert booking.status == "paid"
    with schema_context(world.inst_a.schema_name):
        entries = list(LedgerEntry.objects.filter(reservation_id=pk).values_list("kind", "amount"))
        assert entries == [("payment", 20_000)]
        assert booking.paid_amount == 20_000 and booking.refunded_amount == 0
        order = PaymentOrder.objects.get(reservation_id=pk)
        assert order.status == OrderStatus.PAID
        assert LedgerEntry.objects.get(reservation_id=pk).transaction_id == order.payment_key
    assert LocalMessage.objects.filter(template_code="FB_PAID", address="010-1234-5678").exists()

    # the permit, from the hub
    permit = portal.get(f"/portal/my/bookings/testa/{pk}/permit.pdf")
    assert permit.status_code == 200 and permit["Content-Type"] == "application/pdf"
    assert "대관 허가서" in pdf_text(permit)

    # later cancels: 5 days before use → 90 % = 18,000 won, shown before confirming
    page = portal.get(f"/portal/my/bookings/testa/{pk}/cancel/").content.decode()
    assert "18,000원" in page and "90%" in page
    response = portal.post(f"/portal/my/bookings/testa/{pk}/cancel/", {"reason": "일정 변경"})
    assert response.status_code == 302
    booking = fresh(world, booking)
    assert booking.status == "cancelled" and booking.refund_due == 18_000
    with schema_context(world.inst_a.schema_name):
        entries = list(
            LedgerEntry.objects.filter(reservation_id=pk)
            .order_by("id")
            .values_list("kind", "method", "amount")
        )
        assert entries == [("payment", "card", 20_000), ("refund", "card", 18_000)]
        assert booking.paid_amount == 20_000 and booking.refunded_amount == 18_000
        refund = booking.refunds.get()
        assert refund.status == "done" and refund.entry.amount == 18_000

    # the refund shows in the hub's ledger and on the receipt
    money = portal.get("/portal/my/payments/").content.decode()
    assert "−18,000원" in money and "20,000원" in money
    receipt = portal.get(f"/portal/my/bookings/testa/{pk}/receipt.pdf")
    text = pdf_text(receipt)
    assert "20,000원" in text and "−18,000원" in text and "2,000원" in text
    assert LocalMessage.objects.filter(template_code="FB_REFUNDED").exists()


def test_second_resident_pays_by_virtual_account_and_the_deposit_completes_it(
    world, hall, host, portal, post_webhooks
):
    resident = world.resident2
    portal = portal(resident)
    verify_phone_over_http(portal, "010-2222-3333")
    pk = apply_over_http(host(world.inst_a, resident), hall, days=9)
    host(world.inst_a, world.manager_a).post(f"/facilities/manage/bookings/{pk}/approve/", {})

    # a bad cash-receipt number is refused, nothing stored
    response = portal.post(
        f"/portal/my/bookings/testa/{pk}/pay/",
        {
            "method": "virtual_account",
            "cash_receipt_type": "소득공제",
            "cash_receipt_number": "12",
            "refund_bank": "88",
            "refund_account": "110123456789",
            "refund_holder": "주민둘",
        },
    )
    assert response.status_code == 400
    assert "현금영수증용 휴대전화 번호" in response.content.decode()
    with schema_context(world.inst_a.schema_name):
        assert not PaymentOrder.objects.filter(reservation_id=pk).exists()

    if True:
        response = portal.post(
            f"/portal/my/bookings/testa/{pk}/pay/",
            {
                "method": "virtual_account",
                "cash_receipt_type": "소득공제",
                "cash_receipt_number": "010-2222-3333",
                "refund_bank": "88",
                "refund_account": "110-123-456789",
                "refund_holder": "주민둘",
            },
        )
    window = response["Location"]
    response = portal.post(path_of(window), {**query_of(window), "action": "pay"})
    portal.get(path_of(response["Location"]))
    with schema_context(world.inst_a.schema_name):
        order = PaymentOrder.objects.get(reservation_id=pk)
        assert order.status == OrderStatus.WAITING_FOR_DEPOSIT and order.va_account_number
        assert order.amount == 20_000
        assert not LedgerEntry.objects.filter(reservation_id=pk).exists()
    assert fresh(world, Ref(pk)).status == "approved"

    # the account and the deadline are shown, and told by text
    page = portal.get(f"/portal/my/bookings/testa/{pk}/").content.decode()
    assert order.va_account_number in page and "입금 기한" in page
    issued = LocalMessage.objects.get(template_code="FB_VACCOUNT", address="010-2222-3333")
    assert order.va_account_number in issued.body and "20,000원" in issued.body

    # the resident deposits (the sandbox bank); the webhooks reach the institution
    assert all(post_webhooks())
    response = portal.post(
        f"/sandbox-pg/virtual-accounts/{order.payment_key}/", {"action": "deposit"}
    )
    assert response.status_code == 302
    assert all(post_webhooks())

    booking = fresh(world, Ref(pk))
    assert booking.status == "paid"
    with schema_context(world.inst_a.schema_name):
        entries = list(
            LedgerEntry.objects.filter(reservation_id=pk).values_list("kind", "method", "amount")
        )
        assert entries == [("payment", "virtual_account", 20_000)]
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and order.cash_receipt_issue_number
    receipt = pdf_text(portal.get(f"/portal/my/bookings/testa/{pk}/receipt.pdf"))
    assert "현금영수증" in receipt and "소득공제" in receipt and "010-****-3333" in receipt
    assert order.cash_receipt_issue_number in receipt
    assert LocalMessage.objects.filter(template_code="FB_PAID", address="010-2222-3333").exists()

    # the same webhooks again change nothing
    from payments.sandbox.models import SandboxWebhook

    SandboxWebhook.objects.update(delivered_at=None, next_attempt_at=timezone.now())
    assert all(post_webhooks())
    with schema_context(world.inst_a.schema_name):
        assert LedgerEntry.objects.filter(reservation_id=pk).count() == 1


def test_third_resident_never_pays_and_the_booking_expires_with_a_message(
    world, hall, host, portal, run_on_commit
):
    third = User.objects.create_user(
        email="third@test.kr", password="test-pass-1234", name="주민셋"
    )
    portal = portal(third)
    pk = apply_over_http(host(world.inst_a, third), hall, days=6)
    host(world.inst_a, world.manager_a).post(f"/facilities/manage/bookings/{pk}/approve/", {})
    booking = fresh(world, Ref(pk))
    assert booking.status == "approved" and booking.payment_due

    with run_on_commit(), schema_context(world.inst_a.schema_name):
        assert expire_overdue_here(now=booking.payment_due + dt.timedelta(minutes=1)) == 1
    assert fresh(world, booking).status == "expired"

    expired = Notification.objects.get(recipient=third, event="booking_expired")
    (delivery,) = expired.deliveries.all()
    assert delivery.channel == "email" and delivery.status == "sent"
    assert "결제 기한" in delivery.body and booking.number in delivery.body
    page = portal.get("/portal/my/notifications/").content.decode()
    assert "결제 기한 만료" in page and booking.number in page
    staff = host(world.inst_a, world.manager_a).get("/notifications/outbox/").content.decode()
    assert "결제 기한 만료" in staff
    with schema_context(world.inst_a.schema_name):
        assert not LedgerEntry.objects.filter(reservation_id=pk).exists()
