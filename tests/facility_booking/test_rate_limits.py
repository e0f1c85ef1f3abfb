"""Booking and application writes are rate-limited per account and per IP address, the
booking form and the API drawing from one budget: the API answers 429 in the one error
shape with Retry-After, the form keeps what was typed and says in Korean how long to
wait (429, Retry-After). Nothing is stored by a refused request."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from api.throttling import throttle_cache
from api.tokens import token_create
from facility_booking.models import Reservation
from suite import ratelimit
from tests.facility_booking.conftest import at, future_day, make_facility


@pytest.fixture
def rates(settings):
    def set_rates(account="100/min", ip="100/min", user="1000/min"):
        current = dict(settings.REST_FRAMEWORK)
        current["DEFAULT_THROTTLE_RATES"] = {
            **current["DEFAULT_THROTTLE_RATES"],
            "booking": account,
            "booking_ip": ip,
            "user": user,
        }
        settings.REST_FRAMEWORK = current
        throttle_cache().clear()

    yield set_rates
    throttle_cache().clear()


@pytest.fixture
def hall(world):
    with schema_context(world.inst_a.schema_name):
        return make_facility(name="제한 시험 강당", base_fee=0, max_active_per_person=10)


def api(world, user, ip="198.51.100.7"):
    raw = token_create(user=user, name="제한 시험")[1]
    return Client(
        HTTP_HOST=world.inst_a.primary_host,
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        REMOTE_ADDR=ip,
    )


def body(facility, hour):
    return {
        "facility": facility.pk,
        "start": at(3, hour).isoformat(),
        "end": at(3, hour + 1).isoformat(),
        "purpose": "연습",
        "headcount": 5,
        "contact_phone": "010-1234-5678",
    }


def form(hour):
    return {
        "date": future_day(3).isoformat(),
        "start_time": f"{hour:02d}:00",
        "end_time": f"{hour + 1:02d}:00",
        "purpose": "연습",
        "headcount": "5",
        "contact_phone": "010-2222-3333",
        "consent_booking_required": "on",
        "action": "submit",
    }


def count(world, facility):
    with schema_context(world.inst_a.schema_name):
        return Reservation.objects.filter(facility=facility).count()


def test_api_per_account_limit_answers_429_with_retry_after(world, hall, rates):
    rates(account="2/hour")
    client = api(world, world.resident)
    for hour in (8, 9):
        assert (
            client.post(
                "/api/v1/reservations/", body(hall, hour), content_type="application/json"
            ).status_code
            == 201
        )
    refused = client.post("/api/v1/reservations/", body(hall, 10), content_type="application/json")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    error = refused.json()["error"]
    assert error["code"] == "throttled" and "초 후에 다시 시도해 주세요" in error["message"]
    assert count(world, hall) == 2
    # Reads are not writes: the list still answers.
    assert client.get("/api/v1/reservations/").status_code == 200


def test_form_and_api_share_the_account_budget(world, hall, rates, on_host):
    rates(account="2/hour")
    page = on_host(world.inst_a, world.resident)
    assert page.post(f"/facilities/{hall.pk}/apply/", form(8)).status_code == 302
    assert (
        api(world, world.resident)
        .post("/api/v1/reservations/", body(hall, 9), content_type="application/json")
        .status_code
        == 201
    )
    refused = page.post(f"/facilities/{hall.pk}/apply/", form(10))
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 3600
    html = refused.content.decode()
    assert "신청이 너무 잦습니다." in html and "후에 다시 시도해 주세요" in html  # 분, or 초 at :58
    assert 'value="연습"' in html  # what was typed is kept
    assert count(world, hall) == 2
    # Previews are not submissions: the price can still be checked.
    preview = page.post(f"/facilities/{hall.pk}/apply/", {**form(10), "action": "preview"})
    assert preview.status_code == 200


def test_per_ip_limit_holds_across_accounts(world, hall, rates):
    rates(account="100/min", ip="2/hour")
    same_ip = [api(world, u, ip="203.0.113.9") for u in (world.resident, world.resident2)]
    assert (
        same_ip[0]
        .post("/api/v1/reservations/", body(hall, 8), content_type="application/json")
        .status_code
        == 201
    )
    assert (
        same_ip[1]
        .post("/api/v1/reservations/", body(hall, 9), content_type="application/json")
        .status_code
        == 201
    )
    refused = same_ip[1].post(
        "/api/v1/reservations/", body(hall, 10), content_type="application/json"
    )
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    # Another address still has its budget.
    other = api(world, world.resident2, ip="203.0.113.10")
    assert (
        other.post(
            "/api/v1/reservations/", body(hall, 11), content_type="application/json"
        ).status_code
        == 201
    )
    assert count(world, hall) == 3


def test_forged_forwarded_for_buys_no_fresh_budget(world, hall, rates):
    rates(account="100/min", ip="1/hour")
    first = api(world, world.resident, ip="203.0.113.20")
    assert (
        first.post(
            "/api/v1/reservations/", body(hall, 8), content_type="application/json"
        ).status_code
        == 201
    )
    forged = first.post(
        "/api/v1/reservations/",
        body(hall, 9),
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="192.0.2.55",
    )
    assert forged.status_code == 429


def test_waiting_room_join_is_limited_too(world, hall, rates):
    import datetime as dt

    from django.utils import timezone

    from facility_booking import waiting_room as wr

    rates(account="1/hour")
    with schema_context(world.inst_a.schema_name):
        wr.waiting_room_configure(
            actor=world.admin_a,
            institution=world.inst_a,
            facility=hall,
            enabled=True,
            opens_at=timezone.now() + dt.timedelta(minutes=5),
            closes_at=timezone.now() + dt.timedelta(hours=1),
            queue_minutes=30,
            admit_per_minute=60,
            ticket_minutes=5,
            use_from=future_day(3),
            use_to=future_day(3),
        )
    wr._memo.clear()
    try:
        client = api(world, world.resident)
        assert client.post(f"/api/v1/facilities/{hall.pk}/queue/").status_code == 201
        again = client.post(f"/api/v1/facilities/{hall.pk}/queue/")
        assert again.status_code == 429 and "Retry-After" in again
    finally:
        wr._memo.clear()


def test_parse_rate():
    assert ratelimit.parse_rate("60/min") == (60, 60)
    assert ratelimit.parse_rate("5/s") == (5, 1)
    assert ratelimit.parse_rate("") is None


@pytest.fixture
def database_counters(settings):
    """The throttle cache in PostgreSQL (as CACHE_URL=db:// runs it): the security cache's
    table, which the test database has."""
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "suite_security_cache",
            "KEY_PREFIX": "throttle",
        },
    }


def test_database_cache_counts_every_bucket_in_one_statement(world, rates, database_counters, rf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rates(account="3/hour", ip="5/hour")
    request = rf.post("/", REMOTE_ADDR="192.0.2.77")
    request.user = world.resident
    with CaptureQueriesContext(connection) as queries:
        assert ratelimit.check(request) is None
    assert len(queries) == 1 and "ON CONFLICT" in queries[0]["sql"]
    assert ratelimit.check(request) is None
    assert ratelimit.check(request) is None
    refused = ratelimit.check(request)
    assert refused is not None and refused.scope == "booking" and refused.wait >= 1
    # Another person from the same address: the address has 1 left of 5.
    other = rf.post("/", REMOTE_ADDR="192.0.2.77")
    other.user = world.resident2
    assert ratelimit.check(other) is None
    spent = ratelimit.check(other)
    assert spent is not None and spent.scope == "booking_ip"


def test_database_cache_limits_the_api(world, hall, rates, database_counters):
    rates(account="1/hour")
    client = api(world, world.resident, ip="198.51.100.99")
    assert (
        client.post(
            "/api/v1/reservations/", body(hall, 8), content_type="application/json"
        ).status_code
        == 201
    )
    refused = client.post("/api/v1/reservations/", body(hall, 9), content_type="application/json")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"


def test_waiting_room_polls_are_limited_per_account(world, hall, rates):
    """Asking where you stand counts against the API's per-person rate (one statement)."""
    rates(user="2/hour")
    client = api(world, world.resident)
    url = f"/api/v1/facilities/{hall.pk}/queue/"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) >= 1
