"""Export to one archive and import into a new institution: a faithful round trip."""

import json
import tarfile

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import Membership
from groupware.models import Department
from institution.audit import audit_record
from institution.models import AuditEvent, Setting
from tenants import archive, services
from tenants.errors import LifecycleError
from tenants.models import Institution, PlatformAuditEvent
from tenants.provisioning import qident, schema_tables
from tests.tenants.conftest import NOTHING, leftovers


def row_counts(schema: str) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in schema_tables(schema):
            cursor.execute(f"SELECT COUNT(*) FROM {qident(schema)}.{qident(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def source(onboard, world, settings, tmp_path):
    """An institution with data in several tables (FKs, JSON, Korean text) and a file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    institution = onboard(slug="source", admin_email="admin.a@test.kr")
    with schema_context(institution.schema_name):
        Setting.objects.update_or_create(key="booking", defaults={"value": {"review_days": 5}})
        Setting.objects.create(key="custom", value={"문구": '안녕하세요, "따옴표"\n줄바꿈'})
        head = Department.objects.create(name="경영본부", kind="headquarters")
        for n in range(3):
            Department.objects.create(name=f"문화사업{n}팀", parent=head, order=n)
        for n in range(5):
            audit_record(actor=world.admin_a, action="test.event", summary=f"기록 {n}")
    folder = settings.MEDIA_ROOT / institution.schema_name / "logo"
    folder.mkdir(parents=True)
    (folder / "mark.txt").write_text("로고")
    return institution


def test_round_trip_restores_every_table_and_record(source, world, tmp_path):
    exported = services.institution_export(
        actor=world.operator, institution=source, destination=tmp_path / "source.tar.gz"
    )
    manifest = exported.manifest
    assert manifest["source"]["slug"] == "source"
    assert manifest["version"] == archive.VERSION
    assert manifest["suite_version"]
    assert ["institution", "0001_initial"] in manifest["migrations"]
    original_counts = row_counts(source.schema_name)
    assert {t: v["rows"] for t, v in manifest["tables"].items()} == original_counts

    copy = services.institution_import(
        actor=world.operator, archive_path=exported.path, slug="restored", reason="복원 시험"
    )
    assert copy.name == source.name
    assert copy.schema_name == "inst_restored"
    restored_counts = row_counts(copy.schema_name)
    assert restored_counts.pop("django_migrations") > 0
    original_counts.pop("django_migrations")
    assert restored_counts == original_counts

    with schema_context(copy.schema_name):
        assert Setting.objects.get(key="booking").value == {"review_days": 5}
        assert Setting.objects.get(key="custom").value == {"문구": '안녕하세요, "따옴표"\n줄바꿈'}
        head = Department.objects.get(name="경영본부")
        assert sorted(head.children.values_list("name", flat=True)) == [
            "문화사업0팀",
            "문화사업1팀",
            "문화사업2팀",
        ]
        assert AuditEvent.objects.filter(action="test.event").count() == 5
        # Sequences moved past the loaded ids: new rows do not collide.
        newer = Department.objects.create(name="새 팀")
        assert newer.pk > max(Department.objects.exclude(pk=newer.pk).values_list("pk", flat=True))
    assert (settings.MEDIA_ROOT / "inst_restored" / "logo" / "mark.txt").read_text() == "로고"
    assert Membership.objects.get(institution=copy, user=world.admin_a).role == "institution_admin"
    event = PlatformAuditEvent.objects.get(institution=copy, action="import")
    assert (event.actor, event.reason, event.details["source_slug"]) == (
        world.operator,
        "복원 시험",
        "source",
    )
    export_event = PlatformAuditEvent.objects.get(institution=source, action="export")
    assert export_event.details["rows"] == sum(v["rows"] for v in manifest["tables"].values())
    assert len(export_event.details["sha256"]) == 64


def test_archive_layout(source, world, tmp_path):
    path = services.institution_export(
        actor=world.operator, institution=source, destination=tmp_path
    ).path
    with tarfile.open(path, "r:gz") as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "data/institution_setting.csv" in names
    assert "media/logo/mark.txt" in names
    assert {f"data/{t}.csv" for t in manifest["tables"]} <= names
    assert manifest["media_files"] == 1


def test_import_with_a_taken_slug_is_refused(source, world, tmp_path):
    path = services.institution_export(
        actor=world.operator, institution=source, destination=tmp_path
    ).path
    with pytest.raises(Exception) as caught:
        services.institution_import(actor=world.operator, archive_path=path, slug="testa")
    assert "slug" in caught.value.error_dict


def test_import_of_a_newer_or_broken_archive_creates_nothing(source, world, tmp_path):
    path = services.institution_export(
        actor=world.operator, institution=source, destination=tmp_path / "a.tar.gz"
    ).path
    manifest = archive.read_manifest(path)

    def rewrite(target, change):
        data = dict(manifest)
        change(data)
        with tarfile.open(path, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
            for member in src:
                if member.name == "manifest.json":
                    continue
                dst.addfile(member, src.extractfile(member) if member.isfile() else None)
            archive._add_bytes(dst, "manifest.json", json.dumps(data).encode())
        return target

    newer = rewrite(
        tmp_path / "newer.tar.gz",
        lambda d: d.update(migrations=d["migrations"] + [["institution", "9999_future"]]),
    )
    with pytest.raises(LifecycleError) as caught:
        services.institution_import(actor=world.operator, archive_path=newer, slug="fromfuture")
    assert caught.value.code == "archive_newer"
    assert leftovers("fromfuture") == NOTHING

    def wrong_count(data):
        data["tables"] = {**data["tables"]}
        data["tables"]["institution_setting"] = {
            **data["tables"]["institution_setting"],
            "rows": 999,
        }

    lying = rewrite(tmp_path / "lying.tar.gz", wrong_count)
    with pytest.raises(LifecycleError) as caught:
        services.institution_import(actor=world.operator, archive_path=lying, slug="liar")
    assert caught.value.code == "import_mismatch"
    assert leftovers("liar") == NOTHING

    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    with pytest.raises(LifecycleError) as caught:
        services.institution_import(actor=world.operator, archive_path=garbage, slug="garbage")
    assert caught.value.code == "archive_invalid"
    assert leftovers("garbage") == NOTHING
    assert Institution.objects.filter(slug__in=["fromfuture", "liar", "garbage"]).count() == 0
