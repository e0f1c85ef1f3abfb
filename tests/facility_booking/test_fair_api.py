"""Fair-booking API (/api/v1/): rounds are public (another institution's id → 404);
applying, the waitlist, series and one's restrictions need a log-in (401); someone
else's entry or series → 404; bad input → one error shape (400) with nothing stored;
a state that forbids the action → 409."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking import services as fb
from facility_booking.models import (
    FacilityRules,
    LotteryApplication,
    RecurringSeries,
    Sanction,
    WaitlistEntry,
)
from facility_booking.services import lottery
from tests.facility_booking.conftest import at, make_facility, request_kwargs

pytestmark = pytest.mark.django_db
API = "/api/v1"


def next_weekday(weekday: int, weeks_ahead: int = 1) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


@pytest.fixture
def fair(world):
    with connection.cursor() as cursor:
        for table in ("lotteryround", "recurringseries", "waitlistentry"):
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), 7000000)",
                [f"inst_testb.facility_booking_{table}"],
            )
    now = timezone.now()
    with schema_context(world.inst_b.schema_name):
        b_facility = make_facility(name="B 구장")
        b_round = lottery.round_create(
            actor=world.manager_b,
            facility=b_facility,
            title="B 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(10, 8), at(10, 10))],
        )
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="API 구장")
        FacilityRules.objects.create(facility=facility, series_enabled=True)
        round = lottery.round_create(
            actor=world.manager_a,
            facility=facility,
            title="API 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(10, 8 + 2 * i), at(10, 10 + 2 * i)) for i in range(3)],
            max_choices=2,
        )
        taken = fb.reservation_request(
            **request_kwargs(facility, world.resident2, start=at(5, 10), end=at(5, 12))
        )
        slots = list(round.slots.order_by("start").values_list("pk", flat=True))
    return {
        "facility": facility,
        "round": round,
        "slots": slots,
        "taken": taken,
        "b_round": b_round,
    }


def count(world, model):
    with schema_context(world.inst_a.schema_name):
        return model.objects.count()


def test_rounds_are_public_with_the_commitment_only(world, fair, on_host):
    client = on_host(world.inst_a)
    listing = client.get(f"{API}/lottery/rounds/")
    assert listing.status_code == 200
    titles = [r["title"] for r in listing.json()["results"]]
    assert "API 추첨" in titles and "B 추첨" not in titles
    detail = client.get(f"{API}/lottery/rounds/{fair['round'].pk}/").json()
    assert detail["seed_commitment"] == fair["round"].seed_commitment
    assert detail["seed_secret"] == "" and len(detail["slots"]) == 3
    missing = client.get(f"{API}/lottery/rounds/{fair['b_round'].pk}/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_apply_needs_a_login_and_bad_input_stores_nothing(world, fair, on_host):
    url = f"{API}/lottery/rounds/{fair['round'].pk}/apply/"
    body = {
        "choices": fair["slots"][:2],
        "purpose": "조기축구",
        "contact_phone": "010-1234-5678",
        "headcount": 11,
    }
    assert on_host(world.inst_a).post(url, body, content_type="application/json").status_code == 401
    client = on_host(world.inst_a, world.resident)
    too_many = client.post(url, {**body, "choices": fair["slots"]}, content_type="application/json")
    assert too_many.status_code == 400
    assert too_many.json()["error"]["fields"]
    unknown = client.post(url, {**body, "choices": [99999999]}, content_type="application/json")
    assert unknown.status_code == 400
    blank = client.post(url, {**body, "purpose": ""}, content_type="application/json")
    assert blank.status_code == 400 and "purpose" in blank.json()["error"]["fields"]
    other = on_host(world.inst_a, world.resident).post(
        f"{API}/lottery/rounds/{fair['b_round'].pk}/apply/", body, content_type="application/json"
    )
    assert other.status_code == 404
    assert count(world, LotteryApplication) == 0
    ok = client.post(url, body, content_type="application/json")
    assert ok.status_code == 201, ok.json()
    data = ok.json()
    assert [c["slot"] for c in data["choices"]] == fair["slots"][:2]
    assert client.get(f"{API}/lottery/applications/").json()["results"][0]["id"] == data["id"]
    withdrawn = client.post(f"{API}/lottery/rounds/{fair['round'].pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = client.post(f"{API}/lottery/rounds/{fair['round'].pk}/withdraw/")
    assert again.status_code == 404


def test_waitlist_join_position_and_isolation(world, fair, on_host):
    url = f"{API}/waitlist/"
    body = {
        "facility": fair["facility"].pk,
        "start": at(5, 10).isoformat(),
        "end": at(5, 12).isoformat(),
        "purpose": "배드민턴",
        "contact_phone": "010-9999-8888",
        "headcount": 4,
    }
    assert on_host(world.inst_a).post(url, body, content_type="application/json").status_code == 401
    client = on_host(world.inst_a, world.resident)
    free = client.post(
        url,
        {**body, "start": at(5, 14).isoformat(), "end": at(5, 16).isoformat()},
        content_type="application/json",
    )
    assert free.status_code == 400 and free.json()["error"]["message"]
    backwards = client.post(
        url, {**body, "end": at(5, 9).isoformat()}, content_type="application/json"
    )
    assert backwards.status_code == 400
    assert count(world, WaitlistEntry) == 0
    joined = client.post(url, body, content_type="application/json")
    assert joined.status_code == 201, joined.json()
    assert joined.json()["position"] == 1
    second = on_host(world.inst_a, world.admin_a).post(url, body, content_type="application/json")
    assert second.status_code == 201 and second.json()["position"] == 2
    entry_id = joined.json()["id"]
    stranger = on_host(world.inst_a, world.admin_a)
    assert stranger.post(f"{API}/waitlist/{entry_id}/cancel/").status_code == 404
    assert client.post(f"{API}/waitlist/{entry_id}/cancel/").json()["status"] == "cancelled"
    assert client.post(f"{API}/waitlist/{entry_id}/cancel/").status_code == 409


def test_series_apply_every_date_and_cancel(world, fair, on_host):
    first = next_weekday(1)
    body = {
        "facility": fair["facility"].pk,
        "weekday": 1,
        "start_time": "19:00",
        "end_time": "21:00",
        "first_date": first.isoformat(),
        "last_date": (first + dt.timedelta(days=21)).isoformat(),
        "organisation": "가나 클럽",
        "purpose": "정기 연습",
        "contact_phone": "010-3333-4444",
        "headcount": 10,
    }
    url = f"{API}/series/"
    assert on_host(world.inst_a).post(url, body, content_type="application/json").status_code == 401
    client = on_host(world.inst_a, world.resident)
    bad = client.post(url, {**body, "end_time": "18:00"}, content_type="application/json")
    assert bad.status_code == 400 and "end_time" in bad.json()["error"]["fields"]
    far = client.post(url, {**body, "last_date": "9999-12-31"}, content_type="application/json")
    assert far.status_code == 400
    assert count(world, RecurringSeries) == 0
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201, made.json()
    data = made.json()
    assert len(data["dates"]) == 4 and all(d["reservation"] for d in data["dates"])
    other = on_host(world.inst_a, world.resident2)
    assert other.get(f"{API}/series/{data['id']}/").status_code == 404
    wrong_date = client.post(
        f"{API}/series/{data['id']}/cancel/",
        {"dates": [fair["taken"].pk]},
        content_type="application/json",
    )
    assert wrong_date.status_code == 400
    one = data["dates"][0]["reservation"]
    cancelled = client.post(
        f"{API}/series/{data['id']}/cancel/", {"dates": [one]}, content_type="application/json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] == 1
    statuses = {d["reservation"]: d["status"] for d in cancelled.json()["dates"]}
    assert statuses[one] == "cancelled"


def test_standing_lists_my_restrictions(world, fair, on_host):
    assert on_host(world.inst_a).get(f"{API}/standing/").status_code == 401
    with schema_context(world.inst_a.schema_name):
        now = timezone.now()
        Sanction.objects.create(
            applicant=world.resident,
            reason="노쇼 2회",
            starts_at=now,
            ends_at=now + dt.timedelta(days=30),
        )
    rows = on_host(world.inst_a, world.resident).get(f"{API}/standing/").json()["results"]
    assert rows[0]["reason"] == "노쇼 2회" and rows[0]["active"] is True
    assert on_host(world.inst_a, world.resident2).get(f"{API}/standing/").json()["results"] == []
