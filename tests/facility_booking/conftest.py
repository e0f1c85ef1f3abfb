"""Helpers for facility booking tests: a facility open every day 06:00–22:00,
times relative to a fixed 'now', and inst_b ids far from inst_a's so an id of
inst_b requested on inst_a's host can never hit an existing row by chance."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking.models import Discount, Facility, OpeningHours, RefundTier

_bumped = set()


def local_dt(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def future_day(days: int = 3) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """Local time ``days`` from today at hour:minute."""
    return local_dt(future_day(days), hour, minute)


def make_facility(**overrides) -> Facility:
    """A public, paid, approval-required facility open 06:00–22:00 every day."""
    values = {
        "name": "테스트 회의실",
        "kind": "meeting_room",
        "capacity": 20,
        "slot_minutes": 60,
        "min_minutes": 60,
        "max_minutes": 240,
        "window_open_days": 30,
        "window_close_hours": 24,
        "max_active_per_person": 3,
        "approval_required": True,
        "base_fee": 10000,
        "closes_on_holidays": False,
        "payment_days": 2,
    }
    values.update(overrides)
    facility = Facility.objects.create(**values)
    for weekday in range(7):
        OpeningHours.objects.create(
            facility=facility, weekday=weekday, opens=dt.time(6), closes=dt.time(22)
        )
    return facility


def add_discounts(facility, **percents):
    for category, percent in percents.items():
        Discount.objects.create(facility=facility, category=category, percent=percent)


def add_refund_tiers(facility, tiers=((7, 100), (3, 90), (1, 70), (0, 0))):
    for days, percent in tiers:
        RefundTier.objects.create(facility=facility, min_days_before=days, percent=percent)


def request_kwargs(facility, actor, **overrides):
    values = {
        "actor": actor,
        "facility": facility,
        "start": at(3, 10),
        "end": at(3, 12),
        "purpose": "주민 동아리 정기 모임",
        "headcount": 10,
        "contact_phone": "010-1234-5678",
    }
    values.update(overrides)
    return values


@pytest.fixture
def schema_a(world):
    with schema_context(world.inst_a.schema_name):
        yield world.inst_a
    connection.set_schema_to_public()


@pytest.fixture
def schema_b(world):
    with schema_context(world.inst_b.schema_name):
        yield world.inst_b
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _inst_b_ids_far_away(django_db_setup, django_db_blocker):
    """Sequences are not transactional: bump inst_b's once per test database."""
    if "done" in _bumped:
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in ("facility", "reservation", "closeddate", "facilityphoto"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('inst_testb.facility_booking_{table}', 'id'), 5000000)"
            )
    _bumped.add("done")


@pytest.fixture
def outbox(db):
    """Run the on-commit callbacks queued so far (the test's transaction never
    commits) and return the sent e-mails."""
    start = len(connection.run_on_commit)
    done = set()

    def flush():
        for index, (_sids, callback, _robust) in enumerate(connection.run_on_commit):
            if index >= start and index not in done:
                done.add(index)
                callback()
        return mail.outbox

    return flush


@pytest.fixture(autouse=True)
def _residents_declare_birth_date_and_address(request):
    """The test residents declared a birth date (65+) and an address, so the age and
    residency 감면 the tests claim are allowed (tests of those rules change them)."""
    if "world" not in request.fixturenames:
        return
    world = request.getfixturevalue("world")
    for person in (world.resident, world.resident2):
        person.birth_date = dt.date(1950, 5, 1)
        person.address = "가나시 중앙로 1"
        person.save(update_fields=["birth_date", "address"])
