"""Org chart services: departments as a tree without cycles, profiles, absences."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from groupware.models import Absence, Department, StaffProfile
from groupware.org import services
from institution.models import AuditEvent


def test_department_move_refuses_own_ancestor(world, org, in_schema):
    """Moving a 본부 under its own 팀 is refused with a Korean error; nothing changes."""
    with in_schema(world.inst_a):
        with pytest.raises(ValidationError) as caught:
            services.department_move(
                actor=world.admin_a,
                institution=world.inst_a,
                department=org.hq,
                parent=org.planning,
            )
        assert "하위 부서" in caught.value.message_dict["parent"][0]
        assert Department.objects.get(pk=org.hq.pk).parent_id is None
        with pytest.raises(ValidationError):
            services.department_move(
                actor=world.admin_a, institution=world.inst_a, department=org.hq, parent=org.hq
            )


def test_department_move_allowed_and_audited(world, org, in_schema):
    with in_schema(world.inst_a):
        services.department_move(
            actor=world.admin_a, institution=world.inst_a, department=org.general, parent=org.hq
        )
        assert Department.objects.get(pk=org.general.pk).parent_id == org.hq.pk
        assert AuditEvent.objects.filter(action="department.move").exists()


def test_department_create_needs_admin_and_name(world, org, in_schema):
    with in_schema(world.inst_a):
        with pytest.raises(PermissionDenied):
            services.department_create(actor=world.staff_a, institution=world.inst_a, name="새팀")
        with pytest.raises(ValidationError) as caught:
            services.department_create(actor=world.admin_a, institution=world.inst_a, name="  ")
        assert caught.value.message_dict["name"] == ["부서명을 입력해 주세요."]
        with pytest.raises(ValidationError):
            services.department_create(
                actor=world.admin_a, institution=world.inst_a, name="기획팀", parent=org.division
            )
        assert not Department.objects.filter(name="새팀").exists()


def test_department_move_page_shows_error_next_to_field(world, org, on_host, in_schema):
    client = on_host(world.inst_a, world.admin_a)
    response = client.post(f"/staff/org/departments/{org.hq.pk}/move/", {"parent": org.planning.pk})
    assert response.status_code == 400
    assert "하위 부서 아래로 옮길 수 없습니다" in response.content.decode()
    with in_schema(world.inst_a):
        assert Department.objects.get(pk=org.hq.pk).parent_id is None


def test_department_pages_refuse_staff_and_outsiders(world, org, on_host):
    assert on_host(world.inst_a, world.staff_a).get("/staff/org/departments/").status_code == 403
    assert on_host(world.inst_a, world.admin_b).get("/staff/org/departments/").status_code == 404
    assert on_host(world.inst_a, world.admin_a).get("/staff/org/departments/").status_code == 200
    assert on_host(world.inst_a).get("/staff/org/departments/").status_code == 302


def test_department_create_page(world, org, on_host, in_schema):
    client = on_host(world.inst_a, world.admin_a)
    response = client.post(
        "/staff/org/departments/",
        {"new-name": "홍보팀", "new-kind": "team", "new-parent": org.division.pk},
    )
    assert response.status_code == 302
    with in_schema(world.inst_a):
        assert Department.objects.get(name="홍보팀").parent_id == org.division.pk


def test_profile_self_edit_limited_to_contact_fields(world, org, in_schema):
    with in_schema(world.inst_a):
        services.staff_profile_update(
            actor=world.staff_a, institution=world.inst_a, user=world.staff_a, extension="321"
        )
        assert StaffProfile.objects.get(user=world.staff_a).extension == "321"
        with pytest.raises(PermissionDenied):
            services.staff_profile_update(
                actor=world.staff_a,
                institution=world.inst_a,
                user=world.staff_a,
                department=org.general,
            )
        with pytest.raises(PermissionDenied):
            services.staff_profile_update(
                actor=world.staff_a, institution=world.inst_a, user=world.staff_a2, extension="1"
            )


def test_profile_edit_page_permissions(world, org, on_host):
    url = f"/staff/directory/{world.staff_a2.pk}/edit/"
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 403
    assert on_host(world.inst_a, world.admin_a).get(url).status_code == 200
    assert on_host(world.inst_a, world.staff_b).get(url).status_code == 404
    own = on_host(world.inst_a, world.staff_a).post(
        f"/staff/directory/{world.staff_a.pk}/edit/", {"extension": "555", "duties": "회계"}
    )
    assert own.status_code == 302


def test_absence_rejects_end_before_start_and_self_deputy(world, org, in_schema, now):
    with in_schema(world.inst_a):
        with pytest.raises(ValidationError) as caught:
            services.absence_create(
                actor=world.staff_a,
                institution=world.inst_a,
                user=world.staff_a,
                kind="leave",
                starts_at=now,
                ends_at=now - timedelta(hours=1),
            )
        assert caught.value.message_dict["ends_at"] == ["종료 시각은 시작 시각보다 늦어야 합니다."]
        with pytest.raises(ValidationError):
            services.absence_create(
                actor=world.staff_a,
                institution=world.inst_a,
                user=world.staff_a,
                kind="leave",
                starts_at=now,
                ends_at=now + timedelta(days=1),
                deputy=world.staff_a,
            )
        with pytest.raises(ValidationError) as caught:
            services.absence_create(
                actor=world.staff_a,
                institution=world.inst_a,
                user=world.staff_a,
                kind="leave",
                starts_at=now,
                ends_at=now + timedelta(days=1),
                deputy=world.staff_b,
            )
        assert "deputy" in caught.value.message_dict
        assert not Absence.objects.exists()


def test_absence_with_deputy_feeds_acting_deputy(world, org, in_schema, now):
    from groupware.public import acting_deputy

    with in_schema(world.inst_a):
        services.absence_create(
            actor=world.admin_a,
            institution=world.inst_a,
            user=world.admin_a,
            kind="business_trip",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=1),
            deputy=world.staff_a,
        )
        assert acting_deputy(world.admin_a) == world.staff_a
        with pytest.raises(ValidationError) as caught:
            services.absence_create(
                actor=world.admin_a,
                institution=world.inst_a,
                user=world.admin_a,
                kind="leave",
                starts_at=now,
                ends_at=now + timedelta(hours=2),
            )
        assert "겹칩니다" in caught.value.message_dict["starts_at"][0]


def test_absence_of_someone_else_needs_admin(world, org, in_schema, now):
    with in_schema(world.inst_a), pytest.raises(PermissionDenied):
        services.absence_create(
            actor=world.staff_a,
            institution=world.inst_a,
            user=world.staff_a2,
            kind="leave",
            starts_at=now,
            ends_at=now + timedelta(days=1),
        )


def test_absence_page_error_next_to_field(world, org, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    response = client.post(
        "/staff/absences/",
        {"kind": "leave", "starts_at": "2026-12-02T09:00", "ends_at": "2026-12-01T09:00"},
    )
    assert response.status_code == 400
    assert "종료 시각은 시작 시각보다 늦어야 합니다." in response.content.decode()
    ok = client.post(
        "/staff/absences/",
        {
            "kind": "leave",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-02T09:00",
            "deputy": world.staff_a2.pk,
        },
    )
    assert ok.status_code == 302
    with in_schema(world.inst_a):
        assert Absence.objects.get(user=world.staff_a).deputy == world.staff_a2


def test_absences_page_other_institution_404(world, org, on_host):
    assert on_host(world.inst_a, world.staff_b).get("/staff/absences/").status_code == 404
    assert on_host(world.inst_a, world.resident).get("/staff/absences/").status_code == 404


def test_seed_is_idempotent_and_three_levels(world, in_schema):
    from groupware import seed

    people = {
        "admin": world.admin_a,
        "facility": world.manager_a,
        "staff1": world.staff_a,
        "staff2": world.staff_a2,
    }
    with in_schema(world.inst_a):
        seed.seed_institution(institution=world.inst_a, people=people)
        seed.seed_institution(institution=world.inst_a, people=people)
        assert StaffProfile.objects.count() >= 20
        team = Department.objects.get(name="기획예산팀")
        assert [d.kind for d in team.ancestors()] == ["headquarters", "division"]
        assert Absence.objects.filter(deputy__isnull=False).exists()
        assert Absence.objects.filter(reason="연차휴가").count() == 1


def test_department_edit_page(world, org, on_host, in_schema):
    url = f"/staff/org/departments/{org.planning.pk}/edit/"
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 403
    assert on_host(world.inst_a, world.admin_b).get(url).status_code == 404
    client = on_host(world.inst_a, world.admin_a)
    busy = client.post(url, {"name": "기획팀", "kind": "team", "order": 1})  # is_active unticked
    assert busy.status_code == 400 and "사용 중지할 수 없습니다" in busy.content.decode()
    renamed = client.post(
        url,
        {
            "name": "기획조정팀",
            "short_name": "기획조정",
            "kind": "team",
            "order": 1,
            "is_active": "on",
        },
    )
    assert renamed.status_code == 302
    with in_schema(world.inst_a):
        assert Department.objects.get(pk=org.planning.pk).document_prefix == "기획조정"


def test_positions_page(world, org, on_host, in_schema):
    from groupware.models import Position

    url = "/staff/org/positions/"
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 403
    assert on_host(world.inst_a, world.admin_b).get(url).status_code == 404
    client = on_host(world.inst_a, world.admin_a)
    dup = client.post(url, {"which": "position", "pos-name": "팀장", "pos-level": 4})
    assert dup.status_code == 400 and "같은 이름의 직위가 이미 있습니다." in dup.content.decode()
    assert (
        client.post(url, {"which": "position", "pos-name": "본부장", "pos-level": 2}).status_code
        == 302
    )
    assert (
        client.post(url, {"which": "rank", "rank-name": "3급", "rank-order": 3}).status_code == 302
    )
    with in_schema(world.inst_a):
        assert list(Position.objects.values_list("name", flat=True)) == ["본부장", "팀장", "주임"]


def test_approved_leave_shows_as_dates_not_midnights(world, org, on_host, in_schema):
    """Leave recorded midnight to midnight reads "2026. 12. 2. ~ 2026. 12. 3. (종일)"."""
    from datetime import date

    from groupware.approval.public import LeaveApproved
    from groupware.schedule.receivers import leave_approved

    leave = LeaveApproved(
        leave_id=1,
        user_id=world.staff_a.pk,
        kind="annual",
        kind_label="연차",
        start_date=date(2026, 12, 2),
        end_date=date(2026, 12, 3),
    )
    with in_schema(world.inst_a):
        absence = leave_approved(leave)
        assert absence.whole_days and absence.last_day == date(2026, 12, 3)
    body = on_host(world.inst_a, world.admin_a).get("/staff/absences/").content.decode()
    assert "2026. 12. 2. ~ 2026. 12. 3. (종일)" in body and "00:00" not in body
