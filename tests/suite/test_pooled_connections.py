"""Pooled connections cost no round trip that tells nothing (issue 18: a refused booking
over a sync gunicorn worker sent an empty health-check statement and a ``SET
search_path`` on every request, 6 statements where 4 do the work).

- the search_path a pooled session was left with travels with the psycopg connection
  (suite/postgresql_backend): the next user that wants the same path sends no ``SET``;
  one that wants another path, or takes a connection given back in a transaction (whose
  rollback undoes a ``SET``), sends it;
- the pool's check of a connection handed out (suite.dbpool.check_connection) asks the
  server only when the socket has something to say: a terminated session is still
  replaced before a request gets it.

What the server received is read from the server (pg_stat_activity), not from our code.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
import uuid

import pytest
from django.db import connection

from suite import dbpool
from suite.postgresql_backend.base import DatabaseWrapper


@pytest.fixture
def pooled():
    """Wrappers sharing one pool of one connection (as a sync worker's requests do)."""
    settings = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}},
    }
    alias = f"pool_{uuid.uuid4().hex[:8]}"
    made = []

    def wrapper() -> DatabaseWrapper:
        made.append(DatabaseWrapper(settings, alias=alias))
        # a worker's wrapper lives long and asks the server's version once: known here
        made[-1].__dict__["pg_version"] = connection.pg_version
        return made[-1]

    yield wrapper
    for conn in made:
        conn.close()
    if made:
        made[0].close_pool()


def current_schema(conn) -> str:
    with conn.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


@contextlib.contextmanager
def sent_by(conn):
    """The statements ``conn`` sends meanwhile, as libpq traces them on the wire (the
    connection is checked out first)."""
    conn.ensure_connection()
    statements: list[str] = []
    with tempfile.TemporaryFile("w+") as trace:
        pgconn = conn.connection.pgconn
        pgconn.trace(trace.fileno())
        try:
            yield statements
        finally:
            pgconn.untrace()
            trace.seek(0)
            statements += re.findall(r'\tF\t\d+\tQuery\t "(.*)"', trace.read())


def sets(statements) -> int:
    return sum(1 for s in statements if s.startswith("SET search_path"))


def last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_the_next_request_on_the_same_schema_sends_no_search_path(world, pooled):
    a = world.inst_a.schema_name
    first, second = pooled(), pooled()
    first.set_schema(a)
    with sent_by(first) as captured:
        assert current_schema(first) == a
    assert captured == [f'SET search_path = "{a}","public"', "SELECT current_schema()"]
    raw = first.connection
    first.close()
    second.set_schema(a)
    with sent_by(second) as captured:
        assert current_schema(second) == a
    assert second.connection is raw
    assert captured == ["SELECT current_schema()"]  # the session still has its path
    second.close()
    # a third request for another institution: the SET is sent, the right schema read
    third = pooled()
    third.set_schema(world.inst_b.schema_name)
    with sent_by(third) as captured:
        assert current_schema(third) == world.inst_b.schema_name
    assert sets(captured) == 1


def test_a_connection_given_back_in_a_transaction_is_not_trusted(world, pooled):
    """The pool rolls back a connection returned inside a transaction, and with it a SET
    made there: the next user must send it again."""
    a, b = world.inst_a.schema_name, world.inst_b.schema_name
    first, second = pooled(), pooled()
    first.set_schema(a)
    assert current_schema(first) == a
    first.set_autocommit(False)
    first.set_schema(b)
    assert current_schema(first) == b  # SET b inside the transaction
    first.close()  # given back in the transaction: the pool rolls it back → a again
    second.set_schema(b)
    with sent_by(second) as captured:
        assert current_schema(second) == b
    assert sets(captured) == 1


def test_a_rolled_back_savepoint_is_not_passed_on(world, pooled):
    a, b = world.inst_a.schema_name, world.inst_b.schema_name
    first, second = pooled(), pooled()
    first.set_schema(a)
    assert current_schema(first) == a
    first.set_autocommit(False)
    sid = first.savepoint()
    first.set_schema(b)
    assert current_schema(first) == b
    first.savepoint_rollback(sid)  # the server is back on a; the wrapper forgot b
    first.commit()
    first.set_autocommit(True)
    first.close()
    second.set_schema(b)
    assert current_schema(second) == b


def test_a_healthy_pooled_connection_is_handed_out_without_a_statement(world, pooled):
    first, second = pooled(), pooled()
    first.set_schema_to_public()
    with first.cursor() as cursor:
        cursor.execute("SELECT 'issue 18 marker'")
    pid = first.connection.info.backend_pid
    first.close()
    second.ensure_connection()  # checked out: the pool's check ran
    assert second.connection.info.backend_pid == pid
    assert last_statement(pid) == "SELECT 'issue 18 marker'"  # no empty statement sent


def test_a_terminated_pooled_connection_is_replaced_before_use(world, pooled):
    first, second = pooled(), pooled()
    first.set_schema(world.inst_a.schema_name)
    assert current_schema(first) == world.inst_a.schema_name
    raw = first.connection
    pid = raw.info.backend_pid
    first.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    until = time.monotonic() + 5
    while not dbpool._readable(raw.fileno()) and time.monotonic() < until:
        time.sleep(0.02)  # the server's goodbye is on its way
    second.set_schema(world.inst_a.schema_name)
    assert current_schema(second) == world.inst_a.schema_name  # no error: replaced
    assert second.connection is not raw
    assert second.connection.info.backend_pid != pid
