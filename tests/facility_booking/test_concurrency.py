"""Double booking is impossible: many concurrent requests for one slot, each on its
own database connection, end with exactly one booking and clear conflicts for
the rest (409 in the API, a form error on the page) — never a 500 or a duplicate.
Uses committed data (``committed_db``) and removes everything it created."""

import threading
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import User
from facility_booking.errors import MESSAGES, message
from facility_booking.models import Facility, Reservation
from portal.models import PortalEntry
from tenants.models import Institution
from tests.facility_booking.conftest import at, make_facility

THREADS = 24
SESSION_KEYS: list[str] = []  # sessions made by force_login, removed by the fixture


@pytest.fixture
def arena(committed_db):
    """A committed facility in inst_a and THREADS committed residents; cleaned up after."""
    institution = Institution.objects.get(slug="testa")
    run = uuid.uuid4().hex[:8]
    users = [
        User.objects.create_user(
            email=f"race{i}.{run}@test.kr",
            password="x-pass-1234",
            name=f"경쟁자{i}",
            phone="010-0000-0000",
        )
        for i in range(THREADS)
    ]
    with schema_context(institution.schema_name):
        facility = make_facility(name="경쟁 구장", max_active_per_person=1, buffer_minutes=30)
    try:
        yield institution, facility, users
    finally:
        with schema_context(institution.schema_name):
            Reservation.objects.filter(facility=facility).delete()
            Facility.objects.filter(pk=facility.pk).delete()
            PortalEntry.objects.filter(owner__in=users).delete()
            # Inside the schema: deleting a User also looks at tenant tables pointing to it.
            User.objects.filter(pk__in=[u.pk for u in users]).delete()
        Session.objects.filter(session_key__in=SESSION_KEYS).delete()
        SESSION_KEYS.clear()
        connection.set_schema_to_public()


def race(institution, users, send):
    """Log everyone in first, then fire all requests at once from separate threads."""
    clients = []
    for user in users:
        client = Client(HTTP_HOST=institution.primary_host, raise_request_exception=False)
        client.force_login(user)
        SESSION_KEYS.append(client.session.session_key)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def worker(index):
        try:
            barrier.wait(timeout=30)
            results[index] = send(clients[index], index)
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def holding_rows(institution, facility):
    with schema_context(institution.schema_name):
        return list(
            Reservation.objects.filter(
                facility=facility, status__in=["requested", "approved", "paid"]
            ).values_list("applicant_id", "start", "end")
        )


def test_api_same_slot_from_many_connections(arena):
    institution, facility, users = arena
    payload = {
        "facility": facility.pk,
        "start": at(3, 18).isoformat(),
        "end": at(3, 20).isoformat(),
        "purpose": "주말 풋살",
        "headcount": 10,
        "contact_phone": "010-0000-0000",
    }

    def send(client, index):
        response = client.post("/api/v1/reservations/", payload, content_type="application/json")
        return response.status_code, response.json()

    results = race(institution, users, send)
    codes = [r[0] for r in results if isinstance(r, tuple)]
    assert len(codes) == THREADS, results
    assert codes.count(201) == 1, codes
    assert codes.count(409) == THREADS - 1, codes
    for code, data in results:
        if code == 409:
            assert data["error"]["code"] == "conflict"
            assert data["error"]["message"] == MESSAGES["slot_taken"]
    rows = holding_rows(institution, facility)
    assert len(rows) == 1


def test_page_same_slot_and_overlapping_buffers(arena):
    institution, facility, users = arena
    day = at(4, 0).date().isoformat()

    def send(client, index):
        # Half ask for 10–12, half for 12–13 which collides with the 30-minute buffer.
        start, end = ("10:00", "12:00") if index % 2 else ("12:00", "13:00")
        response = client.post(
            f"/facilities/{facility.pk}/apply/",
            {
                "date": day,
                "start_time": start,
                "end_time": end,
                "purpose": "연습",
                "headcount": "5",
                "contact_phone": "010-0000-0000",
                "consent_booking_required": "on",
                "action": "submit",
            },
        )
        return response.status_code, response.content.decode()

    results = race(institution, users, send)
    codes = [r[0] for r in results if isinstance(r, tuple)]
    assert len(codes) == THREADS, results
    assert codes.count(302) == 1, codes
    assert codes.count(409) == THREADS - 1, codes
    assert all(MESSAGES["slot_taken"] in html for code, html in results if code == 409)
    assert len(holding_rows(institution, facility)) == 1


def test_per_person_limit_under_concurrency(arena):
    """One person, limit 1, many different free slots at once: exactly one is stored."""
    institution, facility, users = arena
    person = users[0]
    clients = [person] * 10

    def send(client, index):
        response = client.post(
            "/api/v1/reservations/",
            {
                "facility": facility.pk,
                "start": at(5, 8 + index).isoformat(),
                "end": at(5, 9 + index).isoformat(),
                "purpose": "개인 연습",
                "headcount": 1,
                "contact_phone": "010-0000-0000",
            },
            content_type="application/json",
        )
        return response.status_code, response.json()

    results = race(institution, clients, send)
    codes = [r[0] for r in results if isinstance(r, tuple)]
    assert codes.count(201) == 1, results
    assert codes.count(400) == 9, codes
    limit = message("over_person_limit", limit=1)
    assert all(data["error"]["message"] == limit for code, data in results if code == 400)
    assert len(holding_rows(institution, facility)) == 1


def test_chains_of_partly_overlapping_requests_never_deadlock(arena):
    """Everyone at once, each asking two hours that overlap the neighbours' (8–10, 9–11,
    …, buffers included): the facility's inserts go one at a time, the lock is let go
    as soon as a row is in, and a request that collides with a row not yet committed
    waits for it and is refused — no 500, no deadlock, no two rows overlapping."""
    institution, facility, users = arena

    def send(client, index):
        hour = 8 + index % 12
        response = client.post(
            "/api/v1/reservations/",
            {
                "facility": facility.pk,
                "start": at(6, hour).isoformat(),
                "end": at(6, hour + 2).isoformat(),
                "purpose": "연속 경쟁",
                "headcount": 4,
                "contact_phone": "010-0000-0000",
            },
            content_type="application/json",
        )
        return response.status_code, response.json()

    results = race(institution, users, send)
    codes = [r[0] for r in results if isinstance(r, tuple)]
    assert len(codes) == THREADS and set(codes) <= {201, 409}, results
    with schema_context(institution.schema_name):
        held = sorted(
            Reservation.objects.filter(
                facility=facility, status__in=["requested", "approved"]
            ).values_list("hold_start", "hold_end")
        )
    assert len(held) == codes.count(201) >= 1
    assert all(a_end <= b_start for (_s, a_end), (b_start, _e) in zip(held, held[1:]))


def test_the_facility_lock_is_let_go_once_the_row_is_in(world):
    """Another connection can take the facility's insert lock while the booking's
    transaction is still open (the history row, the notice and the commit no longer hold
    every other booking of the facility), and nothing is left locked after a refusal."""
    import psycopg

    from facility_booking import services
    from facility_booking.errors import SlotTaken

    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k in ("dbname", "user", "password", "host", "port", "options")
    }

    def other_connection_may_lock(schema: str, facility_id: int) -> bool:
        with psycopg.connect(**params, autocommit=True) as other:
            key = (f"fb_facility:{schema}", facility_id)
            taken = other.execute("SELECT pg_try_advisory_lock(hashtext(%s), %s)", key).fetchone()[
                0
            ]
            if taken:
                other.execute("SELECT pg_advisory_unlock(hashtext(%s), %s)", key)
            return bool(taken)

    schema = world.inst_a.schema_name
    with schema_context(schema):
        facility = make_facility(name="잠금 시험 구장")
        request = dict(
            actor=world.resident,
            institution=world.inst_a,
            facility=facility,
            start=at(3, 10),
            end=at(3, 11),
            purpose="잠금 확인",
            contact_phone="010-0000-0000",
        )
        services.reservation_request(**request)  # the test's transaction stays open
        assert other_connection_may_lock(schema, facility.pk)
        with pytest.raises(SlotTaken):
            services.reservation_request(**{**request, "actor": world.resident2})
        assert other_connection_may_lock(schema, facility.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                " AND pid = pg_backend_pid() AND objid = %s",
                [facility.pk],
            )
            assert cursor.fetchone()[0] == 0


def test_an_overlap_with_a_row_still_being_written_is_refused_at_once(arena):
    """A request for a time another request has just written but not committed waits
    TURN_WAIT at most — holding the facility's turn meanwhile would hold every other
    booking of the facility — and is refused with SlotTaken."""
    import time

    from facility_booking import services
    from facility_booking.errors import SlotTaken

    institution, facility, users = arena
    written, release = threading.Event(), threading.Event()

    def first_writer():
        try:
            with schema_context(institution.schema_name), transaction.atomic():
                services.reservation_request(
                    actor=users[0],
                    institution=institution,
                    facility=facility,
                    start=at(7, 10),
                    end=at(7, 12),
                    purpose="먼저 쓰는 중",
                    contact_phone="010-0000-0000",
                )
                written.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    writer = threading.Thread(target=first_writer)
    writer.start()
    try:
        assert written.wait(timeout=30)
        started = time.monotonic()
        with schema_context(institution.schema_name), pytest.raises(SlotTaken):
            services.reservation_request(
                actor=users[1],
                institution=institution,
                facility=facility,
                start=at(7, 11),
                end=at(7, 13),
                purpose="겹치는 요청",
                contact_phone="010-0000-0000",
            )
        assert time.monotonic() - started < 3
    finally:
        release.set()
        writer.join(timeout=30)
    assert len(holding_rows(institution, facility)) == 1
