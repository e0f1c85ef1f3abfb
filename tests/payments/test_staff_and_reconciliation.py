"""Staff side of money: desk payments and desk refunds write the same ledger; the daily
reconciliation (ledger vs the gateway's settlement) as page, CSV and Excel; who may
see what (anonymous → log-in, plain staff → 403, residents and another institution's
staff → 404)."""

import io

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from facility_booking import services as fb
from payments.models import EntryKind, LedgerEntry, Refund
from tests.payments.conftest import approved_booking, fresh, path_of, query_of

pytestmark = pytest.mark.django_db


def pay_by_card(portal, r):
    client = portal(r.applicant)
    url = client.post(f"/portal/my/bookings/testa/{r.pk}/pay/", {"method": "card"})["Location"]
    success = client.post(path_of(url), {**query_of(url), "action": "pay"})["Location"]
    client.get(path_of(success))


def test_desk_payment_and_desk_refund_write_the_ledger(world, hall, host):
    r = approved_booking(world, hall, world.resident, days=10)
    manager = host(world.inst_a, world.manager_a)
    # a wrong amount is refused, nothing booked
    response = manager.post(
        f"/facilities/manage/bookings/{r.pk}/payment/", {"amount": 19_000, "method": "cash"}
    )
    assert response.status_code == 400 and "20,000원" in response.content.decode()
    response = manager.post(
        f"/facilities/manage/bookings/{r.pk}/payment/",
        {"amount": 20_000, "method": "bank_transfer", "note": "입금자 홍길동"},
    )
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        entry = LedgerEntry.objects.get(reservation_id=r.pk)
        assert (entry.kind, entry.method, entry.amount, entry.gateway) == (
            "payment",
            "bank_transfer",
            20_000,
            "",
        )
        assert entry.recorded_by_id == world.manager_a.pk and entry.transaction_id
    assert fresh(world, r).status == "paid"
    # the applicant cancels 10 days ahead: 100 %, to be paid back by staff
    with schema_context(world.inst_a.schema_name):
        fb.reservation_cancel(actor=world.resident, reservation=fresh(world, r))
        refund = Refund.objects.get(reservation_id=r.pk)
    assert refund.status == "manual" and refund.amount == 20_000
    page = manager.get(f"/facilities/manage/bookings/{r.pk}/").content.decode()
    assert "직접 환불 완료 기록" in page
    # only booking managers of this institution record it
    assert (
        host(world.inst_a, world.staff_a)
        .post(f"/payments/manage/refunds/{refund.pk}/record/", {"method": "cash"})
        .status_code
        == 403
    )
    assert (
        host(world.inst_b, world.manager_b)
        .post(f"/payments/manage/refunds/{refund.pk}/record/", {"method": "cash"})
        .status_code
        == 404
    )
    response = manager.post(
        f"/payments/manage/refunds/{refund.pk}/record/", {"method": "bank_transfer", "note": "이체"}
    )
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        refund.refresh_from_db()
        assert refund.status == "done" and refund.entry.amount == 20_000
        assert fresh(world, r).refunded_amount == 20_000
    # twice is refused (nothing more booked)
    manager.post(f"/payments/manage/refunds/{refund.pk}/record/", {"method": "cash"})
    with schema_context(world.inst_a.schema_name):
        assert LedgerEntry.objects.filter(reservation_id=r.pk, kind=EntryKind.REFUND).count() == 1


def test_desk_payment_refused_while_an_online_payment_is_under_way(world, hall, host, portal):
    r = approved_booking(world, hall, world.resident, days=10)
    client = portal(world.resident)
    url = client.post(
        f"/portal/my/bookings/testa/{r.pk}/pay/",
        {
            "method": "virtual_account",
            "refund_bank": "88",
            "refund_account": "1101234567",
            "refund_holder": "주민",
        },
    )["Location"]
    client.get(path_of(client.post(path_of(url), {**query_of(url), "action": "pay"})["Location"]))
    response = host(world.inst_a, world.manager_a).post(
        f"/facilities/manage/bookings/{r.pk}/payment/", {"amount": 20_000, "method": "cash"}
    )
    assert response.status_code == 400 and "가상계좌가 발급된" in response.content.decode()
    with schema_context(world.inst_a.schema_name):
        assert not LedgerEntry.objects.filter(reservation_id=r.pk).exists()


def test_reconciliation_matches_the_ledger_with_the_settlement(world, hall, host, portal):
    paid = approved_booking(world, hall, world.resident, days=5)
    pay_by_card(portal, paid)
    desk = approved_booking(world, hall, world.resident2, days=6)
    with schema_context(world.inst_a.schema_name):
        fb.reservation_record_payment(
            actor=world.manager_a, reservation=desk, amount=20_000, method="cash"
        )
    # a refund of the card payment (5 days ahead: 90 %)
    portal(world.resident).post(f"/portal/my/bookings/testa/{paid.pk}/cancel/", {})
    today = timezone.localdate().isoformat()
    manager = host(world.inst_a, world.manager_a)
    page = manager.get(f"/payments/manage/reconciliation/?day={today}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "일치" in text and "창구 처리" in text and "금액 불일치" not in text
    csv = manager.get(f"/payments/manage/reconciliation.csv?day={today}").content.decode("utf-8")
    assert csv.startswith("\ufeff결과,구분,결제 수단")
    lines = [line for line in csv.splitlines()[1:] if line]
    assert sum(1 for line in lines if line.startswith("일치,결제,카드")) == 1
    assert any(line.startswith("일치,환불,카드") and ",-18000,-18000," in line for line in lines)
    assert any(
        line.startswith("일치,결제,카드") and ",20000,20000,400,19600," in line for line in lines
    )
    assert any(line.startswith("창구 처리") and ",20000,," in line for line in lines)
    xlsx = manager.get(f"/payments/manage/reconciliation.xlsx?day={today}")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0][:3] == ["일치", "결제", "카드"] and values[0][6] == 20_000


def test_reconciliation_flags_what_only_one_side_has(world, hall, host, portal):
    r = approved_booking(world, hall, world.resident, days=5)
    pay_by_card(portal, r)
    with schema_context(world.inst_a.schema_name):
        entry = LedgerEntry.objects.get(reservation_id=r.pk)
        # a ledger line the gateway never saw, and the gateway's payment booked wrongly
        LedgerEntry.objects.create(
            reservation=entry.reservation,
            kind="payment",
            method="card",
            amount=5_000,
            gateway="sandbox",
            transaction_id="ghost-1",
            occurred_at=timezone.now(),
        )
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=19_000)
    csv = (
        host(world.inst_a, world.manager_a)
        .get(f"/payments/manage/reconciliation.csv?day={timezone.localdate().isoformat()}")
        .content.decode("utf-8")
    )
    assert "금액 불일치,결제,카드" in csv and "정산에 없음,결제,카드" in csv


def test_reconciliation_access_and_bad_input(world, host, on_host):
    url = "/payments/manage/reconciliation/"
    assert on_host(world.inst_a).get(url).status_code == 302  # log-in
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 403
    assert on_host(world.inst_a, world.manager_b).get(url).status_code == 404
    assert on_host(world.inst_a, world.admin_a).get(url).status_code == 200
    response = on_host(world.inst_a, world.manager_a).get(url + "?day=2026-13-45")
    assert response.status_code == 400 and "날짜" in response.content.decode()
    for path in ("/payments/manage/reconciliation.csv", "/payments/manage/reconciliation.xlsx"):
        assert on_host(world.inst_a, world.resident).get(path).status_code == 404
        assert on_host(world.inst_a, world.manager_b).get(path).status_code == 404


def test_failed_refund_is_visible_and_can_be_retried(world, hall, host, portal):
    r = approved_booking(world, hall, world.resident, days=10)
    pay_by_card(portal, r)
    with schema_context(world.inst_a.schema_name):
        booking = fresh(world, r)
        # refused by the gateway (more than is refundable): failed, visible to staff
        from payments.services import refund_create, refund_process

        refund = refund_create(
            reservation=booking, order=booking.payment_orders.get(), amount=99_999, reason="시험"
        )
        refund = refund_process(refund=refund)
        assert refund.status == "failed" and "NOT_CANCELABLE_AMOUNT" in refund.last_error
    page = host(world.inst_a, world.manager_a).get(f"/facilities/manage/bookings/{r.pk}/")
    assert "환불 실패" in page.content.decode() and "환불 다시 시도" in page.content.decode()
    assert (
        host(world.inst_a, world.resident)
        .post(f"/payments/manage/refunds/{refund.pk}/retry/")
        .status_code
        == 404
    )
    response = host(world.inst_a, world.manager_a).post(
        f"/payments/manage/refunds/{refund.pk}/retry/"
    )
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        refund.refresh_from_db()
        assert refund.status == "failed"  # still more than refundable: refused again
        assert LedgerEntry.objects.filter(reservation_id=r.pk, kind="refund").count() == 0
