"""The database goes away under the production server: pages answer a 503 page and the API
503 in the error shape, both with Retry-After, within seconds and without a trace; a write
retried with its Idempotency-Key after the database is back happens exactly once; the
service recovers by itself. Deadlocks and serialisation failures answer 409."""

import json
import threading
import time
import uuid

import pytest
from django.db import OperationalError, connection, connections
from django_tenants.utils import schema_context

from api.tokens import token_create
from groupware.schedule.models import Event
from suite.outage import CONFLICT, UNAVAILABLE, failure_kind
from tenants.models import Institution
from tests.hardening.conftest import database_outage, wait_for

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def token_a(module_db):
    from accounts.models import User

    user = User.objects.get(email="staff.a@test.kr")
    token, raw = token_create(user=user, name=f"장애 점검 {uuid.uuid4().hex[:6]}")
    yield raw
    token.delete()


def test_outage_answers_503_then_the_service_recovers(production, module_db, token_a):
    inst_a = Institution.objects.get(slug="testa")
    host = inst_a.primary_host
    title = f"장애 중 일정 {uuid.uuid4().hex[:6]}"
    key = str(uuid.uuid4())
    write = {
        **HTTPS,
        "Authorization": f"Bearer {token_a}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
    }
    body = json.dumps(
        {
            "title": title,
            "starts_at": "2026-12-02T10:00:00+09:00",
            "ends_at": "2026-12-02T11:00:00+09:00",
        }
    )
    assert production.request("GET", "/", host=host, headers=HTTPS).status == 200
    try:
        with database_outage(production.app_name):
            started = time.monotonic()
            page = production.request("GET", "/facilities/", host=host, headers=HTTPS)
            api = production.request("GET", "/api/v1/events/", host=host, headers=write)
            posted = production.request(
                "POST", "/api/v1/events/", host=host, headers=write, body=body
            )
            apex = production.request("GET", "/", host="localhost", headers=HTTPS)
            elapsed = time.monotonic() - started
        assert page.status == 503 and apex.status == 503
        assert "잠시 이용할 수 없습니다" in page.text and "Traceback" not in page.text
        assert page.header("Retry-After") == "5"
        assert page.header("Strict-Transport-Security")  # still the production headers
        for answer in (api, posted):
            assert answer.status == 503
            assert answer.header("Retry-After") == "5"
            error = json.loads(answer.body)["error"]
            assert error["code"] == "database_unavailable" and error["fields"] == {}
        assert elapsed < 30, elapsed  # each answer within the pool's wait (5 s), not a hang

        # Back: the next requests succeed without a restart, and the retried write happens once.
        recovered = wait_for(
            lambda: production.request("GET", "/", host=host, headers=HTTPS).status == 200,
            timeout=30,
        )
        assert recovered
        first = production.request("POST", "/api/v1/events/", host=host, headers=write, body=body)
        again = production.request("POST", "/api/v1/events/", host=host, headers=write, body=body)
        assert first.status == 201, first.text
        assert again.status == 201 and again.header("Idempotent-Replayed") == "true"
        with schema_context(inst_a.schema_name):
            assert Event.objects.filter(title=title).count() == 1
    finally:
        with schema_context(inst_a.schema_name):
            Event.objects.filter(title=title).delete()
        connection.set_schema_to_public()


def test_healthz_says_database_unavailable_during_an_outage(production, module_db):
    with database_outage(production.app_name):
        answer = production.request("GET", "/healthz", host="localhost")
    assert answer.status == 503
    assert wait_for(lambda: production.request("GET", "/healthz", host="localhost").status == 200)


def _real_deadlock() -> BaseException:
    """Two connections taking two advisory locks in opposite order: PostgreSQL aborts one."""
    caught: list[BaseException] = []
    first_locked = threading.Barrier(2)

    def take(order):
        conn = connections.create_connection("default")
        try:
            with conn.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [order[0]])
                first_locked.wait(timeout=10)
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [order[1]])
                cursor.execute("ROLLBACK")
        except OperationalError as error:
            caught.append(error)
        finally:
            conn.close()

    base = 0x51A0000 + uuid.uuid4().int % 10_000
    threads = [
        threading.Thread(target=take, args=((base, base + 1),)),
        threading.Thread(target=take, args=((base + 1, base),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(caught) == 1
    return caught[0]


def _real_outage_error() -> BaseException:
    conn = connections.create_connection("default")
    conn.settings_dict = {**conn.settings_dict, "NAME": "no_such_database_here"}
    try:
        conn.ensure_connection()
    except OperationalError as error:
        return error
    finally:
        conn.close()
    raise AssertionError("connected to a database that does not exist")


def _terminated_connection_error() -> BaseException:
    conn = connections.create_connection("default")
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
    except OperationalError as error:
        return error
    finally:
        conn.close()
    raise AssertionError("a terminated connection still answered")


def test_database_errors_are_told_apart(committed_db):
    assert failure_kind(_real_deadlock()) == CONFLICT
    assert failure_kind(_terminated_connection_error()) == UNAVAILABLE
    assert failure_kind(ValueError("not a database error")) is None
    # A database that refuses us for a reason that is not an outage stays a 500 (logged).
    assert failure_kind(_real_outage_error()) in (UNAVAILABLE, None)


@pytest.fixture
def failing_urls(settings):
    from tests.hardening import urls_failures

    settings.ROOT_URLCONF = "tests.hardening.urls_failures"
    yield urls_failures.RAISED
    urls_failures.RAISED.clear()


def test_a_deadlock_answers_409_and_an_outage_503_on_pages_and_api(
    committed_db, failing_urls, world
):
    from django.test import Client

    client = Client(HTTP_HOST=world.inst_a.primary_host, raise_request_exception=False)
    failing_urls.append(_real_deadlock())
    api = client.post("/api/v1/failing/", {}, content_type="application/json")
    assert api.status_code == 409 and api["Retry-After"] == "1"
    assert api.json()["error"]["code"] == "transaction_conflict"
    page = client.get("/failing/")
    assert page.status_code == 409 and "다시 시도해 주세요" in page.content.decode()
    failing_urls[0] = _terminated_connection_error()
    api = client.post("/api/v1/failing/", {}, content_type="application/json")
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api.json()["error"]["code"] == "database_unavailable"
    page = client.get("/failing/")
    assert page.status_code == 503 and "잠시 이용할 수 없습니다" in page.content.decode()
    failing_urls[0] = RuntimeError("not the database")
    assert client.get("/failing/").status_code == 500


def test_an_unreachable_database_answers_503_within_seconds_and_recovers_promptly(
    production, module_db
):
    """Every request while the database cannot be reached answers 503 within ~3 s — not after
    the pool's full wait — and once it is back the service answers again within seconds,
    not when the pool's reconnection back-off (1, 2, 4, 8… s) happens to try again."""
    host = Institution.objects.get(slug="testa").primary_host
    paths = ("/facilities/", "/api/v1/facilities/", "/")
    for path in paths * 2:  # every worker holds a pooled connection
        assert production.request("GET", path, host=host, headers=HTTPS).status in (200, 401)
    during: list[tuple[str, int, float]] = []
    with database_outage(production.app_name):
        until = time.monotonic() + 14  # long enough for the pool's back-off to reach 8 s
        while time.monotonic() < until:
            path = paths[len(during) % len(paths)]
            started = time.monotonic()
            answer = production.request("GET", path, host=host, headers=HTTPS)
            during.append((path, answer.status, round(time.monotonic() - started, 2)))
    back = time.monotonic()
    assert {status for _p, status, _s in during} == {503}, during
    assert max(seconds for _p, _st, seconds in during) <= 3.0, during
    assert len(during) >= 6, during

    def served() -> bool:
        return all(
            production.request("GET", path, host=host, headers=HTTPS).status in (200, 401)
            for path in paths * 2
        )

    assert wait_for(served, timeout=30, every=0.1)
    assert time.monotonic() - back <= 5.0, time.monotonic() - back
