"""The waiting room's fast lane (facility_booking/waiting_room_lane.py): joins and polls
over the API answered in front of Django — a poll from the signed place token alone (no
database), a join in a few statements — and everything it cannot vouch for handed to
Django unchanged: forged, expired or copied tokens, another facility or institution, no
credential, a spent rate limit, a suspended institution. Called as gunicorn calls it (a
WSGI environ); the last test runs production's gunicorn with two worker processes."""

import datetime as dt
import json
import threading
import time
import uuid

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from api.tokens import token_create
from facility_booking import waiting_room as wr
from facility_booking import waiting_room_lane as lane
from facility_booking.models import WaitingPlace, WaitingRoom
from suite import queries as suite_queries
from tenants.models import Institution
from tests.facility_booking.conftest import make_facility
from tests.facility_booking.test_waiting_room import make_room, queue_url

DJANGO = "599 Django"


@pytest.fixture(autouse=True)
def _fresh_memos():
    wr._memo.clear()
    lane._hosts.clear()
    lane._polls.clear()
    yield
    wr._memo.clear()
    lane._hosts.clear()
    lane._polls.clear()


@pytest.fixture
def hall(world):
    with schema_context(world.inst_a.schema_name):
        return make_facility(name="러시 구장", base_fee=0, approval_required=False)


class Called:
    """The WSGI application behind the lane: records that Django was asked."""

    def __init__(self):
        self.times = 0

    def __call__(self, environ, start_response):
        self.times += 1
        start_response(DJANGO, [("Content-Type", "text/plain")])
        return [b"django"]


def call(app, method, path, *, host, bearer="", query=""):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": host,
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
    }
    if bearer:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    status = int(seen["status"].split()[0])
    return status, seen["headers"], (json.loads(body) if status != 599 else None)


def bearer(user, name="lane"):
    return token_create(user=user, name=name)[1]


def test_join_then_poll_from_the_token_alone(world, hall):
    """Places in arrival order through the lane; a poll with the token reads nothing."""
    make_room(world, hall, opens_in=600)
    django = Called()
    app = lane.QueueLane(django)
    host = world.inst_a.primary_host
    first, second = bearer(world.resident), bearer(world.resident2)
    a = call(app, "POST", queue_url(hall), host=host, bearer=first)
    b = call(app, "POST", queue_url(hall), host=host, bearer=second)
    assert django.times == 0
    assert (a[0], b[0]) == (201, 201)
    assert (a[2]["position"], b[2]["position"]) == (1, 2)
    assert b[2]["state"] == "waiting" and b[2]["ahead"] == 1 and b[2]["place"]
    assert b[1]["X-Queue-Lane"] == "1" and b[1]["Retry-After"] == str(b[2]["poll_after"])
    assert b[1]["Cache-Control"] == "no-store" and b[1]["X-Content-Type-Options"] == "nosniff"
    # Joining again: the same place (200), not a new number.
    again = call(app, "POST", queue_url(hall), host=host, bearer=second)
    assert again[0] == 200 and again[2]["position"] == 2
    with CaptureQueriesContext(connection) as queries:
        polled = call(
            app, "GET", queue_url(hall), host=host, bearer=second, query=f"place={b[2]['place']}"
        )
    assert polled[0] == 200 and polled[2]["position"] == 2 and polled[2]["state"] == "waiting"
    assert len(queries.captured_queries) == 0 and django.times == 0
    with schema_context(world.inst_a.schema_name):
        assert WaitingPlace.objects.filter(room__facility=hall).count() == 2


def test_lane_and_api_say_the_same(world, hall):
    """The lane's answer is the API's (tests/facility_booking/test_waiting_room.py)."""
    from django.test import Client

    make_room(world, hall, opens_in=-30, rate=60)
    raw = bearer(world.resident)
    django = Called()
    joined = call(
        lane.QueueLane(django), "POST", queue_url(hall), host=world.inst_a.primary_host, bearer=raw
    )
    client = Client(HTTP_HOST=world.inst_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")
    through_django = client.get(queue_url(hall) + f"?place={joined[2]['place']}").json()
    assert joined[0] == 201 and joined[2]["state"] == "admitted"
    for key in ("state", "position", "ahead", "admitted_at", "book_until", "opens_at"):
        assert through_django[key] == joined[2][key], key
    # The token Django hands out works in the lane, and the other way round.
    polled = call(
        lane.QueueLane(django),
        "GET",
        queue_url(hall),
        host=world.inst_a.primary_host,
        bearer=raw,
        query=f"place={through_django['place']}",
    )
    assert polled[0] == 200 and polled[2]["position"] == 1 and django.times == 0


def test_forged_copied_expired_or_misplaced_tokens_go_to_django(world, hall, monkeypatch):
    """Nothing the lane cannot verify is answered by it: Django reads the person's place."""
    make_room(world, hall, opens_in=600)
    django = Called()
    app = lane.QueueLane(django)
    host = world.inst_a.primary_host
    mine, theirs = bearer(world.resident), bearer(world.resident2)
    token = call(app, "POST", queue_url(hall), host=host, bearer=mine)[2]["place"]

    def poll(**kw):
        before = django.times
        kw.setdefault("host", host)
        kw.setdefault("bearer", mine)
        status, _headers, _body = call(app, "GET", kw.pop("path", queue_url(hall)), **kw)
        return status == 599 and django.times == before + 1

    assert not poll(query=f"place={token}")  # genuine: the lane answers
    # Forged: another position with the signature kept; or signed with another key.
    data = signing.loads(token, salt=wr._salt(world.inst_a.schema_name))
    value, _sep, rest = token.partition(":")
    forged = signing.dumps({**data, "s": 1}, salt="x", compress=False)
    assert poll(query=f"place={forged}")
    assert poll(query=f"place={value[:-2]}xx:{rest}")
    # Copied: someone else's credential presenting my token.
    assert poll(query=f"place={token}", bearer=theirs)
    # No credential at all: Django (401).
    assert poll(query=f"place={token}", bearer="")
    # Expired: issued longer ago than TOKEN_MAX_AGE.
    later = time.time() + wr.TOKEN_MAX_AGE + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert poll(query=f"place={token}")
    monkeypatch.undo()
    # Another facility's line: the token names this one.
    with schema_context(world.inst_a.schema_name):
        other = make_facility(name="다른 구장", base_fee=0, approval_required=False)
    make_room(world, other, opens_in=600)
    assert poll(path=queue_url(other), query=f"place={token}")
    # Another institution's host: not its schema's token (and no such room there).
    assert poll(host=world.inst_b.primary_host, query=f"place={token}")
    # A new opening of the same room: old tokens mean nothing.
    make_room(world, hall, opens_in=900)
    assert poll(query=f"place={token}")


def test_other_institution_unknown_host_and_suspension_go_to_django(world, hall):
    make_room(world, hall, opens_in=600)
    django = Called()
    app = lane.QueueLane(django)
    raw = bearer(world.resident)
    assert call(app, "POST", queue_url(hall), host=world.inst_b.primary_host, bearer=raw)[0] == 599
    assert call(app, "POST", queue_url(hall), host="nowhere.localhost", bearer=raw)[0] == 599
    # A token scoped to institution B does not join A's line in the lane.
    scoped = token_create(user=world.resident, name="b만", institution=world.inst_b)[1]
    assert (
        call(app, "POST", queue_url(hall), host=world.inst_a.primary_host, bearer=scoped)[0] == 599
    )
    Institution.objects.filter(pk=world.inst_a.pk).update(status=Institution.Status.SUSPENDED)
    lane._hosts.clear()
    from django.core.cache import caches

    caches["platform"].clear()
    assert call(app, "POST", queue_url(hall), host=world.inst_a.primary_host, bearer=raw)[0] == 599
    with schema_context(world.inst_a.schema_name):
        assert not WaitingPlace.objects.filter(room__facility=hall).exists()


def test_sold_out_is_told_from_the_flag_without_the_database(world, hall):
    room = make_room(world, hall, opens_in=-5, rate=1)
    django = Called()
    app = lane.QueueLane(django)
    host = world.inst_a.primary_host
    call(app, "POST", queue_url(hall), host=host, bearer=bearer(world.resident))
    raw = bearer(world.resident2)
    token = call(app, "POST", queue_url(hall), host=host, bearer=raw)[2]["place"]
    with schema_context(world.inst_a.schema_name):
        WaitingRoom.objects.filter(pk=room.pk).update(
            sold_out_at=room.opens_at, checked_at=room.opens_at + dt.timedelta(hours=1)
        )
    wr._memo.clear()
    call(app, "GET", queue_url(hall), host=host, bearer=raw, query=f"place={token}")  # snapshot
    with CaptureQueriesContext(connection) as queries:
        told = call(app, "GET", queue_url(hall), host=host, bearer=raw, query=f"place={token}")
    assert told[0] == 200 and told[2]["state"] == "sold_out" and told[2]["poll_after"] == 0
    assert len(queries.captured_queries) == 0
    late = call(app, "POST", queue_url(hall), host=host, bearer=bearer(world.admin_b))
    assert late[0] == 200 and late[2]["state"] == "sold_out" and late[2]["place"] == ""
    assert django.times == 0


def test_spent_rate_limits_go_to_django(world, hall, settings):
    """Joins count in the shared budget; past it Django answers 429. Polls past the
    per-process budget go to Django's shared throttle."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "booking": "2/min",
        },
    }
    make_room(world, hall, opens_in=600)
    django = Called()
    app = lane.QueueLane(django)
    host, raw = world.inst_a.primary_host, bearer(world.resident)
    token = call(app, "POST", queue_url(hall), host=host, bearer=raw)[2]["place"]
    assert call(app, "POST", queue_url(hall), host=host, bearer=raw)[0] == 200
    assert call(app, "POST", queue_url(hall), host=host, bearer=raw)[0] == 599
    answered = [
        call(app, "GET", queue_url(hall), host=host, bearer=raw, query=f"place={token}")[0]
        for _ in range(lane.POLLS_PER_MINUTE + 1)
    ]
    assert answered.count(200) == lane.POLLS_PER_MINUTE and answered[-1] == 599


def test_bodies_other_methods_and_pages_go_to_django(world, hall):
    make_room(world, hall, opens_in=600)
    django = Called()
    app = lane.QueueLane(django)
    raw = bearer(world.resident)
    host = world.inst_a.primary_host
    assert call(app, "DELETE", queue_url(hall), host=host, bearer=raw)[0] == 599
    assert call(app, "GET", f"/facilities/{hall.pk}/queue/", host=host, bearer=raw)[0] == 599
    assert call(app, "GET", "/api/v1/facilities/0/queue/", host=host, bearer=raw)[0] == 599
    assert call(app, "GET", f"/api/v1/facilities/{2**70}/queue/", host=host, bearer=raw)[0] == 599
    assert django.times == 4


# -- across worker processes -----------------------------------------------------------------


@pytest.fixture
def rush_room(committed_db):
    """A committed facility with a running room, and 12 committed residents with tokens."""
    from accounts.models import User

    institution = Institution.objects.get(slug="testa")
    run = uuid.uuid4().hex[:8]
    users = [
        User.objects.create_user(
            email=f"line{i}.{run}@test.kr", password="x-pass-1234", name=f"줄{i}", phone=""
        )
        for i in range(12)
    ]
    tokens = [bearer(user, "줄서기") for user in users]
    with schema_context(institution.schema_name):
        facility = make_facility(name=f"줄 구장 {run}", base_fee=0, approval_required=False)
        now = dt.datetime.now(dt.UTC)
        room = WaitingRoom.objects.create(
            facility=facility,
            enabled=True,
            opens_at=now + dt.timedelta(minutes=10),
            closes_at=now + dt.timedelta(hours=1),
            admit_per_minute=60,
            ticket_minutes=5,
            use_from=now.date() + dt.timedelta(days=3),
            use_to=now.date() + dt.timedelta(days=3),
        )
    try:
        yield institution, facility, room, tokens
    finally:
        with schema_context(institution.schema_name):
            WaitingRoom.objects.filter(pk=room.pk).delete()
            facility.delete()
            User.objects.filter(pk__in=[u.pk for u in users]).delete()
        connection.set_schema_to_public()


def test_order_holds_across_gunicorn_worker_processes(rush_room, tmp_path):
    """Production's gunicorn with two worker processes: joins one after another get 1, 2,
    3 … in arrival order whichever process answers; joins at once get distinct numbers
    with no gap; every poll of either process is answered by the lane."""
    import secrets

    from tests.hardening.conftest import VENV_BIN, Live, free_port, manage, suite_env

    institution, facility, room, tokens = rush_room
    env = suite_env(
        tmp_path,
        settings_module="suite.settings.production",
        app_name=f"suite-lane-{uuid.uuid4().hex[:6]}",
        SECRET_KEY=secrets.token_urlsafe(48),
        CACHE_URL="db://suite_lane_cache",
        SUITE_PDF_WARM="0",
    )
    assert manage(env, "createcachetable").returncode == 0
    port = free_port()
    server = Live(
        argv=[
            str(VENV_BIN / "gunicorn"),
            "suite.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        port=port,
        app_name="lane",
        log=tmp_path / "gunicorn.log",
    ).start()
    host = f"{institution.primary_host}:{port}"
    path = f"/api/v1/facilities/{facility.pk}/queue/"

    def send(method, token, query=""):
        answer = server.request(
            method,
            path + (f"?{query}" if query else ""),
            host=host,
            headers={"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"},
        )
        return answer.status, answer.header("X-Queue-Lane"), json.loads(answer.body)

    try:
        order = []
        for token in tokens[:6]:  # one after another, new connection each
            status, lane_mark, body = send("POST", token)
            assert status == 201 and lane_mark == "1", body
            order.append(body["position"])
        assert order == [1, 2, 3, 4, 5, 6]
        results = [None] * 6

        def join(i):
            results[i] = send("POST", tokens[6 + i])

        threads = [threading.Thread(target=join, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        positions = sorted(r[2]["position"] for r in results)
        assert positions == [7, 8, 9, 10, 11, 12]
        for i, (_status, _mark, body) in enumerate(results):
            polled = send("GET", tokens[6 + i], f"place={body['place']}")
            assert polled[0] == 200 and polled[1] == "1"
            assert polled[2]["position"] == body["position"]
        with schema_context(institution.schema_name):
            seqs = sorted(WaitingPlace.objects.filter(room=room).values_list("seq", flat=True))
            assert seqs == list(range(1, 13))
            assert WaitingRoom.objects.get(pk=room.pk).last_seq == 12
    finally:
        server.stop()


# -- the join in one statement (the throttle cache in PostgreSQL, as CACHE_URL=db://) ------


@pytest.fixture
def db_counters(settings):
    from api.throttling import throttle_cache

    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "suite_security_cache",
            "KEY_PREFIX": "throttle",
        },
    }
    throttle_cache().clear()
    yield
    throttle_cache().clear()


def _limits(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_a_join_is_the_token_read_and_one_statement(world, hall, db_counters):
    """The token's use, both rate-limit counts and the place: one statement after the
    token's lookup; each is written as the slower path wrote it."""
    from api.models import ApiToken

    make_room(world, hall, opens_in=600)
    app = lane.QueueLane(Called())
    host = world.inst_a.primary_host
    call(app, "POST", queue_url(hall), host=host, bearer=bearer(world.resident2))  # host memo
    raw = bearer(world.resident)
    with CaptureQueriesContext(connection) as queries:
        status, _headers, body = call(app, "POST", queue_url(hall), host=host, bearer=raw)
    assert status == 201 and body["position"] == 2
    assert len(queries.captured_queries) == 2, [q["sql"][:80] for q in queries.captured_queries]
    token = ApiToken.objects.get(user=world.resident, name="lane")
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM suite_security_cache")
        counters = dict(cursor.fetchall())
    mine = [v for k, v in counters.items() if f":booking:queue:u{world.resident.pk}:" in k]
    address = [v for k, v in counters.items() if ":booking_ip:queue:127.0.0.1:" in k]
    assert (mine, address) == (["1"], ["2"]), counters
    # Used again within the minute: no write of the token's use.
    again = call(app, "POST", queue_url(hall), host=host, bearer=raw)
    assert again[0] == 200 and again[2]["position"] == 2


def test_a_join_over_the_limit_writes_no_place(world, hall, db_counters, settings):
    """Past the address's budget the place is not taken; Django answers (429)."""
    _limits(settings, booking_ip="1/min")
    make_room(world, hall, opens_in=600)
    django = Called()
    app = lane.QueueLane(django)
    host = world.inst_a.primary_host
    first = call(app, "POST", queue_url(hall), host=host, bearer=bearer(world.resident))
    second = call(app, "POST", queue_url(hall), host=host, bearer=bearer(world.resident2))
    assert first[0] == 201 and second[0] == 599 and django.times == 1
    with schema_context(world.inst_a.schema_name):
        places = WaitingPlace.objects.filter(room__facility=hall)
        assert list(places.values_list("user_id", flat=True)) == [world.resident.pk]
        assert WaitingRoom.objects.get(facility=hall).last_seq == 1


def test_a_join_after_the_ticket_ran_out_goes_to_the_back(world, hall, db_counters):
    """A place whose time to book has passed: joining again takes a new, last number."""
    make_room(world, hall, opens_in=-1800, rate=60, ticket=2)
    with schema_context(world.inst_a.schema_name):
        room = WaitingRoom.objects.get(facility=hall)
        old = timezone.now() - dt.timedelta(minutes=29)
        WaitingPlace.objects.create(room=room, user=world.resident, seq=1, joined_at=old)
        WaitingRoom.objects.filter(pk=room.pk).update(last_seq=1)
    app = lane.QueueLane(Called())
    joined = call(
        app, "POST", queue_url(hall), host=world.inst_a.primary_host, bearer=bearer(world.resident)
    )
    assert joined[0] == 201 and joined[2]["position"] == 2
    with schema_context(world.inst_a.schema_name):
        assert WaitingPlace.objects.get(room=room, user=world.resident).seq == 2


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_the_joins_statement_is_prepared_once_and_again_when_lost(committed_db, settings):
    """waiting_room._run_prepared: PREPAREd on first use per connection, EXECUTEd after;
    a statement the server lost (DISCARD ALL, a pooler's new session) is prepared again;
    DB_PREPARED_STATEMENTS = False sends the statement itself."""
    name, sql = "fb_test_probe", "SELECT %s::int + 1, %s::text"

    def run() -> tuple:
        with connection.cursor() as cursor:
            wr._run_prepared(cursor, name, sql, ["int", "text"], [41, "가"])
            return cursor.fetchone()

    try:
        assert run() == (42, "가") and name in _prepared_names()
        with CaptureQueriesContext(connection) as queries:
            assert run() == (42, "가")
        assert [q["sql"].split("(")[0] for q in queries.captured_queries] == [f"EXECUTE {name}"]
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        assert run() == (42, "가") and name in _prepared_names()
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        suite_queries._PREPARED.clear()
        settings.DB_PREPARED_STATEMENTS = False
        assert run() == (42, "가") and name not in _prepared_names()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        suite_queries._PREPARED.clear()
