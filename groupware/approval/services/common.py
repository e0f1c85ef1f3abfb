"""Shared by the write paths of a document: the row lock, history rows, who is who."""

from __future__ import annotations

from decimal import Decimal

from groupware.approval import leave as leave_rules
from groupware.approval.errors import invalid
from groupware.approval.models import (
    ANNUAL_KINDS,
    Action,
    Document,
    DocumentEvent,
    LeaveRequest,
)
from groupware.public import profile_of


def lock_document(document_or_pk) -> Document:
    """Re-read the document under SELECT … FOR UPDATE. Precondition: inside atomic."""
    pk = document_or_pk.pk if isinstance(document_or_pk, Document) else document_or_pk
    return Document.objects.select_for_update().get(pk=pk)


def person_of(user) -> tuple[str, str, str]:
    profile = profile_of(user)
    position = profile.position.name if profile and profile.position else ""
    department = profile.department.name if profile and profile.department else ""
    return user.name or user.email, position, department


def record(document, action, actor, *, step=None, opinion="", from_state="", on_behalf_of=None):
    return DocumentEvent.objects.create(
        document=document,
        action=action,
        actor=actor,
        actor_name=(actor.name or actor.email) if actor else "",
        on_behalf_of=on_behalf_of,
        role=step.role
        if step is not None
        else ("drafter" if actor and actor.pk == document.drafter_id else ""),
        step=step,
        round=document.round,
        version=document.version,
        opinion=opinion or "",
        delegated=bool(step and step.delegated and action == Action.FINAL_APPROVE),
        acting=bool(step and step.acting),
        from_state=from_state or document.state,
        to_state=document.state,
    )


def users_of(ids):
    from accounts.models import User

    return list(User.objects.filter(pk__in=list(ids)))


def check_leave_balance(user, leave: dict | LeaveRequest, *, document_id=None, approved_only=False):
    """Annual leave (연차·반차·시간 단위) within what was granted by its first day
    (근로기준법 제60조 accrual) less what is spent (and, unless ``approved_only``, on its way)."""
    kind = leave["kind"] if isinstance(leave, dict) else leave.kind
    if kind not in ANNUAL_KINDS:
        return
    days = leave["days"] if isinstance(leave, dict) else leave.days
    start = leave["start_date"] if isinstance(leave, dict) else leave.start_date
    balance = leave_rules.leave_balance(
        user, start.year, exclude_document_id=document_id, as_of=start
    )
    limit = balance["remaining"] if approved_only else balance["available"]
    if Decimal(days) > limit:
        raise invalid(
            "leave_balance",
            "leave",
            remaining=leave_rules.format_days(limit),
            days=leave_rules.format_days(days),
        )


def deputies_of(steps) -> list:
    from groupware.public import acting_deputy

    out = []
    for step in steps:
        deputy = acting_deputy(step.approver_id)
        if deputy is not None:
            out.append(deputy)
    return out
