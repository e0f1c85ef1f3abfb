"""Program applications are rate-limited per account and per IP address at the booking
rates (suite/ratelimit.py), a budget of their own: over it the page keeps what was typed,
says in Korean how long to wait (429, Retry-After) and stores nothing."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from api.throttling import throttle_cache
from programs.models import Application
from suite import ratelimit
from tests.facility_booking.conftest import at, make_facility
from tests.programs.conftest import make_program

CONSENT = {"consent_program_required": "on"}


@pytest.fixture
def rates(settings):
    def set_rates(account="100/min", ip="100/min"):
        current = dict(settings.REST_FRAMEWORK)
        current["DEFAULT_THROTTLE_RATES"] = {
            **current["DEFAULT_THROTTLE_RATES"],
            "booking": account,
            "booking_ip": ip,
        }
        settings.REST_FRAMEWORK = current
        throttle_cache().clear()

    yield set_rates
    throttle_cache().clear()


@pytest.fixture
def programs(world):
    with schema_context(world.inst_a.schema_name):
        return (
            make_program(title="시민 합창단", audience="all", capacity=5),
            make_program(title="어르신 탁구", age_min=65, capacity=5),
        )


def client(world, user, ip="198.51.100.40"):
    c = Client(HTTP_HOST=world.inst_a.primary_host, REMOTE_ADDR=ip)
    c.force_login(user)
    return c


def applications(world, user):
    with schema_context(world.inst_a.schema_name):
        return Application.objects.filter(applicant_id=user.pk).count()


def assert_refused(response, typed=""):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    # The wait in words is the one in Retry-After ("N분", or "N초" near the window's end).
    wait = ratelimit.Refusal("booking", int(response["Retry-After"]))
    assert ratelimit.form_message(wait) in html
    assert typed in html


def test_per_account_limit_refuses_with_the_wait_and_stores_nothing(world, programs, rates):
    rates(account="1/hour")
    choir, table_tennis = programs
    resident = client(world, world.resident)
    too_young = resident.post(
        f"/programs/{table_tennis.pk}/apply/", {"birth_date": "2000-01-01", **CONSENT}
    )
    assert too_young.status_code == 400  # a refused application still counts
    refused = resident.post(
        f"/programs/{table_tennis.pk}/apply/", {"birth_date": "1950-03-04", **CONSENT}
    )
    assert_refused(refused, 'value="1950-03-04"')
    assert resident.post(f"/programs/{choir.pk}/apply/", CONSENT).status_code == 429
    assert applications(world, world.resident) == 0
    # Pages are not counted; another account has its own budget.
    assert resident.get(f"/programs/{choir.pk}/").status_code == 200
    assert (
        client(world, world.resident2).post(f"/programs/{choir.pk}/apply/", CONSENT).status_code
        == 302
    )
    assert applications(world, world.resident2) == 1


def test_per_ip_limit_holds_across_accounts(world, programs, rates):
    rates(account="100/min", ip="1/hour")
    choir, _ = programs
    same_ip = "203.0.113.40"
    assert (
        client(world, world.resident, ip=same_ip)
        .post(f"/programs/{choir.pk}/apply/", CONSENT)
        .status_code
        == 302
    )
    assert_refused(
        client(world, world.resident2, ip=same_ip).post(f"/programs/{choir.pk}/apply/", CONSENT)
    )
    assert applications(world, world.resident2) == 0
    other = client(world, world.resident2, ip="203.0.113.41")
    assert other.post(f"/programs/{choir.pk}/apply/", CONSENT).status_code == 302


def test_program_budget_is_apart_from_booking(world, programs, rates):
    rates(account="1/hour")
    choir, _ = programs
    resident = client(world, world.resident)
    assert resident.post(f"/programs/{choir.pk}/apply/", CONSENT).status_code == 302
    with schema_context(world.inst_a.schema_name):
        hall = make_facility(name="프로그램 제한 시험 강당", base_fee=0)
    booked = resident.post(
        "/api/v1/reservations/",
        {
            "facility": hall.pk,
            "start": at(3, 8).isoformat(),
            "end": at(3, 9).isoformat(),
            "purpose": "연습",
            "headcount": 5,
            "contact_phone": "010-1234-5678",
        },
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.json()
