"""The fair-booking writes — lottery apply, waitlist join, a series' date check and
application — draw from the booking budgets per account and per IP address, shared with
the booking form and the booking API (suite/ratelimit.py). Over a limit: the API answers
429 in the one error shape with Retry-After; a page shows the form as typed with the
Korean wait above it (429, Retry-After). Nothing is stored by a refused request; reads
are not counted."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from api.throttling import throttle_cache
from facility_booking import services as fb
from facility_booking.models import (
    FacilityRules,
    LotteryApplication,
    RecurringSeries,
    Reservation,
    WaitlistEntry,
)
from facility_booking.services import lottery
from suite import ratelimit
from tests.facility_booking.conftest import at, make_facility, request_kwargs

pytestmark = pytest.mark.django_db
API = "/api/v1"
# Each kind asks its own consent (privacy/consents.py); a form ignores the others' ticks.
CONSENT = {
    "consent_lottery_required": "on",
    "consent_waitlist_required": "on",
    "consent_series_required": "on",
}
WAIT = "후에 다시 시도해 주세요"


@pytest.fixture
def rates(settings):
    def set_rates(account="100/min", ip="100/min"):
        current = dict(settings.REST_FRAMEWORK)
        current["DEFAULT_THROTTLE_RATES"] = {
            **current["DEFAULT_THROTTLE_RATES"],
            "booking": account,
            "booking_ip": ip,
            "user": "1000/min",
        }
        settings.REST_FRAMEWORK = current
        throttle_cache().clear()

    yield set_rates
    throttle_cache().clear()


def next_weekday(weekday: int, weeks_ahead: int = 1) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


@pytest.fixture
def fair(world):
    now = timezone.now()
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="제한 시험 구장", base_fee=0, max_active_per_person=10)
        FacilityRules.objects.create(facility=facility, series_enabled=True)
        round = lottery.round_create(
            actor=world.manager_a,
            facility=facility,
            title="제한 시험 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(10, 8 + 2 * i), at(10, 10 + 2 * i)) for i in range(3)],
            max_choices=2,
        )
        fb.reservation_request(
            **request_kwargs(facility, world.resident2, start=at(5, 10), end=at(5, 12))
        )
        slots = list(round.slots.order_by("start").values_list("pk", flat=True))
    return {"facility": facility, "round": round, "slots": slots}


def client(world, user, ip="198.51.100.20"):
    c = Client(HTTP_HOST=world.inst_a.primary_host, REMOTE_ADDR=ip)
    c.force_login(user)
    return c


def count(world, model, **filters):
    with schema_context(world.inst_a.schema_name):
        return model.objects.filter(**filters).count()


def assert_api_refused(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    error = response.json()["error"]
    assert error["code"] == "throttled" and WAIT in error["message"]


def assert_page_refused(response, typed: str):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    # The wait in words is the one in Retry-After ("N분", or "N초" near the window's end).
    wait = ratelimit.Refusal("booking", int(response["Retry-After"]))
    assert ratelimit.form_message(wait) in html
    assert typed in html  # what was typed is kept


def lottery_body(fair, choices):
    return {
        "choices": choices,
        "purpose": "조기축구",
        "contact_phone": "010-1234-5678",
        "headcount": 11,
    }


def waitlist_body(fair):
    return {
        "facility": fair["facility"].pk,
        "start": at(5, 10).isoformat(),
        "end": at(5, 12).isoformat(),
        "purpose": "배드민턴",
        "contact_phone": "010-9999-8888",
        "headcount": 4,
    }


def series_body(fair):
    first = next_weekday(1)
    return {
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


def series_form(**extra):
    first = next_weekday(1)
    return {
        "organisation": "가나 배드민턴 클럽",
        "weekday": "1",
        "start_time": "19:00",
        "end_time": "21:00",
        "first_date": first.isoformat(),
        "last_date": (first + dt.timedelta(days=21)).isoformat(),
        "purpose": "정기 연습",
        "headcount": "12",
        "contact_phone": "010-3333-4444",
        **CONSENT,
        **extra,
    }


# -- API ------------------------------------------------------------------------------------


def test_api_lottery_apply_over_the_account_limit(world, fair, rates):
    rates(account="1/hour")
    resident = client(world, world.resident)
    url = f"{API}/lottery/rounds/{fair['round'].pk}/apply/"
    first = resident.post(
        url, lottery_body(fair, fair["slots"][:1]), content_type="application/json"
    )
    assert first.status_code == 201, first.json()
    changed = resident.post(
        url, lottery_body(fair, fair["slots"][1:3]), content_type="application/json"
    )
    assert_api_refused(changed)
    with schema_context(world.inst_a.schema_name):
        application = LotteryApplication.objects.get(applicant=world.resident)
        assert [c.slot_id for c in application.choices.all()] == fair["slots"][:1]
    # Reads are not writes; another account has its own budget.
    assert resident.get(f"{API}/lottery/applications/").status_code == 200
    other = client(world, world.resident2)
    assert (
        other.post(
            url, lottery_body(fair, fair["slots"][:1]), content_type="application/json"
        ).status_code
        == 201
    )


def test_api_waitlist_join_shares_the_budget_with_booking(world, fair, rates):
    rates(account="1/hour")
    resident = client(world, world.resident)
    booked = resident.post(
        f"{API}/reservations/",
        {
            "facility": fair["facility"].pk,
            "start": at(3, 8).isoformat(),
            "end": at(3, 9).isoformat(),
            "purpose": "연습",
            "headcount": 5,
            "contact_phone": "010-1234-5678",
        },
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.json()
    refused = resident.post(
        f"{API}/waitlist/", waitlist_body(fair), content_type="application/json"
    )
    assert_api_refused(refused)
    assert count(world, WaitlistEntry) == 0
    assert resident.get(f"{API}/waitlist/").status_code == 200


def test_api_series_apply_over_the_ip_limit(world, fair, rates):
    rates(account="100/min", ip="1/hour")
    same_ip = "203.0.113.30"
    spent = client(world, world.resident, ip=same_ip).post(
        f"{API}/waitlist/", {**waitlist_body(fair), "purpose": ""}, content_type="application/json"
    )
    assert spent.status_code == 400  # a refused application still counts
    refused = client(world, world.resident2, ip=same_ip).post(
        f"{API}/series/", series_body(fair), content_type="application/json"
    )
    assert_api_refused(refused)
    assert count(world, RecurringSeries) == 0
    elsewhere = client(world, world.resident2, ip="203.0.113.31").post(
        f"{API}/series/", series_body(fair), content_type="application/json"
    )
    assert elsewhere.status_code == 201, elsewhere.json()


# -- pages ----------------------------------------------------------------------------------


def test_lottery_form_over_the_limit_keeps_what_was_typed(world, fair, rates):
    rates(account="1/hour")
    resident = client(world, world.resident)
    assert (
        resident.post(
            f"{API}/lottery/rounds/{fair['round'].pk}/apply/",
            lottery_body(fair, fair["slots"][:1]),
            content_type="application/json",
        ).status_code
        == 201
    )
    url = f"/facilities/lottery/{fair['round'].pk}/apply/"
    refused = resident.post(
        url,
        {
            "choice_1": str(fair["slots"][2]),
            "purpose": "바뀐 목적",
            "headcount": "9",
            "contact_phone": "010-1234-5678",
            **CONSENT,
        },
    )
    assert_page_refused(refused, 'value="바뀐 목적"')
    with schema_context(world.inst_a.schema_name):
        application = LotteryApplication.objects.get(applicant=world.resident)
        assert application.purpose == "조기축구"
        assert [c.slot_id for c in application.choices.all()] == fair["slots"][:1]
    assert resident.get(url).status_code == 200  # showing the form is not counted


def test_waitlist_form_over_the_limit_stores_nothing(world, fair, rates):
    rates(account="1/hour")
    resident = client(world, world.resident)
    url = f"/facilities/{fair['facility'].pk}/waitlist/"
    data = {
        "date": at(5, 0).date().isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "purpose": "배드민턴 대기",
        "headcount": "4",
        "contact_phone": "010-9999-8888",
        **CONSENT,
    }
    assert (
        resident.post(url, {**data, "start_time": "14:00", "end_time": "16:00"}).status_code == 400
    )
    refused = resident.post(url, data)
    assert_page_refused(refused, 'value="배드민턴 대기"')
    assert count(world, WaitlistEntry) == 0


def test_series_check_and_apply_over_the_limit(world, fair, rates):
    rates(account="1/hour")
    resident = client(world, world.resident)
    url = f"/facilities/{fair['facility'].pk}/series/"
    plan = resident.post(url, series_form(action="plan"))
    assert plan.status_code == 200 and "가능" in plan.content.decode()
    submitted = resident.post(url, series_form(action="submit"))
    assert_page_refused(submitted, 'value="가나 배드민턴 클럽"')
    checked = resident.post(url, series_form(action="plan"))
    assert_page_refused(checked, 'value="가나 배드민턴 클럽"')
    assert count(world, RecurringSeries) == 0
    assert count(world, Reservation, facility=fair["facility"], series__isnull=False) == 0
