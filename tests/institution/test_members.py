"""Institution admin pages: invite, change role, deactivate — permissions, errors, audit."""

import re

import pytest
from django.core import mail

from accounts.models import Membership, Role, User
from institution.models import AuditEvent


def _audit(in_schema, inst, action):
    with in_schema(inst):
        return list(AuditEvent.objects.filter(action=action))


@pytest.mark.parametrize("path", ["/manage/members/", "/manage/profile/", "/manage/audit/"])
def test_admin_pages_permissions(world, on_host, path):
    assert on_host(world.inst_a).get(path).status_code == 302  # anonymous → log-in
    wrong_role = on_host(world.inst_a, world.staff_a).get(path)
    assert wrong_role.status_code == 403  # wrong role, told who may
    assert "기관 관리자만 할 수 있습니다." in wrong_role.content.decode()
    assert on_host(world.inst_a, world.manager_a).get(path).status_code == 403
    assert on_host(world.inst_a, world.resident).get(path).status_code == 404  # resident
    assert (
        on_host(world.inst_a, world.admin_b).get(path).status_code == 404
    )  # other institution's staff
    assert on_host(world.inst_a, world.admin_a).get(path).status_code == 200


def test_invite_new_person_sends_a_link_that_sets_a_password(
    world, on_host, in_schema, django_capture_on_commit_callbacks
):
    client = on_host(world.inst_a, world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/manage/members/", {"email": "newbie@test.kr", "name": "신입", "role": Role.STAFF}
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="newbie@test.kr", institution=world.inst_a)
    assert membership.role == Role.STAFF and membership.is_active
    assert len(mail.outbox) == 1 and world.inst_a.name in mail.outbox[0].subject
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    invitee = on_host(world.inst_a)
    form_url = invitee.get(path, follow=True).redirect_chain[-1][0]
    response = invitee.post(
        form_url,
        # (not "welcome-2026!": a common word plus a year is refused, accounts/passwords.py)
        {
            "name": "신입직원",
            "new_password1": "new-staff-2026!",
            "new_password2": "new-staff-2026!",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="newbie@test.kr")
    assert user.check_password("new-staff-2026!") and user.name == "신입직원"
    assert [e.summary for e in _audit(in_schema, world.inst_a, "member.invite")]


def test_invite_existing_member_is_refused_and_nothing_sent(
    world, on_host, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = on_host(world.inst_a, world.admin_a).post(
            "/manage/members/", {"email": world.staff_a.email, "role": Role.STAFF}
        )
    assert response.status_code == 400
    assert "이미 이 기관의 구성원입니다" in response.content.decode()
    assert mail.outbox == []


def test_invite_bad_input_is_refused(world, on_host):
    before = Membership.objects.count()
    response = on_host(world.inst_a, world.admin_a).post(
        "/manage/members/", {"email": "nope", "role": "king"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "email" in form.errors and "role" in form.errors
    assert Membership.objects.count() == before


def test_staff_cannot_invite(world, on_host):
    response = on_host(world.inst_a, world.staff_a).post(
        "/manage/members/", {"email": "x@test.kr", "role": Role.INSTITUTION_ADMIN}
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@test.kr").exists()


def test_change_role_is_audited(world, on_host, in_schema):
    membership = Membership.objects.get(user=world.staff_a, institution=world.inst_a)
    response = on_host(world.inst_a, world.admin_a).post(
        f"/manage/members/{membership.pk}/role/",
        {"role": Role.FACILITY_MANAGER, "reason": "시설팀 이동"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.FACILITY_MANAGER
    (event,) = _audit(in_schema, world.inst_a, "member.role")
    assert event.actor_id == world.admin_a.pk and event.reason == "시설팀 이동"


def test_last_admin_cannot_be_demoted_or_deactivated(world, on_host):
    membership = Membership.objects.get(user=world.admin_a, institution=world.inst_a)
    client = on_host(world.inst_a, world.admin_a)
    client.post(f"/manage/members/{membership.pk}/role/", {"role": Role.STAFF})
    client.post(f"/manage/members/{membership.pk}/active/", {})
    membership.refresh_from_db()
    assert membership.role == Role.INSTITUTION_ADMIN and membership.is_active


def test_deactivated_member_loses_staff_access(world, on_host, in_schema):
    membership = Membership.objects.get(user=world.staff_a2, institution=world.inst_a)
    on_host(world.inst_a, world.admin_a).post(
        f"/manage/members/{membership.pk}/active/", {"reason": "퇴사"}
    )
    membership.refresh_from_db()
    assert not membership.is_active
    assert _audit(in_schema, world.inst_a, "member.deactivate")
    # reactivation restores
    on_host(world.inst_a, world.admin_a).post(
        f"/manage/members/{membership.pk}/active/", {"active": "on"}
    )
    membership.refresh_from_db()
    assert membership.is_active


def test_other_institutions_membership_ids_answer_404(world, on_host):
    other = Membership.objects.get(user=world.staff_b, institution=world.inst_b)
    client = on_host(world.inst_a, world.admin_a)
    assert (
        client.post(
            f"/manage/members/{other.pk}/role/", {"role": Role.INSTITUTION_ADMIN}
        ).status_code
        == 404
    )
    assert client.post(f"/manage/members/{other.pk}/active/", {}).status_code == 404
    other.refresh_from_db()
    assert other.role == Role.STAFF and other.is_active


def test_member_list_shows_only_this_institution(world, on_host):
    body = on_host(world.inst_a, world.admin_a).get("/manage/members/").content.decode()
    assert world.staff_a.email in body
    assert world.staff_b.email not in body
