"""The resident's hub at /portal/my/: bookings of every institution with their money
and next action, program applications, payments and refunds; every action page is
the applicant's own (someone else's or an unknown institution answers 404); the
sandbox's pages refuse what a real gateway would."""

import pytest
from django_tenants.utils import schema_context

from tests.facility_booking.conftest import make_facility
from tests.payments.conftest import approved_booking, path_of, query_of

pytestmark = pytest.mark.django_db

ACTIONS = ("", "pay/", "cancel/", "permit.pdf", "receipt.pdf")


@pytest.fixture
def gym_b(world):
    with schema_context(world.inst_b.schema_name):
        return make_facility(name="B 체육관", kind="gym", base_fee=30_000)


def test_hub_lists_bookings_of_every_institution_with_next_actions(world, hall, gym_b, portal):
    a = approved_booking(world, hall, world.resident)
    with schema_context(world.inst_b.schema_name):
        from facility_booking import services
        from tests.facility_booking.conftest import at, request_kwargs

        b = services.reservation_request(
            **request_kwargs(gym_b, world.resident, start=at(4, 10), end=at(4, 12))
        )
    page = portal(world.resident).get("/portal/my/").content.decode()
    assert a.number in page and b.number in page
    assert "가나시 문화재단" in page and "다라시 체육회" in page
    assert f"/portal/my/bookings/testa/{a.pk}/pay/" in page  # approved: pay here
    assert f"/portal/my/bookings/testb/{b.pk}/pay/" not in page  # requested: not yet
    assert f"/portal/my/bookings/testb/{b.pk}/cancel/" in page
    assert "20,000원" in page
    # nobody else sees them
    other = portal(world.resident2).get("/portal/my/").content.decode()
    assert a.number not in other and b.number not in other


def test_hub_pages_need_log_in(world, hall, apex):
    r = approved_booking(world, hall, world.resident)
    for url in (
        "/portal/my/",
        "/portal/my/payments/",
        "/portal/my/notifications/",
        "/portal/my/settings/",
        *(f"/portal/my/bookings/testa/{r.pk}/{a}" for a in ACTIONS),
        "/portal/my/payments/testa/success/?orderId=x",
    ):
        response = apex().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_someone_elses_booking_or_unknown_institution_is_404(world, hall, apex):
    r = approved_booking(world, hall, world.resident)
    intruder = apex(world.resident2)
    for action in ACTIONS:
        assert intruder.get(f"/portal/my/bookings/testa/{r.pk}/{action}").status_code == 404
        assert (
            apex(world.resident).get(f"/portal/my/bookings/nowhere/{r.pk}/{action}").status_code
            == 404
        )
        assert (
            apex(world.resident).get(f"/portal/my/bookings/testb/{r.pk}/{action}").status_code
            == 404
        )
    assert intruder.post(f"/portal/my/bookings/testa/{r.pk}/cancel/", {}).status_code == 404
    assert apex(world.resident).get("/portal/my/bookings/testa/99999999/").status_code == 404
    assert (
        apex(world.resident).get("/portal/my/payments/testa/success/?orderId=nope").status_code
        == 404
    )
    assert apex(world.resident).get("/portal/my/payments/testa/fail/").status_code == 404
    assert (
        apex(world.resident).post("/portal/my/payments/testa/orders/nope/refresh/").status_code
        == 404
    )
    with schema_context(world.inst_a.schema_name):
        from facility_booking.models import Reservation

        assert Reservation.objects.get(pk=r.pk).status == "approved"


def test_suspended_institution_is_out_of_reach(world, hall, apex):
    r = approved_booking(world, hall, world.resident)
    world.inst_a.status = "suspended"
    world.inst_a.save()
    assert apex(world.resident).get(f"/portal/my/bookings/testa/{r.pk}/").status_code == 404


def test_pay_page_refuses_bad_input_in_korean_and_stores_nothing(world, hall, portal):
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    for data, text in (
        ({"method": "bitcoin"}, "올바르게 선택해 주세요"),
        ({"method": "card", "cash_receipt_type": "소득공제"}, "카드 결제에는 현금영수증"),
        ({"method": "virtual_account", "refund_bank": "99"}, "환불받을 은행"),
        (
            {"method": "virtual_account", "refund_bank": "88", "refund_account": "12"},
            "계좌번호를 숫자 10–16자리",
        ),
        (
            {
                "method": "virtual_account",
                "refund_bank": "88",
                "refund_account": "1234567890",
                "refund_holder": "홍",
                "cash_receipt_type": "지출증빙",
                "cash_receipt_number": "123",
            },
            "사업자등록번호 10자리",
        ),
    ):
        response = client.post(f"/portal/my/bookings/testa/{r.pk}/pay/", data)
        assert response.status_code == 400, data
        assert text in response.content.decode(), data
    with schema_context(world.inst_a.schema_name):
        assert not r.payment_orders.exists()


def test_pay_page_for_a_booking_not_awaiting_payment(world, hall, portal):
    with schema_context(world.inst_a.schema_name):
        from facility_booking import services
        from tests.facility_booking.conftest import request_kwargs

        r = services.reservation_request(**request_kwargs(hall, world.resident))
    client = portal(world.resident)
    page = client.get(f"/portal/my/bookings/testa/{r.pk}/pay/").content.decode()
    assert "지금은 결제할 수 없는 예약입니다" in page
    response = client.post(f"/portal/my/bookings/testa/{r.pk}/pay/", {"method": "card"})
    assert response.status_code == 400
    assert "지금은 결제할 수 없는" in response.content.decode()


def test_institution_host_offers_the_same_payment(world, hall, host, portal):
    r = approved_booking(world, hall, world.resident)
    client = host(world.inst_a, world.resident)
    page = client.get(f"/facilities/my/{r.pk}/").content.decode()
    assert f"/payments/bookings/{r.pk}/pay/" in page
    window = client.post(f"/payments/bookings/{r.pk}/pay/", {"method": "card"})["Location"]
    assert window.startswith("http://localhost") and "/sandbox-pg/checkout/" in window
    assert query_of(window)["successUrl"] == "http://testa.localhost/payments/return/success/"
    # the window is the gateway's (on the portal host); it returns to the institution host
    success = portal(world.resident).post(path_of(window), {**query_of(window), "action": "pay"})
    assert success["Location"].startswith("http://testa.localhost/payments/return/success/")
    response = client.get(path_of(success["Location"]))
    assert response.status_code == 302 and response["Location"] == f"/facilities/my/{r.pk}/"
    with schema_context(world.inst_a.schema_name):
        from facility_booking.models import Reservation

        assert Reservation.objects.get(pk=r.pk).status == "paid"
    assert (
        host(world.inst_a, world.resident2).get(f"/payments/bookings/{r.pk}/pay/").status_code
        == 404
    )
    assert host(world.inst_a).get(f"/payments/bookings/{r.pk}/pay/").status_code == 302


def test_sandbox_window_refuses_bad_parameters_and_foreign_return_addresses(world, hall, portal):
    r = approved_booking(world, hall, world.resident)
    client = portal(world.resident)
    window = client.post(f"/portal/my/bookings/testa/{r.pk}/pay/", {"method": "card"})["Location"]
    params = query_of(window)
    for bad in (
        {"clientKey": "test_ck_wrong"},
        {"amount": "-5"},
        {"method": "BITCOIN"},
        {"orderId": "x"},
        {"successUrl": "https://evil.example/steal"},
        {"failUrl": "javascript:alert(1)"},
    ):
        response = client.get("/sandbox-pg/checkout/", {**params, **bad})
        assert response.status_code == 400, bad
    assert client.get("/sandbox-pg/checkout/", params).status_code == 200


def test_sandbox_return_addresses_may_carry_the_platform_port(world):
    from payments.sandbox.views import _safe_return

    assert _safe_return("http://localhost:8140/portal/my/payments/testa/success/")
    assert _safe_return("https://testa.localhost:8443/payments/return/fail/")
    assert not _safe_return("http://localhost.evil.example:8140/x")
    assert not _safe_return("http://evil.example/?localhost")
    assert not _safe_return("//evil.example/x")


def test_sandbox_dashboard_is_for_developers(world, apex, settings):
    settings.DEBUG = False
    assert apex(world.resident).get("/sandbox-pg/").status_code == 403
    assert apex(world.operator).get("/sandbox-pg/").status_code == 200


def test_a_cancel_in_the_hub_offers_the_freed_time_to_the_waitlist(world, hall, portal):
    """The hub runs on the portal's host: the waitlist offer it sets off links to the
    institution's pages all the same (reversed against the institution's URLconf)."""
    from facility_booking.models import WaitlistEntry, WaitStatus
    from facility_booking.services import waitlist
    from notifications.models import Notification
    from tests.facility_booking.conftest import at

    r = approved_booking(world, hall, world.resident)
    with schema_context(world.inst_a.schema_name):
        entry = waitlist.waitlist_join(
            actor=world.resident2,
            facility=hall,
            start=at(5, 10),
            end=at(5, 12),
            purpose="동호회 연습",
            contact_phone="010-2222-3333",
            headcount=6,
        )
    response = portal(world.resident).post(
        f"/portal/my/bookings/testa/{r.pk}/cancel/", {"reason": "일정 변경"}
    )
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        entry = WaitlistEntry.objects.get(pk=entry.pk)
        assert entry.status == WaitStatus.OFFERED
        offered = entry.reservation_id
    offer = Notification.objects.get(recipient=world.resident2, event="waitlist_offer")
    assert offer.context["path"].endswith(f"/my/{offered}/")
