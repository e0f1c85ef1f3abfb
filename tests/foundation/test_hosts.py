"""Host routing: apex → portal, <slug>.<apex> → institution, unknown → neutral 404."""

from django.test import Client


def test_apex_serves_portal(db, world):
    response = Client(HTTP_HOST="localhost").get("/")
    assert response.status_code == 200
    assert world.inst_a.name in response.content.decode()


def test_institution_host_serves_that_institution(db, world, on_host):
    response = on_host(world.inst_a).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert world.inst_a.name in body
    assert world.inst_b.name not in body


def test_unknown_host_is_404_naming_no_institution(db, world):
    response = Client(HTTP_HOST="nowhere.localhost").get("/")
    body = response.content.decode()
    assert response.status_code == 404
    for name in (world.inst_a.name, world.inst_b.name, world.inst_a.slug, world.inst_b.slug):
        assert name not in body


def test_unknown_host_api_path_answers_error_shape(db, world):
    response = Client(HTTP_HOST="nowhere.localhost").get("/api/v1/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_host"


def test_healthz_on_apex_and_institution(db, world, on_host):
    assert Client(HTTP_HOST="localhost").get("/healthz").status_code == 200
    response = on_host(world.inst_a).get("/healthz")
    assert response.status_code == 200
    assert response.json()["schema"] == world.inst_a.schema_name


def test_readyz_is_503_when_the_schema_is_not_migrated(db, world):
    """Readiness, not liveness: /healthz stays 200 (the process is fine), /readyz says no."""
    from django.db import connection

    from tenants.models import Domain, Institution

    Institution.auto_create_schema = False
    try:
        empty = Institution.objects.create(
            schema_name="inst_unmigrated", slug="unmigrated", name="빈 기관", short_name="빈"
        )
    finally:
        Institution.auto_create_schema = True
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "inst_unmigrated"')
    Domain.objects.create(domain="unmigrated.localhost", tenant=empty)
    assert Client(HTTP_HOST="unmigrated.localhost").get("/healthz").status_code == 200
    response = Client(HTTP_HOST="unmigrated.localhost").get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "migrations_pending"


def test_malformed_host_header_is_a_plain_400(db, world):
    response = Client(HTTP_HOST="bad host!").get("/")
    assert response.status_code == 400
    assert "잘못된 요청" in response.content.decode()
