"""The booking API: public facility reads, reservations with the page's rules,
401/403/404/409 in the one error shape, nothing stored on a refusal."""

import pytest
from django_tenants.utils import schema_context

from facility_booking import services
from facility_booking.errors import MESSAGES, message
from facility_booking.models import Reservation
from tests.facility_booking.conftest import (
    add_discounts,
    at,
    make_facility,
    request_kwargs,
)

API = "/api/v1"


@pytest.fixture
def setup(world):
    with schema_context(world.inst_a.schema_name):
        hall = make_facility(name="대공연장", kind="hall", capacity=300)
        add_discounts(hall, senior=30)
        room = make_facility(name="내부 회의실", visibility="internal", base_fee=0)
        booking = services.reservation_request(**request_kwargs(hall, world.resident))
    with schema_context(world.inst_b.schema_name):
        b_hall = make_facility(name="B 체육관", kind="gym")
        b_booking = services.reservation_request(**request_kwargs(b_hall, world.resident))
    return {
        "hall": hall,
        "room": room,
        "booking": booking,
        "b_hall": b_hall,
        "b_booking": b_booking,
    }


def count_a(world):
    with schema_context(world.inst_a.schema_name):
        return Reservation.objects.count()


def status_of(world, r):
    with schema_context(world.inst_a.schema_name):
        return Reservation.objects.get(pk=r.pk).status


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def body(slot_day=3, start=14, end=16, **overrides):
    data = {
        "start": at(slot_day, start).isoformat(),
        "end": at(slot_day, end).isoformat(),
        "purpose": "동호회 정기 공연",
        "headcount": 50,
        "contact_phone": "010-1111-2222",
        "discount_categories": ["senior"],
    }
    data.update(overrides)
    return data


# -- facilities ----------------------------------------------------------------------


def test_facility_list_is_public_and_hides_internal(setup, world, on_host):
    response = on_host(world.inst_a).get(f"{API}/facilities/")
    assert response.status_code == 200
    names = [f["name"] for f in response.json()["results"]]
    assert "대공연장" in names and "내부 회의실" not in names and "B 체육관" not in names
    staff = on_host(world.inst_a, world.staff_a).get(f"{API}/facilities/").json()
    assert "내부 회의실" in [f["name"] for f in staff["results"]]
    filtered = on_host(world.inst_a).get(f"{API}/facilities/?kind=gym&capacity=10").json()
    assert filtered["results"] == []
    assert on_host(world.inst_a).get(f"{API}/facilities/?capacity=abc").status_code == 400


def test_facility_detail_and_404s(setup, world, on_host):
    hall = setup["hall"]
    data = on_host(world.inst_a).get(f"{API}/facilities/{hall.pk}/").json()
    assert data["base_fee"] == 10000 and data["discounts"][0]["percent"] == 30
    assert data["window_open_time"] == "09:00"
    assert on_host(world.inst_a).get(f"{API}/facilities/{setup['room'].pk}/").status_code == 404
    b = on_host(world.inst_a).get(f"{API}/facilities/{setup['b_hall'].pk}/")
    assert b.status_code == 404 and b.json()["error"]["code"] == "not_found"
    assert on_host(world.inst_a).get(f"{API}/facilities/99999999999999999999/").status_code == 404


def test_availability_never_names_anyone(setup, world, on_host):
    hall = setup["hall"]
    url = f"{API}/facilities/{hall.pk}/availability/"
    response = on_host(world.inst_a).get(
        url, {"from": at(3, 0).isoformat(), "to": at(4, 0).isoformat()}
    )
    assert response.status_code == 200
    slots = response.json()["slots"]
    states = {s["start"][11:16]: s["state"] for s in slots}
    assert states["10:00"] == "taken" and states["11:00"] == "taken" and states["14:00"] == "free"
    assert "+09:00" in slots[0]["start"]
    assert world.resident.name not in response.content.decode()
    bad = on_host(world.inst_a).get(url, {"from": at(4, 0).isoformat(), "to": at(3, 0).isoformat()})
    assert bad.status_code == 400 and "to" in bad.json()["error"]["fields"]
    assert on_host(world.inst_a).get(url).status_code == 400
    assert on_host(world.inst_a).get(url, {"from": "x", "to": "y"}).status_code == 400


# -- creating ------------------------------------------------------------------------


def test_create_requires_login(setup, world, on_host):
    before = count_a(world)
    response = post(
        on_host(world.inst_a), f"{API}/reservations/", {**body(), "facility": setup["hall"].pk}
    )
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    assert count_a(world) == before


def test_create_reservation(setup, world, on_host):
    client = on_host(world.inst_a, world.resident2)
    response = post(client, f"{API}/reservations/", {**body(), "facility": setup["hall"].pk})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "requested" and data["total_amount"] == 14000
    assert data["number"].startswith("FB-") and data["start"].endswith("+09:00")
    assert [line["amount"] for line in data["price_lines"]] == [20000, -6000]


def test_create_rule_violation_is_400_korean_and_stores_nothing(setup, world, on_host):
    client = on_host(world.inst_a, world.resident2)
    before = count_a(world)
    response = post(
        client, f"{API}/reservations/", {**body(headcount=301), "facility": setup["hall"].pk}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["headcount"] == [
        message("over_capacity", capacity=300)
    ]
    response = post(
        client,
        f"{API}/reservations/",
        {**body(discount_categories=["disability"]), "facility": setup["hall"].pk},
    )
    assert response.status_code == 400
    assert MESSAGES["discount_not_offered"] in str(response.json())
    assert count_a(world) == before


def test_create_taken_slot_is_409(setup, world, on_host):
    client = on_host(world.inst_a, world.resident2)
    before = count_a(world)
    response = post(
        client, f"{API}/reservations/", {**body(start=11, end=12), "facility": setup["hall"].pk}
    )
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "conflict",
        "message": MESSAGES["slot_taken"],
        "fields": {},
    }
    assert count_a(world) == before


def test_create_on_internal_or_other_institution_facility_is_404(setup, world, on_host):
    client = on_host(world.inst_a, world.resident2)
    for facility in (setup["room"], setup["b_hall"]):
        response = post(client, f"{API}/reservations/", {**body(), "facility": facility.pk})
        assert response.status_code == 404
    assert count_a(world) == 1


# -- reading -------------------------------------------------------------------------


def test_list_own_or_all_for_managers(setup, world, on_host):
    r = setup["booking"]
    assert on_host(world.inst_a).get(f"{API}/reservations/").status_code == 401
    own = on_host(world.inst_a, world.resident).get(f"{API}/reservations/").json()
    assert [x["id"] for x in own["results"]] == [r.pk]
    assert on_host(world.inst_a, world.resident2).get(f"{API}/reservations/").json()["count"] == 0
    manager = on_host(world.inst_a, world.manager_a)
    assert manager.get(f"{API}/reservations/").json()["count"] == 1
    assert manager.get(f"{API}/reservations/?status=paid").json()["count"] == 0
    assert manager.get(f"{API}/reservations/?status=nope").status_code == 400
    assert manager.get(f"{API}/reservations/?mine=1").json()["count"] == 0
    assert manager.get(f"{API}/reservations/?from=2020-13-01").status_code == 400


def test_detail_access(setup, world, on_host):
    r, b = setup["booking"], setup["b_booking"]
    url = f"{API}/reservations/{r.pk}/"
    assert on_host(world.inst_a).get(url).status_code == 401
    assert on_host(world.inst_a, world.resident2).get(url).status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 404
    assert on_host(world.inst_a, world.manager_b).get(url).status_code == 404
    assert on_host(world.inst_a, world.resident).get(url).json()["number"] == r.number
    assert on_host(world.inst_a, world.manager_a).get(url).status_code == 200
    assert (
        on_host(world.inst_a, world.resident).get(f"{API}/reservations/{b.pk}/").status_code == 404
    )


# -- actions -------------------------------------------------------------------------

ACTIONS = {
    "approve": {"discount_category": "senior", "note": "확인"},
    "reject": {"reason": "중복 신청"},
    "record-payment": {"amount": 14000, "method": "cash"},
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_staff_actions_access_and_nothing_changes_on_refusal(setup, world, on_host, action):
    r = setup["booking"]
    url = f"{API}/reservations/{r.pk}/{action}/"
    assert post(on_host(world.inst_a), url, ACTIONS[action]).status_code == 401
    # residents get the 404 of an API that does not exist for them (accounts.access)
    assert post(on_host(world.inst_a, world.resident), url, ACTIONS[action]).status_code == 404
    assert post(on_host(world.inst_a, world.staff_a), url, ACTIONS[action]).status_code == 403
    assert post(on_host(world.inst_a, world.manager_b), url, ACTIONS[action]).status_code == 404
    b_url = f"{API}/reservations/{setup['b_booking'].pk}/{action}/"
    assert post(on_host(world.inst_a, world.manager_a), b_url, ACTIONS[action]).status_code == 404
    assert status_of(world, r) == "requested"


def test_approve_pay_then_illegal_moves_are_409(setup, world, on_host):
    r = setup["booking"]
    manager = on_host(world.inst_a, world.manager_a)
    early = post(manager, f"{API}/reservations/{r.pk}/record-payment/", ACTIONS["record-payment"])
    assert early.status_code == 409
    assert early.json()["error"]["message"] == message("invalid_transition", current="승인 대기")
    approved = post(manager, f"{API}/reservations/{r.pk}/approve/", {"fee": 15000})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["total_amount"] == 15000
    wrong = post(
        manager, f"{API}/reservations/{r.pk}/record-payment/", {"amount": 1, "method": "cash"}
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"]["fields"]["amount"] == [message("payment_amount", total="15,000")]
    paid = post(
        manager,
        f"{API}/reservations/{r.pk}/record-payment/",
        {"amount": 15000, "method": "bank_transfer"},
    )
    assert paid.json()["status"] == "paid" and paid.json()["paid_amount"] == 15000
    again = post(manager, f"{API}/reservations/{r.pk}/approve/", {})
    assert again.status_code == 409


def test_reject_needs_reason(setup, world, on_host):
    r = setup["booking"]
    manager = on_host(world.inst_a, world.manager_a)
    response = post(manager, f"{API}/reservations/{r.pk}/reject/", {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    assert status_of(world, r) == "requested"
    assert (
        post(manager, f"{API}/reservations/{r.pk}/reject/", {"reason": "목적 부적합"}).json()[
            "status"
        ]
        == "rejected"
    )


def test_cancel_by_applicant_and_by_institution(setup, world, on_host):
    r = setup["booking"]
    url = f"{API}/reservations/{r.pk}/cancel/"
    assert post(on_host(world.inst_a), url, {}).status_code == 401
    assert post(on_host(world.inst_a, world.resident2), url, {}).status_code == 404
    assert post(on_host(world.inst_a, world.staff_a), url, {}).status_code == 404
    manager = on_host(world.inst_a, world.manager_a)
    no_reason = post(manager, url, {})
    assert no_reason.status_code == 400 and MESSAGES["reason_required"] in str(no_reason.json())
    assert status_of(world, r) == "requested"
    done = post(on_host(world.inst_a, world.resident), url, {"reason": "일정 변경"})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert done.json()["cancelled_by_institution"] is False
    assert post(on_host(world.inst_a, world.resident), url, {}).status_code == 409


def test_extreme_dates_are_400_not_500(setup, world, on_host):
    hall = setup["hall"]
    client = on_host(world.inst_a, world.resident2)
    url = f"{API}/facilities/{hall.pk}/availability/"
    far = client.get(url, {"from": "9999-12-31T00:00:00Z", "to": "9999-12-31T23:00:00Z"})
    assert far.status_code == 400
    created = post(
        client,
        f"{API}/reservations/",
        {
            **body(),
            "facility": hall.pk,
            "start": "9999-12-31T14:00:00+09:00",
            "end": "9999-12-31T23:59:00+09:00",
        },
    )
    assert created.status_code == 400
    assert client.get(f"{API}/reservations/?from=0001-01-01&to=9999-12-31").status_code == 200


def test_year_one_is_a_korean_400_not_an_overflow(setup, world, on_host):
    """Year 1 without an offset overflows when DRF converts it to UTC: still a 400."""
    hall = setup["hall"]
    client = on_host(world.inst_a, world.resident2)
    url = f"{API}/facilities/{hall.pk}/availability/"
    for query in (
        {"from": "0001-01-01", "to": "2026-12-01T00:00:00+09:00"},
        {"from": "2026-11-26T00:00:00+09:00", "to": "0001-01-01T00:00:00"},
    ):
        response = client.get(url, query)
        assert response.status_code == 400
        fields = str(response.json()["error"]["fields"])
        # refused as too far away, or (no offset given) asked for the time zone first
        assert message("too_far") in fields or "시간대를 함께 보내 주세요" in fields
    before = count_a(world)
    created = post(
        client,
        f"{API}/reservations/",
        {**body(), "facility": hall.pk, "start": "0001-01-01T00:00:00", "end": "0001-01-01T01:00"},
    )
    assert created.status_code == 400
    assert count_a(world) == before


def test_inactive_facility_visible_to_managers_only(setup, world, on_host):
    hall = setup["hall"]
    with schema_context(world.inst_a.schema_name):
        type(hall).objects.filter(pk=hall.pk).update(is_active=False)
    url = f"{API}/facilities/{hall.pk}/"
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 404
    assert on_host(world.inst_a, world.manager_a).get(url).status_code == 200
    response = post(
        on_host(world.inst_a, world.resident2),
        f"{API}/reservations/",
        {**body(), "facility": hall.pk},
    )
    assert response.status_code == 404
