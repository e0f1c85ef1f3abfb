"""The schema switch at near-zero cost and never wrong.

``TENANT_LIMIT_SET_CALLS``: ``SET search_path`` is sent once per connection and schema,
not before every statement — and sent again whenever the server's value may differ from
the one remembered: after a rolled-back savepoint or transaction (the known leak of
another institution's search_path), on a new or pooled connection, after the task worker
dropped a dead connection. The host → institution lookup is cached across processes and
stale at once when a domain or an institution's status changes (tenants/hosts.py).
"""

import uuid

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tenants.utils import schema_context

from suite.postgresql_backend.base import DatabaseWrapper
from suite.worker import ResilientWorker
from tenants import hosts
from tenants.models import Domain, Institution
from tenants.services import institution_reactivate, institution_suspend


def current_schema(conn=connection) -> str:
    with conn.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def search_path_sets(captured) -> int:
    return sum(1 for q in captured.captured_queries if q["sql"].startswith("SET search_path"))


# --- SET search_path once, not per statement -------------------------------------------


def test_a_request_sends_search_path_at_most_once_and_not_again_on_the_same_schema(world, on_host):
    client = on_host(world.inst_a, world.staff_a)
    for institution in (world.inst_a, world.inst_b):  # hosts known (tenants.hosts)
        hosts.institution_for_host(institution.primary_host)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/staff/").status_code == 200
    assert search_path_sets(first) <= 1
    assert len(first.captured_queries) > 3  # the page did query: each did not get a SET
    with CaptureQueriesContext(connection) as again:
        assert client.get("/staff/").status_code == 200
    assert search_path_sets(again) == 0  # same connection, same schema: nothing to send
    with CaptureQueriesContext(connection) as other:
        assert on_host(world.inst_b, world.staff_b).get("/staff/").status_code == 200
    assert search_path_sets(other) == 1  # another institution: sent once
    assert current_schema() == world.inst_b.schema_name


def test_each_host_reads_its_own_schema_on_one_connection(world, on_host):
    """Alternating hosts on one connection: the data is always the host's own."""
    for _round in range(3):
        for institution, user in ((world.inst_a, world.staff_a), (world.inst_b, world.staff_b)):
            response = on_host(institution, user).get("/healthz")
            assert response.json()["schema"] == institution.schema_name
            assert current_schema() == institution.schema_name
        assert Client(HTTP_HOST="localhost").get("/healthz").json()["schema"] == "public"
        assert current_schema() == "public"


# --- the known leak: a rolled-back savepoint -------------------------------------------


def test_rolled_back_savepoint_does_not_leave_the_other_schema_behind(world):
    """A switch to B inside a savepoint, then the savepoint rolled back: the server's
    search_path went back to A, but the connection is (still) told B — the next statement
    must run in B, not silently in A."""
    a, b = world.inst_a.schema_name, world.inst_b.schema_name
    with transaction.atomic():
        connection.set_schema(a)
        assert current_schema() == a
        try:
            with transaction.atomic():
                connection.set_schema(b)
                assert current_schema() == b  # SET sent inside the savepoint
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        assert connection.schema_name == b
        assert current_schema() == b


def test_schema_context_inside_a_rolled_back_savepoint_returns_to_the_first_schema(world):
    a, b = world.inst_a.schema_name, world.inst_b.schema_name
    with transaction.atomic():
        connection.set_schema(a)
        assert current_schema() == a
        try:
            with transaction.atomic(), schema_context(b):
                assert current_schema() == b
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        assert current_schema() == a
        with schema_context(b):
            assert current_schema() == b
        assert current_schema() == a


def test_savepoint_rolled_back_after_the_switch_was_committed_to_the_server(world):
    """The SET happened before the savepoint: rolling the savepoint back keeps it."""
    a, b = world.inst_a.schema_name, world.inst_b.schema_name
    with transaction.atomic():
        connection.set_schema(b)
        assert current_schema() == b
        try:
            with transaction.atomic():
                connection.set_schema(a)  # switched, but no statement yet
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        assert current_schema() == a
        connection.set_schema(b)
        assert current_schema() == b


# --- new connections ---------------------------------------------------------------------


@pytest.fixture
def second_connection():
    conn = DatabaseWrapper({**connection.settings_dict}, alias="tenancy_plumbing")
    yield conn
    conn.close()


def test_a_connection_dropped_without_closing_sets_the_search_path_again(world, second_connection):
    """The task worker forgets a connection whose server is gone (suite/worker.py sets
    ``connection.connection = None`` when closing fails): the next connection must not
    trust the search_path remembered for the old one."""
    conn = second_connection
    conn.set_schema(world.inst_a.schema_name)
    assert current_schema(conn) == world.inst_a.schema_name
    assert conn.search_path_set_schemas  # remembered: no SET before the next statements
    conn.connection.close()
    conn.connection = None  # what suite.worker._drop_connection does when close() fails
    assert current_schema(conn) == world.inst_a.schema_name


def test_a_pooled_connection_does_not_bring_its_last_users_schema(world):
    """psycopg's pool hands back a connection with the search_path its last user left."""
    settings = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}},
    }
    alias = f"pool_{uuid.uuid4().hex[:8]}"
    first, second = DatabaseWrapper(settings, alias=alias), DatabaseWrapper(settings, alias=alias)
    try:
        first.set_schema(world.inst_a.schema_name)
        assert current_schema(first) == world.inst_a.schema_name
        raw = first.connection
        first.close()  # back to the pool, search_path still inst_a on the server
        second.set_schema_to_public()
        assert current_schema(second) == "public"
        assert second.connection is raw  # the very same server connection
        second.close()
        first.set_schema(world.inst_b.schema_name)
        assert current_schema(first) == world.inst_b.schema_name
    finally:
        first.close()
        second.close()
        first.close_pool()


# --- the task worker switching schemas ------------------------------------------------


def _queue(path: str, **kwargs) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=path,
        args_kwargs={"args": [], "kwargs": kwargs},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )


def test_the_task_worker_runs_each_task_in_its_own_schema(committed_db):
    """One worker, one connection, tasks of A, B and the public schema in turn — and one
    that switches inside a rolled-back savepoint and fails: every task sees its schema."""
    a, b = "inst_testa", "inst_testb"
    connection.set_schema_to_public()
    queued = [
        _queue("tests.suite.tasks.schema_seen", schema_name=a),
        _queue("tests.suite.tasks.schema_seen", schema_name=b),
        _queue("tests.suite.tasks.switch_then_fail", schema_name=b),
        _queue("tests.suite.tasks.schema_seen"),
        _queue("tests.suite.tasks.schema_seen", schema_name=a),
        _queue("tests.suite.tasks.schema_seen"),
    ]
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"plumbing-{uuid.uuid4().hex[:8]}",
        excluded_queue_names=[],
    )
    try:
        worker.run()
        results = {r.pk: r for r in DBTaskResult.objects.filter(pk__in=[t.pk for t in queued])}
        seen = [
            (results[t.pk].status, results[t.pk].return_value, results[t.pk].exception_class_path)
            for t in queued
        ]
        assert [s[0] for s in seen] == [
            "SUCCESSFUL",
            "SUCCESSFUL",
            "FAILED",
            "SUCCESSFUL",
            "SUCCESSFUL",
            "SUCCESSFUL",
        ]
        assert [s[1] for s in seen] == [a, b, None, "public", a, "public"]
        failed = results[queued[2].pk]
        assert failed.exception_class_path == "tests.suite.tasks.Undone"
        assert failed.traceback.rstrip().endswith("Undone: public")  # back where it began
        assert current_schema() == "public"
    finally:
        DBTaskResult.objects.filter(pk__in=[t.pk for t in queued]).delete()
        connection.set_schema_to_public()


# --- host → institution, cached -------------------------------------------------------


def test_cached_host_costs_no_query_for_the_lookup(world, on_host):
    client = on_host(world.inst_a)
    client.get("/healthz")  # fills the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/healthz").json()["schema"] == world.inst_a.schema_name
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "tenants_domain" not in sql and "tenants_institution" not in sql
    assert len(captured.captured_queries) == 1  # SELECT 1, nothing else


def test_suspension_is_seen_at_once_although_the_host_was_cached(world, on_host):
    client = on_host(world.inst_a, world.staff_a)
    assert client.get("/staff/").status_code == 200  # cached as active
    institution_suspend(actor=world.operator, institution=world.inst_a, reason="점검")
    assert client.get("/staff/").status_code == 503
    institution_reactivate(actor=world.operator, institution=world.inst_a, reason="재개")
    assert client.get("/staff/").status_code == 200


def test_a_new_domain_answers_and_a_removed_one_stops(world):
    assert Client(HTTP_HOST="culture.example.kr").get("/healthz").status_code == 404
    domain = Domain.objects.create(domain="culture.example.kr", tenant=world.inst_a)
    response = Client(HTTP_HOST="culture.example.kr").get("/healthz")
    assert response.json()["schema"] == world.inst_a.schema_name
    domain.tenant = world.inst_b
    domain.save()
    response = Client(HTTP_HOST="culture.example.kr").get("/healthz")
    assert response.json()["schema"] == world.inst_b.schema_name
    domain.delete()
    assert Client(HTTP_HOST="culture.example.kr").get("/healthz").status_code == 404


def test_profile_change_reaches_the_cached_institution(world, on_host):
    client = on_host(world.inst_a)
    assert world.inst_a.name in client.get("/").content.decode()
    institution = Institution.objects.get(pk=world.inst_a.pk)
    institution.name = "새이름 문화재단"
    institution.save(update_fields=["name"])
    assert "새이름 문화재단" in client.get("/").content.decode()


def test_an_entry_read_before_a_change_is_stale_after_it(world):
    """A request of another process read the old row and writes it to the cache after the
    change was made: the entry carries the old generation and is not used."""
    host = world.inst_a.primary_host
    before = hosts.institution_for_host(host)
    assert before.status == Institution.Status.ACTIVE
    generation = hosts._cache().get(hosts.GENERATION_KEY)
    Institution.objects.filter(pk=world.inst_a.pk).update(status=Institution.Status.SUSPENDED)
    hosts.hosts_changed()
    # the late writer: an entry made under the old generation
    hosts._cache().set(hosts._entry_key(host), (generation, before))
    assert hosts.institution_for_host(host).status == Institution.Status.SUSPENDED


def test_cached_institution_knows_its_primary_host_without_a_query(world):
    host = world.inst_a.primary_host
    hosts.institution_for_host(host)
    institution = hosts.institution_for_host(host)  # from the cache
    with CaptureQueriesContext(connection) as captured:
        assert institution.primary_host == host
        assert institution.absolute_url("/x/").endswith("/x/")
    assert captured.captured_queries == []
