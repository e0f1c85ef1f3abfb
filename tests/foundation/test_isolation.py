"""Nothing of one institution is visible to another — by schema, host, id or savepoint."""

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from institution.models import AuditEvent


class Boom(Exception):
    pass


def test_rows_live_in_their_own_schema(world):
    with schema_context(world.inst_a.schema_name):
        AuditEvent.objects.create(action="x", summary="A-only")
    with schema_context(world.inst_b.schema_name):
        assert not AuditEvent.objects.filter(summary="A-only").exists()
    with schema_context(world.inst_a.schema_name):
        assert AuditEvent.objects.filter(summary="A-only").exists()


def test_public_schema_has_no_institution_tables(world):
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'institution_auditevent'"
        )
        assert cursor.fetchone()[0] == 0


def test_savepoint_rollback_does_not_leak_the_other_schema(world):
    """A schema switch inside a rolled-back savepoint must not leave queries on the wrong schema."""
    with transaction.atomic():
        connection.set_tenant(world.inst_a)
        AuditEvent.objects.create(action="x", summary="A-only")
        with pytest.raises(Boom), transaction.atomic():
            connection.set_tenant(world.inst_b)
            assert AuditEvent.objects.filter(summary="A-only").count() == 0
            raise Boom
        # PostgreSQL rolled the SET search_path back with the savepoint; Django still
        # believes it is on B. Every query must really run on B.
        assert connection.schema_name == world.inst_b.schema_name
        assert not AuditEvent.objects.filter(summary="A-only").exists()
        connection.set_tenant(world.inst_a)
        assert AuditEvent.objects.filter(summary="A-only").exists()
    connection.set_schema_to_public()


def test_host_header_decides_the_institution_not_the_session(world, on_host):
    """Staff of A, signed in, asking B's host for B's staff pages get 404."""
    client = on_host(world.inst_b, world.staff_a)
    assert client.get("/manage/members/").status_code == 404


def test_staff_pages_do_not_exist_for_residents(world, on_host):
    """accounts.access.staff_page: a resident gets the 404 of a page that does not exist."""
    assert on_host(world.inst_a, world.resident).get("/manage/members/").status_code == 404


def test_request_leaves_the_connection_usable_for_the_next_host(world, on_host):
    on_host(world.inst_a).get("/")
    body = on_host(world.inst_b).get("/").content.decode()
    assert world.inst_b.name in body and world.inst_a.name not in body


def test_media_of_another_institution_is_not_served(world, on_host, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / world.inst_b.schema_name
    (folder / "facilities").mkdir(parents=True)
    (folder / "facilities" / "hall.jpg").write_text("B")
    (folder / "private").mkdir()
    (folder / "private" / "doc.txt").write_text("B")
    public = f"/media/{world.inst_b.schema_name}/facilities/hall.jpg"
    assert on_host(world.inst_a).get(public).status_code == 404
    assert on_host(world.inst_b).get(public).status_code == 200
    assert (
        on_host(world.inst_b).get(f"/media/{world.inst_b.schema_name}/private/doc.txt").status_code
        == 404
    )
