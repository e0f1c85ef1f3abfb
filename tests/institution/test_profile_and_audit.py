"""Institution profile editing and the audit log page."""

from institution.models import AuditEvent
from tenants.models import Institution


def test_admin_edits_profile_and_it_is_audited(world, on_host, in_schema):
    data = {
        "name": world.inst_a.name,
        "short_name": "가나문화재단",
        "head_title": "가나시 문화재단 이사장",
        "address": "가나시 중앙로 1",
        "postal_code": "12345",
        "phone": "02-000-0000",
        "fax": "",
        "email": "info@gana.kr",
        "homepage": "https://gana.kr",
    }
    response = on_host(world.inst_a, world.admin_a).post("/manage/profile/", data)
    assert response.status_code == 302
    institution = Institution.objects.get(pk=world.inst_a.pk)
    assert institution.short_name == "가나문화재단" and institution.address == "가나시 중앙로 1"
    with in_schema(world.inst_a):
        event = AuditEvent.objects.get(action="institution.profile")
    assert "short_name" in event.data


def test_profile_bad_input_changes_nothing(world, on_host):
    response = on_host(world.inst_a, world.admin_a).post(
        "/manage/profile/", {"name": "", "short_name": "", "email": "bad"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"name", "short_name", "email"} <= set(form.errors)
    assert Institution.objects.get(pk=world.inst_a.pk).name == world.inst_a.name


def test_audit_log_shows_this_institutions_events_only(world, on_host, in_schema):
    with in_schema(world.inst_a):
        AuditEvent.objects.create(action="member.invite", summary="A의 기록", actor_label="a")
    with in_schema(world.inst_b):
        AuditEvent.objects.create(action="member.invite", summary="B의 기록", actor_label="b")
    body = on_host(world.inst_a, world.admin_a).get("/manage/audit/").content.decode()
    assert "A의 기록" in body and "B의 기록" not in body
    filtered = (
        on_host(world.inst_a, world.admin_a)
        .get("/manage/audit/", {"action": "nothing"})
        .content.decode()
    )
    assert "A의 기록" not in filtered
