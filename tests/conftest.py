"""Shared fixtures: two institutions and their people, created once per test run.

Schemas are expensive, so the template schema and the test institutions are
made once in ``django_db_setup`` (committed); each test then runs inside a
transaction that is rolled back. Tests that need real commits (concurrency)
use ``committed_db`` and clean up what they create.
"""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tests import factories


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        created = _ensure_test_database()
        _drop_test_databases_of_dead_runs()
        factories.build_world()
        connection.set_schema_to_public()
    yield
    if created is not None:
        from django.test.utils import teardown_databases

        with django_db_blocker.unblock():
            teardown_databases(created, verbosity=0)


def _ensure_test_database():
    """pytest-django creates the test database only when some selected test asks for ``db``;
    a run of ``committed_db`` tests alone would otherwise build the test world in — and
    write to — the development database. Returns what to tear down, if we created it."""
    from django.test.utils import setup_databases

    if connection.settings_dict["NAME"].startswith("test_"):
        return None
    return setup_databases(verbosity=0, interactive=False, aliases={"default"})


def _drop_test_databases_of_dead_runs() -> None:
    """Test databases are named per process (suite/settings/test.py); a run that was
    killed leaves its database behind on the embedded server. Drop those."""
    import psutil

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'test_suite_%%'")
        for (name,) in cursor.fetchall():
            pid = name.removeprefix("test_suite_")
            if pid.isdigit() and not psutil.pid_exists(int(pid)):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(autouse=True)
def _back_to_public():
    """Every test starts in the public schema with an empty cache (rate limits, tickets)
    and the default time zone. (The language needs no reset: a request gives the thread
    back its previous language when it ends — suite/locale.py, tests/suite/test_locale.py.)"""
    from django.utils import timezone

    timezone.deactivate()
    cache.clear()
    caches["throttle"].clear()  # API rate-limit counters (api/throttling.py)
    caches["platform"].clear()  # host → institution (tenants/hosts.py): a rolled-back row
    yield
    connection.set_schema_to_public()
    cache.clear()
    caches["throttle"].clear()
    caches["platform"].clear()


@pytest.fixture
def world(db):
    """The two institutions and their people (see tests/factories.py)."""
    return factories.World.load()


@pytest.fixture
def inst_a(world):
    return world.inst_a


@pytest.fixture
def inst_b(world):
    return world.inst_b


def host_client(host: str, user=None) -> Client:
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
        # The test world's people have passed two-factor sign-in (accounts/mfa.py);
        # tests/accounts and tests/privacy exercise the second factor itself.
        session = client.session
        session["mfa_verified_at"] = 1
        session.save()
    return client


@pytest.fixture
def apex():
    """Factory: a client on the apex host, optionally logged in."""
    return lambda user=None: host_client("localhost", user)


@pytest.fixture
def on_host():
    """Factory: a client on an institution's host, optionally logged in."""
    return lambda institution, user=None: host_client(institution.primary_host, user)


@pytest.fixture
def in_schema():
    """Context manager: run ORM code inside an institution's schema."""
    return lambda institution: schema_context(institution.schema_name)


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Database access outside the per-test transaction: every write commits.

    For concurrency tests (threads use their own connections). Clean up what
    you create; never flush.
    """
    with django_db_blocker.unblock():
        # Committed rows must land in this run's test database, never the development one
        # (run alone, a concurrency test once built its world on the plain database).
        name = connection.settings_dict["NAME"]
        assert name.startswith("test_"), f"committed_db outside the test database: {name}"
        yield
        connection.set_schema_to_public()
