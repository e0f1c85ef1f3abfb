"""Fairness rules hold under concurrency: one person firing many requests at once from
separate database connections never ends above the weekly limit (counted across every
facility of the institution) or with two weekend slots on one day; the others get the
Korean rule message. Many people applying to one lottery while it is drawn: every
application is either in the draw or refused, never lost, and no slot is given twice.
Uses committed data (``committed_db``, ≤ 30 threads) and removes everything it created."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from facility_booking import services as fb
from facility_booking.errors import BookingError
from facility_booking.models import (
    Facility,
    FacilityRules,
    LotteryApplication,
    LotteryRound,
    Reservation,
)
from facility_booking.services import lottery
from institution.models import AuditEvent
from portal.models import PortalEntry
from tenants.models import Institution
from tests.facility_booking.conftest import local_dt, make_facility

THREADS = 12


def next_weekday(weekday: int, weeks_ahead: int = 1) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


@pytest.fixture
def arena(committed_db):
    institution = Institution.objects.get(slug="testa")
    run = uuid.uuid4().hex[:8]
    people = [
        User.objects.create_user(
            email=f"fair{i}.{run}@test.kr", password="x-pass-1234", name=f"공정{i}"
        )
        for i in range(THREADS)
    ]
    manager = User.objects.get(email="manager.a@test.kr")
    with schema_context(institution.schema_name):
        facilities = [
            make_facility(name=f"공정 구장 {run} {n}", max_active_per_person=50, slot_minutes=60)
            for n in range(2)
        ]
        for facility in facilities:
            FacilityRules.objects.create(
                facility=facility, scope="institution", week_limit=2, weekend_daily_limit=True
            )
    try:
        yield institution, facilities, people, manager
    finally:
        with schema_context(institution.schema_name):
            ids = [f.pk for f in facilities]
            LotteryRound.objects.filter(facility_id__in=ids).delete()
            Reservation.objects.filter(facility_id__in=ids).delete()
            AuditEvent.objects.filter(actor_id__in=[p.pk for p in people]).delete()
            Facility.objects.filter(pk__in=ids).delete()
            PortalEntry.objects.filter(owner__in=people).delete()
            User.objects.filter(pk__in=[p.pk for p in people]).delete()
        connection.set_schema_to_public()


def race(institution, count, call):
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index):
        try:
            with schema_context(institution.schema_name):
                barrier.wait(timeout=30)
                results[index] = call(index)
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_one_person_many_requests_never_exceed_the_weekly_limit(arena):
    institution, facilities, people, _ = arena
    person = people[0]
    monday = next_weekday(0, weeks_ahead=1)

    def call(i):
        day = monday + dt.timedelta(days=i % 5)  # weekdays only: the weekend rule aside
        start = local_dt(day, 8 + i)
        return fb.reservation_request(
            actor=person,
            facility=facilities[i % 2],
            start=start,
            end=start + dt.timedelta(hours=1),
            purpose="주중 연습",
            headcount=5,
            contact_phone="010-1234-5678",
            institution=institution,
        )

    results = race(institution, THREADS, call)
    booked = [r for r in results if isinstance(r, Reservation)]
    refused = [r for r in results if isinstance(r, BookingError)]
    assert len(booked) == 2, results
    assert len(refused) == THREADS - 2, results
    assert all(r.booking_code == "week_limit" for r in refused)
    assert "주" in refused[0].messages[0]
    with schema_context(institution.schema_name):
        assert (
            Reservation.objects.filter(
                applicant=person, facility__in=facilities, status="requested"
            ).count()
            == 2
        )


def test_one_weekend_slot_per_day_under_concurrency(arena):
    institution, facilities, people, _ = arena
    person = people[1]
    saturday = next_weekday(5, weeks_ahead=2)

    def call(i):
        start = local_dt(saturday, 8 + i)
        return fb.reservation_request(
            actor=person,
            facility=facilities[i % 2],
            start=start,
            end=start + dt.timedelta(hours=1),
            purpose="주말 경기",
            headcount=5,
            contact_phone="010-1234-5678",
            institution=institution,
        )

    results = race(institution, 10, call)
    booked = [r for r in results if isinstance(r, Reservation)]
    refused = [r for r in results if isinstance(r, BookingError)]
    assert len(booked) == 1, results
    assert {r.booking_code for r in refused} == {"weekend_daily"}
    assert "주말에는 1인당 하루 한 건만" in refused[0].messages[0]


def test_applications_racing_the_draw_are_drawn_or_refused_never_lost(arena):
    institution, facilities, people, manager = arena
    facility = facilities[0]
    now = timezone.now()
    with schema_context(institution.schema_name):
        saturday = next_weekday(5, weeks_ahead=3)
        round = lottery.round_create(
            actor=manager,
            facility=facility,
            title="경쟁 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(seconds=3),
            slots=[(local_dt(saturday, h), local_dt(saturday, h + 1)) for h in (8, 9, 10)],
            max_wins=1,
            max_choices=3,
            institution=institution,
        )
        slot_ids = list(round.slots.values_list("pk", flat=True))
    draw_at = round.apply_closes_at

    def call(i):
        if i == 0:
            # The draw, judged at the close, while the applications arrive.
            return lottery.lottery_draw(
                round=round, actor=manager, institution=institution, now=draw_at
            )
        return lottery.lottery_apply(
            actor=people[i],
            round=round,
            choices=slot_ids,
            purpose="경기",
            contact_phone=f"010-0000-{1000 + i}",  # one party each (a shared phone is one)
            headcount=3,
            institution=institution,
            now=draw_at - dt.timedelta(seconds=1) if i % 2 else draw_at,
        )

    results = race(institution, THREADS, call)
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, BookingError)]
    with schema_context(institution.schema_name):
        drawn = LotteryRound.objects.get(pk=round.pk)
        assert drawn.status == "drawn"
        stored = LotteryApplication.objects.filter(round=round)
        in_draw = {a["id"] for a in drawn.inputs["applications"]}
        # Every stored application took part in the draw: none slipped in after it.
        assert in_draw == set(stored.values_list("pk", flat=True))
        assert not stored.filter(status="applied").exists()
        winners = Reservation.objects.filter(facility=facility, status="approved")
        assert winners.count() == min(3, stored.count())
        assert len({(r.start, r.end) for r in winners}) == winners.count()
        assert len({r.applicant_id for r in winners}) == winners.count()
