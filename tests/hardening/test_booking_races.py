"""Partly overlapping booking requests for one facility, sent at once from many
connections, end as bookings that never overlap and clear 409s in the error shape —
never a 500 (PostgreSQL used to break the exclusion check's lock cycles with
DeadlockDetected). Committed data (``committed_db``), removed at the end."""

import threading
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import User
from facility_booking.models import Facility, Reservation
from portal.models import PortalEntry
from tenants.models import Institution
from tests.facility_booking.conftest import at, make_facility

THREADS = 24
ROUNDS = 3


@pytest.fixture
def crowd(committed_db):
    institution = Institution.objects.get(slug="testa")
    run = uuid.uuid4().hex[:8]
    users = [
        User.objects.create_user(
            email=f"overlap{i}.{run}@test.kr",
            password="x-pass-1234",
            name=f"겹침{i}",
            phone="010-0000-0000",
        )
        for i in range(THREADS)
    ]
    with schema_context(institution.schema_name):
        facility = make_facility(
            name="겹침 경쟁 구장", max_active_per_person=10, buffer_minutes=30, max_minutes=600
        )
    sessions = []
    try:
        yield institution, facility, users, sessions
    finally:
        connection.set_schema_to_public()
        with schema_context(institution.schema_name):
            Reservation.objects.filter(facility=facility).delete()
            Facility.objects.filter(pk=facility.pk).delete()
            PortalEntry.objects.filter(owner__in=users).delete()
            User.objects.filter(pk__in=[u.pk for u in users]).delete()
        Session.objects.filter(session_key__in=sessions).delete()
        connection.set_schema_to_public()


def _fire(institution, users, sessions, payload_for):
    clients = []
    for user in users:
        client = Client(HTTP_HOST=institution.primary_host, raise_request_exception=False)
        client.force_login(user)
        sessions.append(client.session.session_key)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def worker(index):
        try:
            barrier.wait(timeout=30)
            response = clients[index].post(
                "/api/v1/reservations/", payload_for(index), content_type="application/json"
            )
            results[index] = (response.status_code, response.json())
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_partly_overlapping_requests_answer_201_or_409_never_500(crowd):
    institution, facility, users, sessions = crowd
    all_codes = []
    for round_ in range(ROUNDS):
        day = 3 + round_

        def payload(index, day=day):
            # Starts every hour from 08:00, lengths of 1–3 hours: each range overlaps several
            # others partly (the 30-minute buffer widens every hold).
            start = at(day, 8 + index % 10)
            hours = 1 + index % 3
            return {
                "facility": facility.pk,
                "start": start.isoformat(),
                "end": (start + hours * (at(day, 9) - at(day, 8))).isoformat(),
                "purpose": "겹치는 시간 경쟁",
                "headcount": 5,
                "contact_phone": "010-0000-0000",
            }

        results = _fire(institution, users, sessions, payload)
        assert all(isinstance(r, tuple) for r in results), results
        codes = [code for code, _body in results]
        all_codes += codes
        assert set(codes) <= {201, 409}, results
        assert codes.count(201) >= 1
        for code, body in results:
            if code == 409:
                assert set(body) == {"error"}
                assert body["error"]["code"] in ("conflict", "transaction_conflict")
                assert body["error"]["message"]
    with schema_context(institution.schema_name):
        held = list(
            Reservation.objects.filter(
                facility=facility, status__in=["requested", "approved", "paid"]
            ).values_list("hold_start", "hold_end")
        )
    assert len(held) == all_codes.count(201)
    held.sort()
    for (_s1, e1), (s2, _e2) in zip(held, held[1:], strict=False):
        assert e1 <= s2, "two holding bookings overlap"


PROCESSES = 8
PROCESS_ROUNDS = 40


def _request_in_rounds(args):
    """One process: ROUNDS requests, each started together with the other processes'."""
    index, barrier, schema, facility_id, user_id, day0 = args
    import datetime as dt

    from django.db import connection as child_connection

    from facility_booking.errors import SlotTaken
    from facility_booking.services import reservation_request

    outcome = {"stored": 0, "taken": 0, "errors": []}
    try:
        with schema_context(schema):
            facility = Facility.objects.get(pk=facility_id)
            user = User.objects.get(pk=user_id)
            for round_ in range(PROCESS_ROUNDS):
                # Each round a 1–2 hour range starting at one of three hours: partly
                # overlapping the other processes' ranges of the same round.
                day = day0 + dt.timedelta(days=round_ // 7)
                start = day + dt.timedelta(hours=2 * (round_ % 7) + index % 3)
                barrier.wait(timeout=60)
                try:
                    reservation_request(
                        actor=user,
                        facility=facility,
                        start=start,
                        end=start + dt.timedelta(hours=1 + index % 2),
                        purpose="동시 겹침",
                        contact_phone="010-0000-0000",
                    )
                    outcome["stored"] += 1
                except SlotTaken:
                    outcome["taken"] += 1
                except Exception as error:  # noqa: BLE001 - what must never happen
                    outcome["errors"].append(f"{type(error).__name__}: {error}")
    finally:
        child_connection.close()
    return outcome


def test_processes_racing_for_overlapping_ranges_never_deadlock(crowd):
    """Separate processes (truly parallel, as gunicorn's workers are) start each request at
    the same instant; PostgreSQL used to abort ~1 % of them with DeadlockDetected."""
    import multiprocessing

    institution, facility, users, _sessions = crowd
    with schema_context(institution.schema_name):
        Facility.objects.filter(pk=facility.pk).update(
            max_active_per_person=PROCESS_ROUNDS, window_open_days=60, closes_on_holidays=False
        )
    context = multiprocessing.get_context("fork")
    manager = context.Manager()
    barrier = manager.Barrier(PROCESSES)
    day0 = at(5, 6)
    connection.close()  # nothing open is inherited by the children
    try:
        with context.Pool(PROCESSES) as pool:
            outcomes = pool.map(
                _request_in_rounds,
                [
                    (i, barrier, institution.schema_name, facility.pk, users[i].pk, day0)
                    for i in range(PROCESSES)
                ],
            )
    finally:
        manager.shutdown()
    errors = [e for o in outcomes for e in o["errors"]]
    assert errors == []
    stored = sum(o["stored"] for o in outcomes)
    assert stored + sum(o["taken"] for o in outcomes) == PROCESSES * PROCESS_ROUNDS
    with schema_context(institution.schema_name):
        held = sorted(
            Reservation.objects.filter(facility=facility).values_list("hold_start", "hold_end")
        )
    assert len(held) == stored
    for (_s1, e1), (s2, _e2) in zip(held, held[1:], strict=False):
        assert e1 <= s2, "two holding bookings overlap"
