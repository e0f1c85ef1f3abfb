"""A request for a taken slot is refused from one read (issue 18: the opening rush's
refused requests a second): the facility and whether the time asked for is held come in
one statement (``selectors.facility_for_booking``), and the service refuses before its
rules, locks and transaction (``reservation_request(taken=…)``). The statements of a
refused booking are pinned here, for the API and the form, with everything that still
guards the request: the sign-in, CSRF, the institution's host, the rate limits, the
waiting room's ticket, the one error shape. The read's EXISTS is the service's
``overlaps`` (buffer, states that hold, series bills): pinned against it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from api.models import ApiToken
from api.throttling import throttle_cache
from api.tokens import token_create, token_lookup
from facility_booking import selectors, services
from facility_booking.models import Facility, Reservation, Status
from tests.facility_booking.conftest import at, future_day, make_facility, request_kwargs

URL = "/api/v1/reservations/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    throttle_cache().clear()
    yield
    throttle_cache().clear()


@pytest.fixture
def hall(world):
    """A facility with a 30-minute buffer, its 10:00–12:00 of day 3 taken by resident2."""
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="러시 강당", base_fee=0, buffer_minutes=30)
        services.reservation_request(**request_kwargs(facility, world.resident2))
        return facility


def body(facility, start, end):
    return {
        "facility": facility.pk,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "purpose": "러시",
        "headcount": 5,
        "contact_phone": "010-1234-5678",
    }


def api_client(world, user, institution=None):
    raw = token_create(user=user, name="러시")[1]
    return Client(
        HTTP_HOST=(institution or world.inst_a).primary_host,
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def bookings(world, facility) -> int:
    with schema_context(world.inst_a.schema_name):
        return Reservation.objects.filter(facility=facility).count()


def statements(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def test_refused_api_booking_is_one_read_after_auth(world, hall):
    client = api_client(world, world.resident)
    client.get("/api/v1/me/")  # the token's use is noted (once a minute): not counted below
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            URL, body(hall, at(3, 11), at(3, 13)), content_type="application/json"
        )
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "conflict",
            "message": "선택한 시간에 이미 다른 예약이 있습니다. 다른 시간을 선택해 주세요.",
            "fields": {},
        }
    }
    # the token and its person; the facility and the taken slot (in the test settings the
    # host lookup and the rate-limit counters live in the in-process cache; the opening's
    # room is read at most once a second per process: facility_booking/waiting_room.py)
    sql = [s for s in statements(captured) if "facility_booking_waitingroom" not in s]
    assert len(sql) == 2, sql
    assert 'FROM "api_apitoken" t JOIN "accounts_user" u' in sql[0]
    assert "EXISTS (SELECT 1 FROM" in sql[1]
    assert not [s for s in sql if re.search(r"advisory|SAVEPOINT|BEGIN|INSERT|UPDATE", s)]
    assert bookings(world, hall) == 1


def test_refused_form_booking_takes_no_lock_and_keeps_the_page(world, hall, on_host):
    page = on_host(world.inst_a, world.resident)
    url = f"/facilities/{hall.pk}/apply/"
    form = {
        "date": future_day(3).isoformat(),
        "start_time": "11:00",
        "end_time": "12:00",
        "purpose": "러시 양식",
        "headcount": "5",
        "contact_phone": "010-2222-3333",
        "consent_booking_required": "on",
        "action": "submit",
    }
    page.post(url, form)  # first visit: sign-in bookkeeping, caches
    with CaptureQueriesContext(connection) as captured:
        response = page.post(url, form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "이미 다른 예약이 있습니다" in html and 'value="러시 양식"' in html
    sql = [s for s in statements(captured) if "facility_booking_waitingroom" not in s]
    assert len(sql) <= 13, sql  # 23 before: no default day, no rules, no locks
    assert not [s for s in sql if re.search(r"advisory|SAVEPOINT|INSERT|UPDATE", s)]
    assert bookings(world, hall) == 1


@pytest.mark.parametrize(
    ("start", "end", "taken"),
    [
        ((3, 8), (3, 9), False),  # its own 30-minute buffer ends before the booking
        ((3, 9), (3, 10), True),  # its own buffer reaches into the booking
        ((3, 12), (3, 13), True),  # the booking's 30-minute buffer
        ((3, 13), (3, 14), False),  # after the buffer
        ((3, 8), (3, 11), True),  # overlaps its start
        ((4, 10), (4, 12), False),  # another day
    ],
)
def test_the_one_read_agrees_with_the_services_overlap_check(world, hall, start, end, taken):
    with schema_context(world.inst_a.schema_name):
        s, e = at(*start), at(*end)
        read, read_taken = selectors.facility_for_booking(
            world.resident, world.inst_a, hall.pk, start=s, end=e
        )
        assert read_taken is taken
        assert services.slot_taken(hall, s, e) is taken
        assert read == hall and read.buffer_minutes == 30
        # every column as the ORM reads it (converters included)
        orm = Facility.objects.select_related("fair_rules").get(pk=hall.pk)
        for field in Facility._meta.concrete_fields:
            assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
        if not taken:  # a request going on gets the hours, as facility_for_user gives them
            assert "hours" in read._prefetched_objects_cache


def test_a_cancelled_booking_frees_the_slot_and_a_paid_one_holds_it(world, hall):
    def read():
        return selectors.facility_for_booking(
            world.resident, world.inst_a, hall.pk, start=at(3, 10), end=at(3, 12)
        )[1]

    with schema_context(world.inst_a.schema_name):
        Reservation.objects.filter(facility=hall).update(status=Status.CANCELLED)
        assert read() is False and services.slot_taken(hall, at(3, 10), at(3, 12)) is False
        Reservation.objects.filter(facility=hall).update(status=Status.PAID)
        assert read() is True and services.slot_taken(hall, at(3, 10), at(3, 12)) is True


def test_a_free_slot_still_books_and_rules_still_refuse(world, hall):
    client = api_client(world, world.resident)
    booked = client.post(URL, body(hall, at(3, 14), at(3, 15)), content_type="application/json")
    assert booked.status_code == 201
    # a rule the taken-slot read does not decide: still the service's 400 on the field
    early = client.post(URL, body(hall, at(3, 5), at(3, 6)), content_type="application/json")
    assert early.status_code == 400 and early.json()["error"]["code"] == "invalid"
    assert bookings(world, hall) == 2


def test_refusals_before_the_read_are_unchanged(world, hall, on_host, settings):
    taken = body(hall, at(3, 10), at(3, 12))
    # no credentials: 401 in the error shape; a bad token: 401
    anonymous = Client(HTTP_HOST=world.inst_a.primary_host)
    assert anonymous.post(URL, taken, content_type="application/json").status_code == 401
    bad = Client(HTTP_HOST=world.inst_a.primary_host, HTTP_AUTHORIZATION="Bearer acs_x_y")
    assert bad.post(URL, taken, content_type="application/json").status_code == 401
    # another institution's host: its facility ids are not this one's → 404
    other = api_client(world, world.resident, institution=world.inst_b)
    response = other.post(URL, taken, content_type="application/json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    # a token scoped to institution B is refused on A's host
    scoped = token_create(user=world.resident, name="B 전용", institution=world.inst_b)[1]
    assert token_lookup(scoped).institution_id == world.inst_b.pk
    refused = Client(
        HTTP_HOST=world.inst_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {scoped}"
    ).post(URL, taken, content_type="application/json")
    assert refused.status_code == 403 and world.inst_b.name in refused.json()["error"]["message"]
    # the form without its CSRF token: 403, nothing read or stored
    csrf = Client(HTTP_HOST=world.inst_a.primary_host, enforce_csrf_checks=True)
    csrf.force_login(world.resident)
    assert csrf.post(f"/facilities/{hall.pk}/apply/", {"action": "submit"}).status_code == 403
    assert bookings(world, hall) == 1


def test_refused_requests_still_spend_the_rate_limit(world, hall, settings):
    current = dict(settings.REST_FRAMEWORK)
    current["DEFAULT_THROTTLE_RATES"] = {**current["DEFAULT_THROTTLE_RATES"], "booking": "2/hour"}
    settings.REST_FRAMEWORK = current
    client = api_client(world, world.resident)
    taken = body(hall, at(3, 10), at(3, 12))
    for _ in range(2):
        assert client.post(URL, taken, content_type="application/json").status_code == 409
    spent = client.post(URL, taken, content_type="application/json")
    assert spent.status_code == 429 and spent.json()["error"]["code"] == "throttled"
    assert int(spent["Retry-After"]) >= 1


def test_revoked_expired_and_inactive_tokens_are_refused(world, hall):
    raw = token_create(user=world.resident, name="폐기 예정")[1]
    row = token_lookup(raw)
    assert row.user == world.resident and row.user.email == world.resident.email
    orm = ApiToken.objects.select_related("user").get(pk=row.pk)
    for model, read, stored in ((ApiToken, row, orm), (type(orm.user), row.user, orm.user)):
        for field in model._meta.concrete_fields:
            assert getattr(read, field.attname) == getattr(stored, field.attname), field.name
    assert token_lookup(raw[:-1] + ("x" if raw[-1] != "x" else "y")) is None  # wrong secret
    services_revoke = __import__("api.tokens", fromlist=["token_revoke"]).token_revoke
    services_revoke(user=world.resident, token=row)
    assert token_lookup(raw) is None
    client = Client(HTTP_HOST=world.inst_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(URL, body(hall, at(3, 10), at(3, 12)), content_type="application/json")
    assert response.status_code == 401
    other = token_create(user=world.resident2, name="비활성")[1]
    world.resident2.is_active = False
    world.resident2.save(update_fields=["is_active"])
    assert token_lookup(other) is None


def test_the_waiting_room_answers_before_the_taken_slot(world, hall):
    """With the opening's room running, a person without a ticket hears "queue first"
    (403) even for a taken slot: admission is checked before the slot's refusal."""
    from facility_booking import waiting_room as wr
    from tests.facility_booking.test_waiting_room import make_room

    wr._memo.clear()
    try:
        make_room(world, hall, opens_in=-1)
        client = api_client(world, world.resident)
        refused = client.post(
            URL, body(hall, at(3, 10), at(3, 12)), content_type="application/json"
        )
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "admission_required"
    finally:
        wr._memo.clear()
    assert bookings(world, hall) == 1
