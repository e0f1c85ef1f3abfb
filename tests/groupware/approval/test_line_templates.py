"""Approval-line templates shared by a department: its head saves them from the drafting
page, members load them; others cannot change them."""

import pytest
from django.core.exceptions import PermissionDenied

from groupware.approval import services
from groupware.approval.models import LineTemplate
from groupware.models import StaffProfile
from tests.groupware.approval.conftest import line


def test_the_head_shares_a_line_and_members_use_it(org, on_host):
    StaffProfile.objects.filter(user=org.reviewer).update(is_department_head=True)
    head = on_host(org.inst, org.reviewer)
    response = head.post(
        "/staff/approval/new/",
        {
            "form": "general",
            "title": "부서 결재선 저장용",
            "step_user_0": org.director.pk,
            "step_role_0": "review",
            "step_user_1": org.head.pk,
            "step_role_1": "approve",
            "save_department_line_as": "팀 기본 결재선",
        },
    )
    assert response.status_code == 302
    template = LineTemplate.objects.get(name="팀 기본 결재선")
    assert template.department_id == org.team.pk
    member = on_host(org.inst, org.drafter)
    assert "팀 기본 결재선" in member.get("/staff/approval/lines/").content.decode()
    page = member.get(f"/staff/approval/new/?template={template.pk}").content.decode()
    assert f'<option value="{org.director.pk}" selected' in page
    # a member cannot share or delete the department's lines
    with pytest.raises(PermissionDenied):
        services.line_template_save(
            actor=org.drafter,
            institution=org.inst,
            department=org.team,
            name="내 마음대로",
            line=line(org, ("approve", org.head)),
        )
    assert member.post(f"/staff/approval/lines/shared/{template.pk}/delete/").status_code == 403
    assert head.post(f"/staff/approval/lines/shared/{template.pk}/delete/").status_code == 302
    assert not LineTemplate.objects.exists()


def test_a_template_is_checked_like_a_line(org):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.line_template_save(
            actor=org.head,
            institution=org.inst,
            department=org.team,
            name="결재 없음",
            line=line(org, ("review", org.reviewer)),
        )
