"""The exchange test world: institution A (가나시 문화재단) and B (다라시 체육회), each with
an org chart, a 문서과 and a delegation-free general form.

A: 이사장실 (admin_a 이사장), 문화예술팀 (staff_a2 팀장·head, staff_a 주임), 총무팀 = 문서과
   (manager_a).
B: 체육진흥팀 (admin_b 회장·head, staff_b 주임), 총무팀 = 문서과 (manager_b).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from groupware.approval import services as approval
from groupware.models import Department, Position, StaffProfile


@dataclass
class Side:
    inst: object
    drafter: object  # an officer of the team
    reviewer: object | None  # the team's head (A) — None on B
    head: object  # the final approver
    office: object  # 문서과
    team: Department
    office_dept: Department


def _positions():
    return {
        name: Position.objects.get_or_create(name=name, defaults={"level": level})[0]
        for name, level in (("이사장", 1), ("팀장", 3), ("주임", 5))
    }


def build_a(world) -> Side:
    p = _positions()
    chair = Department.objects.get_or_create(name="이사장실", parent=None)[0]
    team = Department.objects.get_or_create(
        name="문화예술팀", parent=None, defaults={"short_name": "문화예술팀"}
    )[0]
    office = Department.objects.get_or_create(
        name="총무팀", parent=None, defaults={"short_name": "총무팀", "is_document_office": True}
    )[0]
    team.parent = chair
    team.save()
    for user, dept, pos, head in (
        (world.admin_a, chair, "이사장", True),
        (world.staff_a2, team, "팀장", True),
        (world.staff_a, team, "주임", False),
        (world.manager_a, office, "주임", False),
    ):
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={"department": dept, "position": p[pos], "is_department_head": head},
        )
    return Side(
        world.inst_a, world.staff_a, world.staff_a2, world.admin_a, world.manager_a, team, office
    )


def build_b(world) -> Side:
    p = _positions()
    team = Department.objects.get_or_create(
        name="체육진흥팀", parent=None, defaults={"short_name": "체육진흥팀"}
    )[0]
    office = Department.objects.get_or_create(
        name="총무팀", parent=None, defaults={"short_name": "총무팀", "is_document_office": True}
    )[0]
    for user, dept, pos, head in (
        (world.admin_b, team, "이사장", True),
        (world.staff_b, team, "주임", False),
        (world.manager_b, office, "주임", False),
    ):
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={"department": dept, "position": p[pos], "is_department_head": head},
        )
    return Side(world.inst_b, world.staff_b, None, world.admin_b, world.manager_b, team, office)


@pytest.fixture
def sides(world):
    """Both institutions' org charts; returns (a, b). Tests switch schemas themselves."""
    with schema_context(world.inst_a.schema_name):
        a = build_a(world)
    with schema_context(world.inst_b.schema_name):
        b = build_b(world)
    return a, b


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def attachment(name="행사 계획.pdf", content=b"%PDF-1.4\n% plan\n"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def outgoing(
    a: Side, b: Side, *, title="2026 생활체육 교류전 협조 요청", extra_recipients=(), **kw
):
    """An approved 대외 시행문 from A to B (and any extra recipients), drafted by A's officer."""
    recipients = [{"institution": b.inst.pk, "department_hint": "체육진흥팀장"}, *extra_recipients]
    doc = approval.document_create_draft(
        actor=a.drafter,
        institution=a.inst,
        title=title,
        body="<p>1. 관련: 생활체육 진흥 협약</p><p>2. 교류전 개최에 협조를 요청합니다.</p>",
        recipient_kind="named",
        recipient_list=recipients,
        line=[{"user": a.reviewer, "role": "review"}, {"user": a.head, "role": "approve"}],
        attachments=kw.pop("attachments", [attachment()]),
        **kw,
    )
    approval.document_submit(actor=a.drafter, institution=a.inst, document=doc)
    approval.document_approve(actor=a.reviewer, institution=a.inst, document=doc)
    approval.document_approve(actor=a.head, institution=a.inst, document=doc)
    doc.refresh_from_db()
    return doc
