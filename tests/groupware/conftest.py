"""The org chart of institution A used by the workspace tests.

경영본부 (본부) → 경영지원부 (부) → 기획팀 (팀: admin_a head, staff_a), 총무팀 (팀: manager_a, staff_a2).
Institution B gets one department with staff_b.
"""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from groupware.models import Department, Position, StaffProfile
from groupware.org import services


@dataclass
class Org:
    hq: Department
    division: Department
    planning: Department
    general: Department
    team_lead: Position
    clerk: Position


def build_org(world) -> Org:
    inst, admin = world.inst_a, world.admin_a
    team_lead = Position.objects.create(name="팀장", level=4)
    clerk = Position.objects.create(name="주임", level=8)
    hq = services.department_create(
        actor=admin, institution=inst, name="경영본부", kind="headquarters"
    )
    division = services.department_create(
        actor=admin, institution=inst, name="경영지원부", kind="division", parent=hq
    )
    planning = services.department_create(
        actor=admin, institution=inst, name="기획팀", parent=division, short_name="기획팀"
    )
    general = services.department_create(
        actor=admin, institution=inst, name="총무팀", parent=division
    )
    for user, dept, pos, head, duties in (
        (world.admin_a, planning, team_lead, True, "기획 총괄"),
        (world.staff_a, planning, clerk, False, "예산 편성"),
        (world.manager_a, general, team_lead, True, "시설 대관"),
        (world.staff_a2, general, clerk, False, "차량 관리"),
    ):
        StaffProfile.objects.create(
            user=user,
            department=dept,
            position=pos,
            is_department_head=head,
            duties=duties,
            extension=str(100 + user.pk),
        )
    return Org(hq, division, planning, general, team_lead, clerk)


@pytest.fixture
def org(world, in_schema):
    with in_schema(world.inst_a):
        return build_org(world)


@pytest.fixture
def org_b(world, in_schema):
    with in_schema(world.inst_b):
        dept = Department.objects.create(name="체육팀")
        StaffProfile.objects.create(user=world.staff_b, department=dept)
        return dept


@pytest.fixture
def now():
    return timezone.now()
