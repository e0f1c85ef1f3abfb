"""/healthz costs what a trivial request costs; /readyz checks the database, the
migrations (verdict kept until django_migrations changes) and the task worker."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from suite import views
from suite.models import WorkerHeartbeat


def statements(client, path):
    client.get(path)  # warm: the host cached, the migration verdict known
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, [q["sql"] for q in captured.captured_queries]


def test_healthz_is_one_select_on_apex_and_institution(world, on_host):
    for client in (Client(HTTP_HOST="localhost"), on_host(world.inst_a)):
        response, sql = statements(client, "/healthz")
        assert response.status_code == 200 and response.json()["status"] == "ok"
        assert sql == ["SELECT 1"]
        assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_migrations_and_worker_in_two_statements(world, on_host):
    WorkerHeartbeat.objects.create(worker_id="probe-test", hostname="h", pid=1)
    for client, schema in (
        (Client(HTTP_HOST="localhost"), "public"),
        (on_host(world.inst_a), world.inst_a.schema_name),
    ):
        response, sql = statements(client, "/readyz")
        assert response.status_code == 200, response.content
        assert response.json() == {
            "status": "ok",
            "schema": schema,
            "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
        }
        assert len(sql) == 2, sql


def test_readyz_reports_a_missing_worker_without_failing(world):
    WorkerHeartbeat.objects.all().delete()
    WorkerHeartbeat.objects.create(
        worker_id="probe-dead", hostname="h", pid=1, beat_at=timezone.now() - timedelta(hours=1)
    )
    response = Client(HTTP_HOST="localhost").get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["worker"] == "missing"


def test_readyz_notices_a_migration_record_removed_behind_its_back(world, on_host):
    """The verdict is kept per schema only while django_migrations is unchanged."""
    client = on_host(world.inst_a)
    assert client.get("/readyz").json()["checks"]["migrations"] == "ok"
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{world.inst_a.schema_name}".django_migrations'
            " WHERE id = (SELECT max(id) FROM"
            f' "{world.inst_a.schema_name}".django_migrations)'
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "migrations_pending"


def test_readyz_on_a_suspended_institution_still_answers(world, on_host):
    from tenants.services import institution_suspend

    institution_suspend(actor=world.operator, institution=world.inst_b, reason="점검")
    assert on_host(world.inst_b).get("/readyz").status_code == 200
    assert on_host(world.inst_b).get("/healthz").status_code == 200


def test_migration_verdict_is_computed_once_per_change(world, django_assert_num_queries):
    views._MIGRATION_VERDICTS.pop("public", None)
    rows, highest, _workers = views._readiness_row("public")
    assert views.migrations_pending("public", rows, highest) is False
    with django_assert_num_queries(0):  # no graph, no query: the verdict is known
        assert views.migrations_pending("public", rows, highest) is False
