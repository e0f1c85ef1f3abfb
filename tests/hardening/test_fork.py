"""Pooled connections and fork: a forked child (``migrate_schemas --parallel``, a
multiprocessing pool, gunicorn ``--preload``) never talks on its parent's server session —
it opens its own — and the parent's connection still works afterwards. Before, the
children took the parent's pooled connection and every parallel migration failed with
"the connection is lost"."""

import multiprocessing
import uuid

import pytest
from django.db import connection

from suite.postgresql_backend.base import DatabaseWrapper
from tests.hardening.conftest import manage, suite_env


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _in_child(function) -> object:
    """Run ``function`` in a forked child; its return value (or the error it raised)."""
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()

    def child():
        try:
            results.put(("ok", function()))
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            results.put(("error", f"{type(error).__name__}: {error}"))

    process = context.Process(target=child)
    process.start()
    process.join(timeout=60)
    assert process.exitcode == 0, process.exitcode
    outcome, value = results.get()
    assert outcome == "ok", value
    return value


@pytest.fixture
def pooled(db):
    settings = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}},
    }
    wrapper = DatabaseWrapper(settings, alias=f"fork_{uuid.uuid4().hex[:8]}")
    yield wrapper
    wrapper.close()
    wrapper.close_pool()


def test_a_child_forked_while_a_pooled_connection_is_open_opens_its_own(pooled):
    parent_pid = _backend_pid(pooled)  # checked out of the pool, still held at the fork
    child_pid = _in_child(lambda: _backend_pid(pooled))
    assert child_pid != parent_pid
    assert _backend_pid(pooled) == parent_pid  # the parent's session is intact


def test_a_child_forked_with_an_idle_pooled_connection_does_not_take_it(pooled):
    parent_pid = _backend_pid(pooled)
    pooled.close()  # back to the pool, idle: the connection a child would be handed
    child_pid = _in_child(lambda: _backend_pid(pooled))
    assert child_pid != parent_pid
    assert _backend_pid(pooled) == parent_pid  # the pool's idle connection, unharmed


def test_parallel_migrate_schemas_with_the_pool(module_db, tmp_path):
    """`migrate_schemas --parallel` forks workers; with the pool on (development and
    production settings) each must migrate on a connection of its own."""
    env = suite_env(
        tmp_path,
        settings_module="suite.settings.dev",
        app_name=f"suite-migrate-{uuid.uuid4().hex[:8]}",
        TENANT_SPARE_SCHEMAS=0,
    )
    done = manage(env, "migrate_schemas", "--tenant", "--no-skip", "--parallel", "2")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "FAILED" not in done.stdout
    assert " ok (" in done.stdout, done.stdout
