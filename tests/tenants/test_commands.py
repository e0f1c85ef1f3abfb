"""The operator's management commands: onboard, suspend, reactivate, export, import,
delete, and migrate_schemas (template first, institutions with progress)."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from tenants import provisioning
from tenants.models import Institution, PlatformAuditEvent
from tests.tenants.conftest import NOTHING, leftovers


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out, **options)
    connection.set_schema_to_public()
    return out.getvalue()


def test_onboard_institution(world):
    output = run(
        "onboard_institution",
        "--slug=culture9",
        "--name=가나시 문화재단 9",
        "--short-name=문화9",
        "--admin-email=a@b.kr",
        "--actor=operator@test.kr",
    )
    assert "culture9.localhost" in output
    institution = Institution.objects.get(slug="culture9")
    assert mail.outbox[0].to == ["a@b.kr"]
    event = PlatformAuditEvent.objects.get(institution=institution)
    assert event.actor == world.operator


def test_onboard_institution_refuses_bad_slug_with_the_message(world):
    with pytest.raises(CommandError) as caught:
        run("onboard_institution", "--slug=admin", "--name=x", "--short-name=x")
    assert "slug: 'admin'은(는) 예약어" in str(caught.value)
    assert leftovers("admin") == NOTHING


def test_suspend_and_reactivate_commands(world):
    with pytest.raises(CommandError):
        run("suspend_institution", "nope", "--reason=x")
    run("suspend_institution", "testa", "--reason=정기 점검")
    assert Institution.objects.get(slug="testa").status == "suspended"
    event = PlatformAuditEvent.objects.filter(action="suspend").first()
    assert event.actor_label.startswith("cli")
    assert event.reason == "정기 점검"
    with pytest.raises(CommandError) as caught:
        run("suspend_institution", "testa", "--reason=again")
    assert "illegal_transition" in str(caught.value)
    run("reactivate_institution", "testa", "--reason=끝")
    assert Institution.objects.get(slug="testa").status == "active"


def test_export_import_delete_commands(world, tmp_path):
    output = run("export_institution", "testb", f"--output={tmp_path}")
    archive = next(tmp_path.glob("testb-*.tar.gz"))
    assert str(archive) in output
    run("import_institution", str(archive), "--slug=testb-copy", "--name=복사본 체육회")
    copy = Institution.objects.get(slug="testb-copy")
    assert copy.name == "복사본 체육회"
    assert copy.schema_name == "inst_testb_copy"

    with pytest.raises(CommandError) as caught:
        run("delete_institution", "testb-copy", "--reason=시험 끝")
    assert "export_required" in str(caught.value)
    run("delete_institution", "testb-copy", "--reason=시험 끝", "--force", "--purge")
    assert Institution.objects.get(slug="testb-copy").status == "archived"
    assert not provisioning.schema_exists("inst_testb_copy")


def test_migrate_schemas_brings_the_template_along_and_reports_progress(world):
    """Up-to-date schemas are skipped; with --no-skip every institution runs, with progress."""
    output = run("migrate_schemas", "--tenant", "--parallel=1", "--no-skip")
    assert "template schema _template" in output
    assert "institution 1 of 2: inst_testa ok" in output
    assert "institution 2 of 2: inst_testb ok" in output

    quiet = run("migrate_schemas", "--tenant")
    assert "_template: up to date" in quiet
    assert "2 of 2 institution schemas already up to date" in quiet


def test_migrate_schemas_check_and_a_stale_template(world):
    run("migrate_schemas", "--tenant", "--check")  # all applied: exits normally
    with connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM "inst_testb".django_migrations WHERE id = '
            '(SELECT MAX(id) FROM "inst_testb".django_migrations)'
        )
    with pytest.raises(SystemExit):
        run("migrate_schemas", "--tenant", "--check")
    assert provisioning.pending_migrations("inst_testb")
