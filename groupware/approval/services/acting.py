"""What the people on the line do: approve (결재·전결·대결), return (반려), recall (회수, the
drafter), hold and resume (보류), cancel an approval (결재취소), skip an absent reviewer.

Same order everywhere: row lock, state machine (409), who acts (403), input (400); one
``DocumentEvent`` per action; notices after commit. The last approval establishes the
document (성립: number, 시행일, frozen).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from groupware.approval import leave as leave_rules
from groupware.approval.errors import ApprovalConflict, ApprovalForbidden, invalid
from groupware.approval.models import (
    Action,
    Document,
    DocumentVersion,
    Form,
    PostReport,
    State,
    Step,
    StepRole,
    StepStatus,
)
from groupware.approval.permissions import (
    ACTED,
    actable_step,
    cancellable_step,
    current_stage,
    skippable_steps,
)
from groupware.approval.sanitize import clean_body
from groupware.approval.services import numbering
from groupware.approval.services.common import (
    check_leave_balance,
    deputies_of,
    lock_document,
    person_of,
    record,
    users_of,
)
from groupware.approval.services.notices import notify
from groupware.approval.tasks import generate_document_pdf
from groupware.approval.workflow import ensure_can_start, step_move, step_sources, transition
from institution.audit import audit_record


def _acting_step(actor, document, institution, steps):
    step, acting = actable_step(actor, document, institution, steps)
    if step is not None:
        return step, acting
    if any(s.acted_by_id == actor.pk and s.status in ACTED for s in steps):
        raise ApprovalConflict("already_acted")
    raise ApprovalForbidden("not_your_turn")


def _sign(step, actor, *, acting: bool, status: str, opinion: str = "") -> None:
    name, position, _dept = person_of(actor)
    step_move(step, status)
    step.acted_by = actor
    step.acted_by_name = name
    step.acted_by_position = position
    step.acted_at = timezone.now()
    step.opinion = (opinion or "").strip()
    step.acting = acting
    step.save()


def _close_round(document) -> None:
    Step.objects.filter(
        document=document,
        round=document.round,
        status__in=step_sources(StepStatus.CLOSED),
    ).update(status=StepStatus.CLOSED)


def _open_next_round(document) -> None:
    """After a return or recall: the line is copied into a fresh round the drafter may edit."""
    previous = list(document.current_steps())
    document.round += 1
    document.save(update_fields=["round", "updated_at"])
    Step.objects.bulk_create(
        [
            Step(
                document=document,
                round=document.round,
                order=s.order,
                role=s.role,
                approver_id=s.approver_id,
                approver_name=s.approver_name,
                approver_position=s.approver_position,
                approver_department=s.approver_department,
                delegated=s.delegated,
            )
            for s in previous
        ]
    )


def advance(document, actor, institution, from_state) -> None:
    """After a step acts: open the next stage, or establish the document when none is left."""
    steps = list(document.current_steps())
    if any(s.status in (StepStatus.PENDING, StepStatus.HELD) for s in steps):
        if document.state == State.ON_HOLD:
            transition(document, Action.APPROVE, State.IN_APPROVAL)
            document.save()
        return
    waiting = [s for s in steps if s.status == StepStatus.WAITING]
    if waiting:
        order = min(s.order for s in waiting)
        stage = [s for s in waiting if s.order == order]
        Step.objects.filter(pk__in=[s.pk for s in stage]).update(status=StepStatus.PENDING)
        if document.state == State.ON_HOLD:
            transition(document, Action.APPROVE, State.IN_APPROVAL)
            document.save()
        notify(
            users=[s.approver for s in stage] + deputies_of(stage),
            kind="turn",
            document=document,
            institution=institution,
        )
        return
    _establish(document, actor, institution)


def _lock_person(user_id) -> None:
    """One leave approval at a time per person, so two requests cannot both spend the last
    days (nor two cancellations return them twice)."""
    from groupware.models import StaffProfile

    list(
        StaffProfile.objects.select_for_update()
        .filter(user_id=user_id)
        .order_by()
        .values_list("pk", flat=True)
    )


def _cancelled_leave(document):
    """휴가취소신청서 at its last approval: the leave it takes back, checked again under
    the person's lock (no second cancellation of the same leave)."""
    if document.form != Form.LEAVE_CANCEL or document.cancels_id is None:
        return None
    _lock_person(document.drafter_id)
    target = Document.objects.select_related("leave").get(pk=document.cancels_id)
    taken = Document.objects.filter(
        cancels=target, form=Form.LEAVE_CANCEL, state=State.APPROVED
    ).exclude(pk=document.pk)
    if target.state != State.APPROVED or taken.exists():
        raise invalid("leave_cancel_taken", "cancels")
    return target.leave


def _establish(document, actor, institution) -> None:
    """성립: number (in the department's register), 시행일, frozen. Caller holds the document
    lock; steps are already signed."""
    leave = getattr(document, "leave", None) if document.form == Form.LEAVE else None
    if leave is not None and leave.counts_against_balance:
        _lock_person(document.drafter_id)
        check_leave_balance(document.drafter, leave, document_id=document.pk, approved_only=True)
    cancelled = _cancelled_leave(document)
    numbering.issue_number(document, institution)
    transition(document, Action.APPROVE, State.APPROVED)
    document.approved_at = timezone.now()
    document.save()
    numbering.register_produced(document)
    audit_record(
        actor=actor,
        action="approval.approve",
        summary=f"결재 완료 {document.number} {document.title}",
        target=document,
    )
    notify(users=[document.drafter], kind="approved", document=document, institution=institution)
    schema = institution.schema_name if institution is not None else None

    def after_commit():
        if schema:
            generate_document_pdf.enqueue(schema_name=schema, document_id=document.pk)
        if leave is not None:
            leave_rules.on_leave_approved(leave)
        if cancelled is not None:
            leave_rules.on_leave_cancelled(cancelled)

    transaction.on_commit(after_commit, robust=True)


def _review_edit(document, step, actor, *, title: str | None, body: str | None) -> bool:
    """A 검토 step's edit of the text becomes a new version; True if the text changed."""
    if title is None and body is None:
        return False
    new_title = document.title if title is None else (title or "").strip()
    new_body = document.body if body is None else clean_body(body)
    if new_title == document.title and new_body == document.body:
        return False
    if step.role != StepRole.REVIEW:
        raise invalid("review_edit_not_allowed", "body")
    if not new_title:
        raise invalid("title_required", "title")
    if len(new_title) > 200:
        raise invalid("title_too_long", "title")
    document.title, document.body = new_title, new_body
    document.version += 1
    document.save()
    DocumentVersion.objects.create(
        document=document,
        number=document.version,
        round=document.round,
        title=new_title,
        body=new_body,
        edited_by=actor,
        edited_by_name=actor.name or actor.email,
        role=StepRole.REVIEW,
    )
    return True


def _report_to_absent(document, step, deputy, institution) -> None:
    """사후보고: the absent approver gets the 대결 to read (once per step and deputy)."""
    reported = PostReport.objects.filter(
        step=step, user=step.approver, deputy=deputy, acknowledged_at__isnull=True
    ).exists()  # a 대결 taken back (결재취소) and taken again is still one item to read
    if reported:
        return
    PostReport.objects.create(document=document, step=step, user=step.approver, deputy=deputy)
    notify(
        users=users_of([step.approver_id]),
        kind="post_report",
        document=document,
        institution=institution,
    )


@transaction.atomic
def document_approve(
    *,
    actor,
    institution,
    document: Document,
    opinion: str = "",
    title: str | None = None,
    body: str | None = None,
) -> Document:
    """Approve the current step (with an optional opinion). A 검토 step may edit the text:
    the edit becomes a new version. The last step establishes the document."""
    document = lock_document(document)
    ensure_can_start(document, Action.APPROVE)
    steps = list(document.current_steps())
    step, acting = _acting_step(actor, document, institution, steps)
    edited = _review_edit(document, step, actor, title=title, body=body)
    from_state = document.state
    _sign(step, actor, acting=acting, status=StepStatus.APPROVED, opinion=opinion)
    if edited:
        record(
            document, Action.EDIT, actor, step=step, on_behalf_of=step.approver if acting else None
        )
    if acting:
        _report_to_absent(document, step, actor, institution)
    is_final = step.role == StepRole.APPROVE
    advance(document, actor, institution, from_state)
    record(
        document,
        Action.FINAL_APPROVE if is_final else Action.APPROVE,
        actor,
        step=step,
        opinion=opinion,
        from_state=from_state,
        on_behalf_of=step.approver if acting else None,
    )
    return document


@transaction.atomic
def document_return(*, actor, institution, document: Document, opinion: str) -> Document:
    """반려: back to the drafter with the reason; the round and its version stay on record."""
    document = lock_document(document)
    ensure_can_start(document, Action.RETURN)
    steps = list(document.current_steps())
    step, acting = _acting_step(actor, document, institution, steps)
    if not (opinion or "").strip():
        raise invalid("opinion_required", "opinion")
    _sign(step, actor, acting=acting, status=StepStatus.RETURNED, opinion=opinion)
    _close_round(document)
    old = transition(document, Action.RETURN, State.RETURNED)
    document.save()
    record(
        document,
        Action.RETURN,
        actor,
        step=step,
        opinion=opinion,
        from_state=old,
        on_behalf_of=step.approver if acting else None,
    )
    _open_next_round(document)
    notify(users=[document.drafter], kind="returned", document=document, institution=institution)
    return document


@transaction.atomic
def document_recall(*, actor, institution, document: Document, reason: str = "") -> Document:
    """회수: the drafter pulls the document back while the current stage has not acted."""
    document = lock_document(document)
    if document.drafter_id != actor.pk:
        raise ApprovalForbidden("not_drafter")
    ensure_can_start(document, Action.RECALL)
    steps = list(document.current_steps())
    if any(s.status in ACTED for s in current_stage(document, steps)):
        raise ApprovalConflict("recall_too_late")
    _close_round(document)
    old = transition(document, Action.RECALL, State.RECALLED)
    document.save()
    record(document, Action.RECALL, actor, opinion=reason, from_state=old)
    _open_next_round(document)
    return document


@transaction.atomic
def document_hold(*, actor, institution, document: Document, note: str) -> Document:
    """보류: the current approver parks the document with a note."""
    document = lock_document(document)
    ensure_can_start(document, Action.HOLD)
    steps = list(document.current_steps())
    step, acting = _acting_step(actor, document, institution, steps)
    if not (note or "").strip():
        raise invalid("hold_note_required", "note")
    step_move(step, StepStatus.HELD)
    step.save(update_fields=["status"])
    old = transition(document, Action.HOLD, State.ON_HOLD)
    document.save()
    record(
        document,
        Action.HOLD,
        actor,
        step=step,
        opinion=note,
        from_state=old,
        on_behalf_of=step.approver if acting else None,
    )
    notify(users=[document.drafter], kind="held", document=document, institution=institution)
    return document


@transaction.atomic
def document_resume(*, actor, institution, document: Document) -> Document:
    """보류 해제: the approver who held it (or their deputy) puts it back in their queue."""
    document = lock_document(document)
    ensure_can_start(document, Action.RESUME)
    steps = list(document.current_steps())
    step, acting = _acting_step(actor, document, institution, steps)
    step_move(step, StepStatus.PENDING)
    step.save(update_fields=["status"])
    old = transition(document, Action.RESUME, State.IN_APPROVAL)
    document.save()
    record(
        document,
        Action.RESUME,
        actor,
        step=step,
        from_state=old,
        on_behalf_of=step.approver if acting else None,
    )
    return document


@transaction.atomic
def document_cancel_approval(*, actor, institution, document: Document) -> Document:
    """결재취소: the approver takes back their approval while the next step has not acted."""
    document = lock_document(document)
    ensure_can_start(document, Action.CANCEL_APPROVAL)
    steps = list(document.current_steps())
    step = cancellable_step(actor, document, steps)
    if step is None:
        if any(s.acted_by_id == actor.pk and s.status == StepStatus.APPROVED for s in steps):
            raise ApprovalConflict("cancel_too_late")
        raise ApprovalForbidden("not_allowed")
    opinion = step.opinion
    Step.objects.filter(
        document=document, round=document.round, order__gt=step.order, status=StepStatus.PENDING
    ).update(status=StepStatus.WAITING)
    step_move(step, StepStatus.PENDING)
    step.acted_by = None
    step.acted_by_name = step.acted_by_position = ""
    step.acted_at = None
    step.opinion = ""
    step.acting = False
    step.save()
    record(document, Action.CANCEL_APPROVAL, actor, step=step, opinion=opinion)
    return document


@transaction.atomic
def document_skip(*, actor, institution, document: Document, step_id: int) -> Document:
    """Skip an absent 검토·협조 step, writing the absence (출장, 휴가 …) in their box. Drafter only."""
    document = lock_document(document)
    if document.drafter_id != actor.pk:
        raise ApprovalForbidden("not_drafter")
    ensure_can_start(document, Action.SKIP)
    steps = list(document.current_steps())
    try:
        step_id = int(step_id)
    except (TypeError, ValueError):
        step_id = 0
    target = next((s for s in steps if s.pk == step_id), None)
    if target is not None and target.role == StepRole.APPROVE:
        raise invalid("skip_final", "step")
    match = next(
        ((s, a) for s, a in skippable_steps(actor, document, steps) if s.pk == int(step_id)), None
    )
    if match is None:
        raise invalid("skip_not_absent", "step")
    step, absence = match
    step_move(step, StepStatus.SKIPPED)
    step.skip_reason = absence.get_kind_display()
    step.acted_at = timezone.now()
    step.save()
    from_state = document.state
    advance(document, actor, institution, from_state)
    record(document, Action.SKIP, actor, step=step, opinion=step.skip_reason, from_state=from_state)
    return document
