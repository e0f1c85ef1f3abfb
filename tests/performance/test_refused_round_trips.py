"""A refused booking over a pooled connection, as a sync gunicorn worker serves it
(issue 18): the statements on the wire, counted by libpq's own trace — health checks and
``SET search_path`` included, which Django's query log never shows.

The test settings keep one connection per thread; here the default connection is, for
the test's requests, a pooled one of one connection (``DB_POOL`` as production sets it,
``CONN_HEALTH_CHECKS`` on), so every request checks the connection out and gives it
back. Committed data (``committed_db``), removed at the end. In the test settings the
host lookup and the rate-limit counters live in the in-process cache; with
``CACHE_URL=db://`` each is one more statement (bench/refused_profile.py: 4 in all).
"""

from __future__ import annotations

import re
import tempfile
import uuid

import pytest
from django.db import connection, connections
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import User
from api.throttling import throttle_cache
from api.tokens import token_create
from facility_booking import services
from facility_booking.models import Facility, Reservation
from suite.postgresql_backend.base import DatabaseWrapper
from tenants.models import Institution
from tests.facility_booking.conftest import at, make_facility, request_kwargs

URL = "/api/v1/reservations/"


@pytest.fixture
def taken(committed_db):
    """inst_a's facility with 10:00–12:00 of day 3 held, and a resident's API token."""
    institution = Institution.objects.get(slug="testa")
    run = uuid.uuid4().hex[:8]
    holder, asking = (
        User.objects.create_user(
            email=f"{who}.{run}@test.kr", password="x-pass-1234", name=who, phone="010-0000-0000"
        )
        for who in ("holder", "asking")
    )
    with schema_context(institution.schema_name):
        facility = make_facility(name=f"왕복 {run}", base_fee=0)
        services.reservation_request(**request_kwargs(facility, holder))
    raw = token_create(user=asking, name="왕복")[1]
    throttle_cache().clear()
    try:
        yield institution, facility, raw
    finally:
        throttle_cache().clear()
        connection.set_schema_to_public()
        with schema_context(institution.schema_name):
            Reservation.objects.filter(facility=facility).delete()
            Facility.objects.filter(pk=facility.pk).delete()
            User.objects.filter(pk__in=[holder.pk, asking.pk]).delete()
        connection.set_schema_to_public()


@pytest.fixture
def pooled_default():
    """``connections["default"]`` a pooled wrapper of one connection meanwhile."""
    original = connections["default"]
    settings = {
        **original.settings_dict,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {**original.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}},
    }
    pooled = DatabaseWrapper(settings, alias="default")
    pooled.__dict__["pg_version"] = original.pg_version
    connections["default"] = pooled
    try:
        yield pooled
    finally:
        connections["default"] = original
        pooled.close()
        pooled.close_pool()


def test_a_refused_booking_sends_only_the_statements_that_decide_it(taken, pooled_default):
    institution, facility, raw = taken
    client = Client(HTTP_HOST=institution.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {
        "facility": facility.pk,
        "start": at(3, 11).isoformat(),
        "end": at(3, 12).isoformat(),
        "purpose": "왕복",
        "headcount": 5,
        "contact_phone": "010-1234-5678",
    }
    # first request: the token's use noted (once a minute), caches filled, SET sent
    assert client.post(URL, body, content_type="application/json").status_code == 409
    pooled_default.ensure_connection()
    wire = pooled_default.connection.pgconn  # the pool's one connection, from now on traced
    pooled_default.close()
    with tempfile.TemporaryFile("w+") as trace:
        wire.trace(trace.fileno())
        try:
            answers = []
            for _ in range(3):
                answers.append(client.post(URL, body, content_type="application/json"))
                # back to the pool, as request_finished does in a worker (the test client
                # keeps connections open across its requests)
                pooled_default.close()
        finally:
            wire.untrace()
        trace.seek(0)
        sent = re.findall(r'\tF\t\d+\tQuery\t "(.*?)"\n', trace.read(), re.DOTALL)
    # the opening's waiting room is read at most once a second per process
    sent = [s for s in sent if "facility_booking_waitingroom" not in s]
    assert [a.status_code for a in answers] == [409] * 3
    assert answers[-1].json()["error"]["code"] == "conflict"
    # per request: the token and its person; the facility and the taken slot — no empty
    # health-check statement, no SET search_path (the session kept it), no transaction
    assert len(sent) == 2 * 3, sent
    assert not [s for s in sent if s == "" or s.startswith(("SET ", "BEGIN", "SAVEPOINT"))]
    assert sum('FROM "api_apitoken" t JOIN "accounts_user" u' in s for s in sent) == 3
    assert sum("EXISTS (SELECT 1 FROM" in s for s in sent) == 3
    with schema_context(institution.schema_name):
        assert Reservation.objects.filter(facility=facility).count() == 1
