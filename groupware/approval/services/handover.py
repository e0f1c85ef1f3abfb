"""인계인수 of 전자결재: a leaver's pending approval steps go to their successor.

Called by the staff workspace (``groupware.services.handover``) inside its
transaction, or on its own. What moves: the leaver's steps not yet acted on in
the current round of documents in approval or on hold (waiting, pending, held),
and their steps on editable lines (임시저장·반려·회수). What never moves: acted
steps, earlier rounds, approved documents (frozen, triggers forbid it anyway),
history rows, and authorship — the leaver's own drafts stay theirs, as the
workspace contract says (authorship is history).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from groupware.approval.errors import message
from groupware.approval.models import (
    Action,
    DelegationRule,
    DocumentEvent,
    State,
    Step,
    StepRole,
    StepStatus,
)
from groupware.approval.services.documents import (
    _advance,
    _deputies,
    _person,
    lock_document,
)
from groupware.approval.services.notices import notify
from groupware.models import Position
from groupware.org import profile_of
from institution.audit import audit_record

OPEN = (State.IN_APPROVAL, State.ON_HOLD)
EDITABLE = (State.DRAFT, State.RETURNED, State.RECALLED)
NOT_ACTED = (StepStatus.WAITING, StepStatus.PENDING, StepStatus.HELD)

# why a step stayed with the leaver (kept in the audit row for the admin)
LEFT_DRAFTER = "successor_is_drafter"  # nobody signs their own draft
LEFT_FINAL_TAKEN = "successor_already_on_line"  # their own box is earlier; the final cannot merge
LEFT_DELEGATION = "successor_below_delegation"  # 위임전결 규정 forbids them the final approval


def _label(user) -> str:
    return user.name or user.email


def _check(*, actor, institution, from_user, to_user) -> None:
    if not access.is_institution_admin(actor, institution):
        raise PermissionDenied
    errors = {}
    if from_user is None:
        errors["from_user"] = message("handover_from_required")
    if to_user is None:
        errors["to_user"] = message("handover_to_required")
    elif from_user is not None and from_user.pk == to_user.pk:
        errors["to_user"] = message("handover_same_person")
    elif not access.is_member(to_user, institution):
        errors["to_user"] = message("handover_successor_outsider")
    if errors:
        raise ValidationError(errors)


def _delegated_for(document, user) -> bool | None:
    """The 전결 mark ``user`` would carry as final approver; None if the table forbids them."""
    rule = DelegationRule.objects.select_related("position").filter(form=document.form).first()
    if rule is None:
        return False
    profile = profile_of(user)
    position = profile.position if profile is not None else None
    if position is None or position.level > rule.position.level:
        return None
    top = Position.objects.order_by("level").values_list("level", flat=True).first()
    return position.level == rule.position.level and rule.position.level != top


def _is_turn(document, step) -> bool:
    """Whether the step may act now (a held document waits for its held box only)."""
    if document.state == State.ON_HOLD:
        return step.status == StepStatus.HELD
    return document.state == State.IN_APPROVAL and step.status == StepStatus.PENDING


def _event(document, *, actor, step, opinion: str, from_state: str) -> DocumentEvent:
    return DocumentEvent.objects.create(
        document=document,
        action=Action.HANDOVER,
        actor=actor,
        actor_name=_label(actor),
        role="",
        step=step,
        round=document.round,
        version=document.version,
        opinion=opinion,
        from_state=from_state,
        to_state=document.state,
    )


@transaction.atomic
def handover(*, actor, institution, from_user, to_user, reason: str = "") -> int:
    """Give ``from_user``'s pending approval steps to ``to_user``; returns how many steps moved.

    Institution admins only (PermissionDenied); the successor must be another,
    active member here (Korean ValidationError, nothing changed). Each document
    touched gets a 인계인수 history row by ``actor``; the successor is notified
    where the document now waits for them. Where the successor already sits on
    the same line, the leaver's 검토·협조 box is closed as 생략 (인계인수) and the
    successor signs in their own box; a step that cannot move (the successor
    drafted the document, or would become a final approver the line or the
    delegation table does not allow) stays and is listed in the audit row.
    """
    _check(actor=actor, institution=institution, from_user=from_user, to_user=to_user)
    name, position, department = _person(to_user)
    text = f"인계인수: {_label(from_user)} → {_label(to_user)}"
    if (reason or "").strip():
        text = f"{text} ({reason.strip()})"
    text = text[:1000]

    candidate_ids = sorted(
        set(
            Step.objects.filter(approver=from_user, status__in=NOT_ACTED)
            .filter(document__state__in=OPEN + EDITABLE)
            .values_list("document_id", flat=True)
        )
    )
    moved, merged, left = [], [], []
    for document_id in candidate_ids:  # lock order: documents by id, as everywhere
        document = lock_document(document_id)
        if document.state not in OPEN + EDITABLE:
            continue
        steps = list(document.current_steps())
        step = next(
            (s for s in steps if s.approver_id == from_user.pk and s.status in NOT_ACTED), None
        )
        if step is None:
            continue
        open_doc = document.state in OPEN
        if not open_doc and step.status != StepStatus.WAITING:
            continue  # an editable line has only waiting boxes; anything else is not ours
        from_state = document.state
        theirs = next((s for s in steps if s.approver_id == to_user.pk), None)
        if document.drafter_id == to_user.pk:
            left.append({"document": document.pk, "reason": LEFT_DRAFTER})
            continue
        if theirs is not None:
            if step.role == StepRole.APPROVE:
                left.append({"document": document.pk, "reason": LEFT_FINAL_TAKEN})
                continue
            if open_doc:
                # their own box is on the line: the leaver's box closes, as for an absent reviewer
                was_current = _is_turn(document, step)
                step.status = StepStatus.SKIPPED
                step.skip_reason = "인계인수"
                step.acted_at = timezone.now()
                step.save(update_fields=["status", "skip_reason", "acted_at"])
                if was_current:
                    _advance(document, actor, institution, from_state)  # notifies the next stage
                _event(document, actor=actor, step=step, opinion=text, from_state=from_state)
            else:
                # an editable line not yet sent: the leaver's box simply leaves it
                step.delete()
                _event(document, actor=actor, step=None, opinion=text, from_state=from_state)
            merged.append(document.pk)
            continue
        fields = [
            "approver",
            "approver_name",
            "approver_position",
            "approver_department",
        ]
        if step.role == StepRole.APPROVE:
            delegated = _delegated_for(document, to_user)
            if delegated is None:
                left.append({"document": document.pk, "reason": LEFT_DELEGATION})
                continue
            step.delegated = delegated
            fields.append("delegated")
        step.approver = to_user
        step.approver_name = name
        step.approver_position = position
        step.approver_department = department
        step.save(update_fields=fields)
        _event(document, actor=actor, step=step, opinion=text, from_state=from_state)
        if _is_turn(document, step):
            notify(
                users=[to_user, *_deputies([step])],
                kind="turn",
                document=document,
                institution=institution,
            )
        moved.append(document.pk)

    count = len(moved) + len(merged)
    if count or left:
        audit_record(
            actor=actor,
            action="approval.handover",
            summary=text[:200],
            reason=reason or "",
            data={
                "from_user": from_user.pk,
                "to_user": to_user.pk,
                "moved": moved,
                "merged": merged,
                "left": left,
            },
        )
    return count
