"""Every booking managers' page and API action × who asks.

One rule (facility_booking.permissions.manager_page / ManagerPermission, built on
accounts.access): anonymous → log-in (pages) or 401 (API); a resident, another
institution's staff or another institution's booking manager → the 404 of a page that
does not exist; a member of this institution who is not a booking manager → 403 that
says who may; the institution admin and the facility manager → 2xx.
"""

import pytest

from facility_booking import services
from facility_booking.models import Reservation
from facility_booking.permissions import MANAGERS_ONLY
from tests.facility_booking.conftest import make_facility, request_kwargs

API = "/api/v1"

PAGES = [
    "/facilities/manage/",
    "/facilities/manage/bookings/{booking}/",
    "/facilities/manage/walk-in/",
    "/facilities/manage/walk-in/?facility={facility}",
    "/facilities/manage/blocks/",
    "/facilities/manage/facilities/",
    "/facilities/manage/facilities/new/",
    "/facilities/manage/facilities/{facility}/",
    "/facilities/manage/facilities/{facility}/extras/",
    "/facilities/manage/reports/",
    "/facilities/manage/reports.csv",
    "/facilities/manage/reports.xlsx",
    "/payments/manage/reconciliation/",
    "/payments/manage/reconciliation.csv",
    "/payments/manage/reconciliation.xlsx",
]
# POSTs that change something: an outsider or a plain member never reaches the form;
# a manager does (an empty approval is valid; the other forms need input → 400)
POSTS = [
    ("/facilities/manage/bookings/{booking}/approve/", 302),
    ("/facilities/manage/bookings/{booking}/reject/", 400),
    ("/facilities/manage/bookings/{booking}/payment/", 400),
    ("/facilities/manage/bookings/{booking}/cancel/", 400),
    ("/facilities/manage/bookings/{booking}/discount/", 400),
]
API_ACTIONS = [
    (f"{API}/reservations/{{booking}}/approve/", {}),
    (f"{API}/reservations/{{booking}}/reject/", {"reason": "중복 신청"}),
    (f"{API}/reservations/{{booking}}/record-payment/", {"amount": 1000, "method": "cash"}),
]


@pytest.fixture
def rows(schema_a, world):
    facility = make_facility(name="매트릭스 홀")
    booking = services.reservation_request(
        **request_kwargs(facility, world.resident), institution=world.inst_a
    )
    return {"facility": facility.pk, "booking": booking.pk}


def _outsiders(world):
    return (world.resident, world.staff_b, world.manager_b, world.admin_b)


@pytest.mark.parametrize("path", PAGES)
def test_manager_pages(world, rows, on_host, path):
    url = path.format(**rows)
    anonymous = on_host(world.inst_a).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for outsider in _outsiders(world):
        assert on_host(world.inst_a, outsider).get(url).status_code == 404, outsider
    refused = on_host(world.inst_a, world.staff_a).get(url)
    assert refused.status_code == 403
    assert str(MANAGERS_ONLY) in refused.content.decode()
    for manager in (world.manager_a, world.admin_a):
        assert on_host(world.inst_a, manager).get(url).status_code == 200, manager


@pytest.mark.parametrize("path, manager_status", POSTS)
def test_manager_decisions_refuse_before_reading(world, rows, on_host, path, manager_status):
    url = path.format(**rows)
    assert on_host(world.inst_a).post(url).status_code == 302
    for outsider in _outsiders(world):
        assert on_host(world.inst_a, outsider).post(url).status_code == 404, outsider
    assert on_host(world.inst_a, world.staff_a).post(url).status_code == 403
    assert Reservation.objects.get(pk=rows["booking"]).status == "requested"
    assert on_host(world.inst_a, world.manager_a).post(url).status_code == manager_status


@pytest.mark.parametrize("path, body", API_ACTIONS)
def test_manager_api_actions(world, rows, on_host, path, body):
    url = path.format(**rows)

    def post(user):
        return on_host(world.inst_a, user).post(url, body, content_type="application/json")

    anonymous = post(None)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    for outsider in _outsiders(world):
        assert post(outsider).status_code == 404, outsider
    refused = post(world.staff_a)
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "code": "permission_denied",
        "message": str(MANAGERS_ONLY),
        "fields": {},
    }
    assert Reservation.objects.get(pk=rows["booking"]).status == "requested"


def test_an_action_the_booking_does_not_allow_is_a_409(world, rows, on_host):
    client = on_host(world.inst_a, world.manager_a)
    url = f"{API}/reservations/{rows['booking']}/record-payment/"
    response = client.post(url, {"amount": 1000, "method": "cash"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    approved = client.post(f"{API}/reservations/{rows['booking']}/approve/", {}, "application/json")
    assert approved.status_code == 200
    assert "approve" not in approved.json()["allowed_actions"]
    again = client.post(f"{API}/reservations/{rows['booking']}/approve/", {}, "application/json")
    assert again.status_code == 409
    assert Reservation.objects.get(pk=rows["booking"]).status == "approved"


def test_the_api_shows_each_caller_their_own_allowed_actions(world, rows, on_host):
    url = f"{API}/reservations/{rows['booking']}/"
    mine = on_host(world.inst_a, world.resident).get(url).json()
    assert mine["allowed_actions"] == ["cancel"]
    theirs = on_host(world.inst_a, world.manager_a).get(url).json()
    assert theirs["allowed_actions"] == ["approve", "cancel", "reject"]
    listed = on_host(world.inst_a, world.manager_a).get(f"{API}/reservations/").json()
    row = next(r for r in listed["results"] if r["id"] == rows["booking"])
    assert row["allowed_actions"] == ["approve", "cancel", "reject"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=bogus", "status"),
        ("status=blocked", "status"),
        ("facility=abc", "facility"),
        ("facility=0", "facility"),
        ("from=2020-13-01", "from"),
        ("to=yesterday", "to"),
        ("mine=maybe", "mine"),
        ("ordering=applicant_name", "ordering"),
    ],
)
def test_reservation_list_filters_refuse_bad_values(world, rows, on_host, query, field):
    response = on_host(world.inst_a, world.manager_a).get(f"{API}/reservations/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


def test_reservation_list_filters(world, rows, on_host, schema_a):
    manager = on_host(world.inst_a, world.manager_a)
    day = Reservation.objects.get(pk=rows["booking"]).start.date().isoformat()

    def ids(query):
        return {r["id"] for r in manager.get(f"{API}/reservations/?{query}").json()["results"]}

    assert rows["booking"] in ids(f"facility={rows['facility']}&status=requested")
    assert rows["booking"] in ids(f"from={day}&to={day}")
    assert rows["booking"] not in ids("status=approved")
    assert rows["booking"] not in ids("mine=true")
    resident = on_host(world.inst_a, world.resident2)
    assert rows["booking"] not in {
        r["id"] for r in resident.get(f"{API}/reservations/").json()["results"]
    }


@pytest.mark.parametrize(
    "query, field",
    [("kind=castle", "kind"), ("capacity=abc", "capacity"), ("capacity=-1", "capacity")],
)
def test_facility_list_filters_refuse_bad_values(world, rows, on_host, query, field):
    response = on_host(world.inst_a).get(f"{API}/facilities/?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
