"""Applying for a program collects personal data (name, e-mail, phone, birth date,
residency): the form shows the consent apart (items, purpose, retention, a link to the
policy), refuses without it (Korean error next to the box, nothing stored) and stores the
consent with its version next to the application — the way booking does."""

from django_tenants.utils import schema_context

from privacy.models import Consent
from programs.models import Application
from tests.programs.conftest import make_program


def test_the_form_shows_the_consent_apart(world, on_host):
    with schema_context(world.inst_a.schema_name):
        program = make_program()
    body = on_host(world.inst_a, world.resident).get(f"/programs/{program.pk}/").content.decode()
    assert "[필수] 프로그램 신청 개인정보 수집·이용 동의" in body
    assert 'name="consent_program_required"' in body
    assert "수집·이용 목적" in body and "보유·이용 기간" in body
    assert "종료일로부터 3년" in body  # the institution's retention setting, described
    assert "/privacy/" in body  # 처리방침


def test_applying_without_consent_is_refused_with_nothing_stored(world, on_host):
    with schema_context(world.inst_a.schema_name):
        program = make_program(age_min=None, age_max=None)
    refused = on_host(world.inst_a, world.resident).post(f"/programs/{program.pk}/apply/", {})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "필수 동의 항목에 동의해야 진행할 수 있습니다." in body
    assert 'id="id_consent_program_required_error"' in body
    with schema_context(world.inst_a.schema_name):
        assert not Application.objects.filter(program=program).exists()
        assert not Consent.objects.filter(user_id=world.resident.pk, key="program.required")
        program.refresh_from_db()
        assert program.confirmed_count == 0


def test_the_consent_is_stored_with_the_application(world, on_host):
    with schema_context(world.inst_a.schema_name):
        program = make_program(age_min=None, age_max=None)
    applied = on_host(world.inst_a, world.resident).post(
        f"/programs/{program.pk}/apply/",
        {"consent_program_required": "on"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert applied.status_code == 302
    with schema_context(world.inst_a.schema_name):
        application = Application.objects.get(program=program, applicant_id=world.resident.pk)
        consent = Consent.objects.get(user_id=world.resident.pk, key="program.required")
    assert consent.granted and consent.required and consent.version
    assert consent.context == f"program:{application.pk}"
    assert "생년월일" in consent.items and "종료일로부터" in consent.retention


def test_a_refused_application_stores_no_consent(world, on_host):
    """The service refuses (already applied): the consent is not stored either."""
    with schema_context(world.inst_a.schema_name):
        program = make_program(age_min=None, age_max=None)
    client = on_host(world.inst_a, world.resident)
    data = {"consent_program_required": "on"}
    assert client.post(f"/programs/{program.pk}/apply/", data).status_code == 302
    again = client.post(f"/programs/{program.pk}/apply/", data)
    assert again.status_code == 400
    with schema_context(world.inst_a.schema_name):
        assert (
            Consent.objects.filter(user_id=world.resident.pk, key="program.required").count() == 1
        )
