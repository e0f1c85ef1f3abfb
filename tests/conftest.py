"""Shared fixtures: two institutions and their people, created once per test run.

Schemas are expensive, so the template schema and the test institutions are
made once in ``django_db_setup`` (committed); each test then runs inside a
transaction that is rolled back. Tests that need real commits (concurrency)
use ``committed_db`` and clean up what they create.
"""

import os
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tests import dbcache, factories

# `make test` runs two pytest-xdist workers (`pytest -n 2`), each on its own test database,
# and each must go through what a single process would. Tests whose writes are rolled back
# come first (pytest-django orders them so); some later ones commit (``committed_db``, the
# live servers of tests/hardening, the browser world) and do not always leave the database
# as they found it, or count on an earlier one to have tidied up. So the run is cut once, at
# the first test that commits: one worker takes the rolled-back tests before it, the other
# everything from there on, both in the single-process order (_TwoParts below).
_COMMITS = {"committed_db", "module_db", "site"}
_CUT_FOLDER = Path(__file__).resolve().parent.parent / "var"


def _rolled_back(item) -> bool:
    """As pytest-django tells them (a ``django_db`` mark or the ``db`` fixture), and using
    none of the fixtures that commit."""
    uses_db = item.get_closest_marker("django_db") is not None or "db" in item.fixturenames
    return uses_db and not _COMMITS & set(item.fixturenames)


def _cut_file(run_id: str) -> Path:
    return _CUT_FOLDER / f".xdist-cut-{run_id}"


def pytest_configure(config):
    if hasattr(config, "workerinput"):
        config.pluginmanager.register(_CutReporter(config), "suite-cut-reporter")


class _CutReporter:
    """In a pytest-xdist worker: tell the controller where the cut falls (the controller
    does not collect, and only sees test ids). Registered at configure time, so it runs
    after pytest-django and tests/browser/conftest.py have put the tests in their order."""

    def __init__(self, config):
        self.run_id = config.workerinput["testrunuid"]

    def pytest_collection_modifyitems(self, items):
        cut = next((item.nodeid for item in items if not _rolled_back(item)), "")
        target = _cut_file(self.run_id)
        target.parent.mkdir(exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}")
        partial.write_text(cut)
        partial.replace(target)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``pytest -n N`` (``--dist load``): two parts, each to one worker (see above)."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class _TwoParts(LoadScopeScheduling):
        _part_of: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._part_of is None:
                path = _cut_file(self.nodes[0].workerinput["testrunuid"])
                cut = path.read_text()
                path.unlink(missing_ok=True)
                ids = list(self.collection or [])
                at = ids.index(cut) if cut in ids else len(ids)
                self._part_of = {
                    n: "rolled-back" if i < at else "commits" for i, n in enumerate(ids)
                }
            return self._part_of[nodeid]

    config.option.loadscopereorder = False
    return _TwoParts(config, log)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_modify_db_settings, django_db_blocker):
    """This process's test database, migrated and holding the test world: built once per
    state of the code and copied from then on (tests/dbcache.py). Replaces pytest-django's
    own, which creates the database only when some selected test asks for ``db`` — a run
    of ``committed_db`` tests alone would otherwise build the test world in, and write to,
    the development database."""
    from django.test.utils import teardown_databases

    with django_db_blocker.unblock():
        created = dbcache.setup(_build_world)
        _drop_test_databases_of_dead_runs()
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()
        teardown_databases(created, verbosity=0)


def _end_other_sessions() -> None:
    """A connection some thread or child process of this run left open would make dropping
    the test database fail (it is this run's own database: nobody else uses it)."""
    name = connection.settings_dict["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


def _build_world() -> None:
    factories.build_world()
    connection.set_schema_to_public()


def _drop_test_databases_of_dead_runs() -> None:
    """Test databases are named per process (suite/settings/test.py); a run that was
    killed leaves its database behind on the embedded server. Drop those."""
    import psutil

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'test_suite_%%'")
        for (name,) in cursor.fetchall():
            # test_suite_<pid>, or test_suite_<pid>_gw<n> under pytest-xdist
            pid = name.removeprefix("test_suite_").split("_")[0]
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
