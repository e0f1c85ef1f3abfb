"""The approval test world: an org chart in institution A, a delegation table, helpers."""

from dataclasses import dataclass

import pytest
from django_tenants.utils import schema_context

from groupware.approval import services
from groupware.approval.models import DelegationRule, Form
from groupware.models import Department, Position, StaffProfile


@dataclass
class Org:
    inst: object
    drafter: object  # staff_a, 주임
    reviewer: object  # staff_a2, 팀장 (review)
    director: object  # manager_a, 본부장
    head: object  # admin_a, 이사장
    team: Department
    positions: dict


def build_org(world) -> Org:
    positions = {
        name: Position.objects.get_or_create(name=name, defaults={"level": level})[0]
        for name, level in (("이사장", 1), ("본부장", 2), ("팀장", 3), ("주임", 5))
    }
    team, _ = Department.objects.get_or_create(
        name="문화예술팀", parent=None, defaults={"short_name": "문화예술팀"}
    )
    for user, position in (
        (world.staff_a, "주임"),
        (world.staff_a2, "팀장"),
        (world.manager_a, "본부장"),
        (world.admin_a, "이사장"),
    ):
        StaffProfile.objects.update_or_create(
            user=user, defaults={"department": team, "position": positions[position]}
        )
    DelegationRule.objects.update_or_create(
        form=Form.EXPENSE, defaults={"position": positions["본부장"]}
    )
    DelegationRule.objects.update_or_create(
        form=Form.LEAVE, defaults={"position": positions["팀장"]}
    )
    return Org(
        inst=world.inst_a,
        drafter=world.staff_a,
        reviewer=world.staff_a2,
        director=world.manager_a,
        head=world.admin_a,
        team=team,
        positions=positions,
    )


@pytest.fixture
def org(world):
    """Inside institution A's schema for the whole test."""
    with schema_context(world.inst_a.schema_name):
        yield build_org(world)


def line(org, *steps):
    """line(org, ("review", org.reviewer), ("approve", org.head))"""
    return [{"user": user, "role": role} for role, user in steps]


def standard_line(org):
    return line(org, ("review", org.reviewer), ("cooperate", org.director), ("approve", org.head))


def expense_data(amount=1_200_000, **changes):
    """A complete 지출결의서: its line items add up to the amount."""
    data = {
        "amount": amount,
        "budget_item": "사무관리비 > 일반수용비",
        "vendor": "한빛음향",
        "payment_method": "계좌이체",
        "items": [{"name": "음향 장비", "quantity": "1", "unit_price": amount, "amount": amount}],
    }
    data.update(changes)
    return data


def receipt(name="영수증.pdf"):
    """증빙 서류 (a small PDF)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% receipt\n", content_type="application/pdf")


def make_draft(org, *, title="2026년 문화행사 개최 계획", steps=None, **extra):
    if extra.get("form") == "expense":
        extra.setdefault("form_data", expense_data())
        extra.setdefault("attachments", [receipt()])
    return services.document_create_draft(
        actor=org.drafter,
        institution=org.inst,
        title=title,
        body=extra.pop("body", "1. 목적\n2. 내용"),
        line=steps if steps is not None else standard_line(org),
        **extra,
    )


def submitted(org, **kw):
    doc = make_draft(org, **kw)
    return services.document_submit(actor=org.drafter, institution=org.inst, document=doc)


def approve_all(org, doc):
    for user in (org.reviewer, org.director, org.head):
        doc = services.document_approve(actor=user, institution=org.inst, document=doc)
    return doc
