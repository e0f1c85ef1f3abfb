"""Write paths of a document: draft, submit, approve, return, recall, hold, resume,
cancel approval, skip, circulate, read, redraft, post-report acknowledgement.

Every service is atomic, takes the document's row lock first (``lock_document``),
checks the state machine (409 ``ApprovalConflict``), then who acts (403
``ApprovalForbidden``), then the input (``ValidationError``), writes one
``DocumentEvent`` per action and sends notices after commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from groupware.approval import leave as leave_rules
from groupware.approval.errors import ApprovalConflict, ApprovalForbidden, invalid
from groupware.approval.models import (
    Action,
    Attachment,
    Disclosure,
    Document,
    DocumentEvent,
    DocumentVersion,
    Form,
    LeaveKind,
    LeaveRequest,
    PostReport,
    Reader,
    RecipientKind,
    Retention,
    State,
    Step,
    StepRole,
    StepStatus,
)
from groupware.approval.permissions import (
    ACTED,
    actable_step,
    can_circulate,
    cancellable_step,
    current_stage,
    skippable_steps,
)
from groupware.approval.sanitize import clean_body
from groupware.approval.services import numbering
from groupware.approval.services.lines import line_of_steps, validate_line
from groupware.approval.services.notices import notify
from groupware.approval.workflow import ensure_can_start, transition
from groupware.public import profile_of
from institution.audit import audit_record
from suite.uploads import attachment_fields, check_attachments


def lock_document(document_or_pk) -> Document:
    """Re-read the document under SELECT … FOR UPDATE. Precondition: inside atomic."""
    pk = document_or_pk.pk if isinstance(document_or_pk, Document) else document_or_pk
    return Document.objects.select_for_update().get(pk=pk)


def _person(user) -> tuple[str, str, str]:
    profile = profile_of(user)
    position = profile.position.name if profile and profile.position else ""
    department = profile.department.name if profile and profile.department else ""
    return user.name or user.email, position, department


def _record(document, action, actor, *, step=None, opinion="", from_state="", on_behalf_of=None):
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


def _users(ids):
    from accounts.models import User

    return list(User.objects.filter(pk__in=list(ids)))


# --- input ------------------------------------------------------------------


def _clean_fields(data: dict, *, partial: bool = False) -> dict:
    """Validate the document's own fields; return the cleaned values present in ``data``."""
    errors: dict[str, list[str]] = {}
    out: dict = {}

    def fail(field, code, **params):
        from groupware.approval.errors import message

        errors.setdefault(field, []).append(message(code, **params))

    if not partial or "title" in data:
        title = (data.get("title") or "").strip()
        if not title:
            fail("title", "title_required")
        elif len(title) > 200:
            fail("title", "title_too_long")
        out["title"] = title
    if not partial or "body" in data:
        out["body"] = clean_body(data.get("body") or "")
    if not partial or "form" in data:
        form = data.get("form") or Form.GENERAL
        if form not in Form.values:
            fail("form", "form_invalid")
        out["form"] = form
    for field, choices, default in (
        ("retention", Retention, Retention.Y5),
        ("disclosure", Disclosure, Disclosure.PUBLIC),
        ("recipient_kind", RecipientKind, RecipientKind.INTERNAL),
    ):
        if not partial or field in data:
            value = data.get(field) or default
            if value not in choices.values:
                fail(field, "choice_invalid")
            out[field] = value
    for field, limit in (("recipients", 300), ("via", 200)):
        if not partial or field in data:
            out[field] = (data.get(field) or "").strip()[:limit]
    if not partial or "disclosure_ground" in data or "disclosure" in data:
        ground = data.get("disclosure_ground")
        try:
            ground = int(ground) if ground not in (None, "") else None
        except (TypeError, ValueError):
            ground = 0
        disclosure = out.get("disclosure", data.get("disclosure") or Disclosure.PUBLIC)
        if disclosure == Disclosure.PUBLIC:
            ground = None
        elif ground is None or not 1 <= ground <= 8:
            fail("disclosure_ground", "disclosure_ground_required")
        out["disclosure_ground"] = ground
    if out.get("recipient_kind") == RecipientKind.NAMED and not out.get("recipients"):
        fail("recipients", "recipients_required")
    if errors:
        raise ValidationError(errors)
    return out


def _clean_leave(leave: dict | None) -> dict:
    if not leave or not leave.get("kind") or not leave.get("start_date") or not leave.get("reason"):
        raise invalid("leave_required", "leave")
    kind = leave["kind"]
    if kind not in LeaveKind.values:
        raise invalid("leave_required", "leave")
    start = leave["start_date"]
    end = leave.get("end_date") or start
    if isinstance(start, str) or isinstance(end, str):
        try:
            start = datetime.date.fromisoformat(str(start))
            end = datetime.date.fromisoformat(str(end))
        except ValueError:
            raise invalid("leave_required", "leave") from None
    if end < start:
        raise invalid("leave_dates", "leave")
    this_year = timezone.localdate().year
    if start.year != end.year or not this_year - 1 <= start.year <= this_year + 1:
        raise invalid("leave_year", "leave")
    if kind == LeaveKind.HALF and end != start:
        raise invalid("leave_half_one_day", "leave")
    days = leave_rules.leave_days(kind, start, end)
    if days <= 0:
        raise invalid("leave_no_workdays", "leave")
    return {
        "kind": kind,
        "start_date": start,
        "end_date": end,
        "days": days,
        "reason": str(leave["reason"]).strip()[:300],
    }


def _check_leave_balance(
    user, leave: dict | LeaveRequest, *, document_id=None, approved_only=False
):
    kind = leave["kind"] if isinstance(leave, dict) else leave.kind
    if kind not in (LeaveKind.ANNUAL, LeaveKind.HALF):
        return
    days = leave["days"] if isinstance(leave, dict) else leave.days
    start = leave["start_date"] if isinstance(leave, dict) else leave.start_date
    balance = leave_rules.leave_balance(user, start.year, exclude_document_id=document_id)
    limit = balance["remaining"] if approved_only else balance["available"]
    if Decimal(days) > limit:
        raise invalid(
            "leave_balance",
            "leave",
            remaining=leave_rules.format_days(limit),
            days=leave_rules.format_days(days),
        )


def _clean_cc(institution, cc) -> list:
    from accounts.models import User

    users = [u for u in cc if isinstance(u, User)] + _users(
        int(u) for u in cc if not isinstance(u, User) and str(u).isdigit()
    )
    if len(users) != len(list(cc)):
        raise invalid("line_unknown_person", "cc")
    for user in users:
        if not access.is_member(user, institution):
            raise invalid("cc_outsider", "cc", name=user.name or user.email)
    return users


def _write_line(document, planned) -> None:
    Step.objects.filter(document=document, round=document.round).delete()
    Step.objects.bulk_create(
        [
            Step(
                document=document,
                round=document.round,
                order=p.order,
                role=p.role,
                approver=p.user,
                approver_name=p.user.name or p.user.email,
                approver_position=p.position,
                approver_department=p.department,
                delegated=p.delegated,
            )
            for p in planned
        ]
    )


def _write_cc(document, users, actor) -> None:
    Reader.objects.filter(document=document, kind=Reader.Kind.CC, read_at__isnull=True).delete()
    existing = set(
        Reader.objects.filter(document=document, kind=Reader.Kind.CC).values_list(
            "user_id", flat=True
        )
    )
    Reader.objects.bulk_create(
        [
            Reader(
                document=document,
                user=u,
                user_name=u.name or u.email,
                kind=Reader.Kind.CC,
                added_by=actor,
            )
            for u in users
            if u.pk not in existing
        ]
    )


def _add_attachments(document, actor, files) -> None:
    files = [f for f in (files or []) if f]
    if not files:
        return
    files = check_attachments(files, existing=document.attachments.count())
    for upload in files:
        Attachment.objects.create(
            document=document, file=upload, uploaded_by=actor, **attachment_fields(upload)
        )


# --- drafting ---------------------------------------------------------------


@transaction.atomic
def document_create_draft(
    *,
    actor,
    institution,
    line,
    cc=(),
    leave: dict | None = None,
    attachments=(),
    redrafted_from: Document | None = None,
    **fields,
) -> Document:
    """Save a new draft (임시저장) with its line. Nothing is stored when any input is wrong."""
    if not access.can_use_workspace(actor, institution):
        raise ApprovalForbidden("not_allowed")
    data = _clean_fields(fields)
    planned = validate_line(institution=institution, drafter=actor, form=data["form"], line=line)
    cc_users = _clean_cc(institution, cc)
    leave_data = None
    if data["form"] == Form.LEAVE:
        leave_data = _clean_leave(leave)
        _check_leave_balance(actor, leave_data)
    name, position, _dept = _person(actor)
    profile = profile_of(actor)
    department = profile.department if profile else None
    document = Document.objects.create(
        **data,
        drafter=actor,
        drafter_name=name,
        drafter_position=position,
        department=department,
        department_name=department.name if department else "",
        redrafted_from=redrafted_from,
    )
    _write_line(document, planned)
    _write_cc(document, cc_users, actor)
    if leave_data:
        LeaveRequest.objects.create(document=document, user=actor, **leave_data)
    _add_attachments(document, actor, attachments)
    _record(document, Action.CREATE, actor, from_state=State.DRAFT)
    return document


@transaction.atomic
def document_update_draft(
    *,
    actor,
    institution,
    document: Document,
    line=None,
    cc=None,
    leave: dict | None = None,
    attachments=(),
    remove_attachments=(),
    **fields,
) -> Document:
    """Edit a draft, or a returned/recalled document before resubmitting. Drafter only."""
    document = lock_document(document)
    if document.drafter_id != actor.pk:
        raise ApprovalForbidden("not_drafter")
    ensure_can_start(document, Action.UPDATE)
    data = _clean_fields(fields, partial=True)
    form = data.get("form", document.form)
    if line is None:
        line = line_of_steps(document.current_steps())
    planned = validate_line(institution=institution, drafter=actor, form=form, line=line)
    cc_users = _clean_cc(institution, cc) if cc is not None else None
    leave_data = None
    if form == Form.LEAVE:
        if leave is None and hasattr(document, "leave"):
            current = document.leave
            leave = {
                "kind": current.kind,
                "start_date": current.start_date,
                "end_date": current.end_date,
                "reason": current.reason,
            }
        leave_data = _clean_leave(leave)
        _check_leave_balance(actor, leave_data, document_id=document.pk)
    for key, value in data.items():
        setattr(document, key, value)
    document.save()
    _write_line(document, planned)
    if cc_users is not None:
        _write_cc(document, cc_users, actor)
    if leave_data:
        LeaveRequest.objects.update_or_create(
            document=document, defaults={"user": actor, **leave_data}
        )
    elif form != Form.LEAVE:
        LeaveRequest.objects.filter(document=document).delete()
    if remove_attachments:
        for attachment in document.attachments.filter(pk__in=list(remove_attachments)):
            attachment.file.delete(save=False)
            attachment.delete()
    _add_attachments(document, actor, attachments)
    _record(document, Action.UPDATE, actor)
    return document


@transaction.atomic
def document_submit(*, actor, institution, document: Document) -> Document:
    """상신: the drafter sends the document to the first stage of its line (no number yet)."""
    document = lock_document(document)
    if document.drafter_id != actor.pk:
        raise ApprovalForbidden("not_drafter")
    ensure_can_start(document, Action.SUBMIT)
    steps = list(document.current_steps())
    # people may have left or the table changed since the draft was saved
    validate_line(
        institution=institution, drafter=actor, form=document.form, line=line_of_steps(steps)
    )
    if document.form == Form.LEAVE:
        leave = getattr(document, "leave", None)
        if leave is None:
            raise invalid("leave_required", "leave")
        _check_leave_balance(actor, leave, document_id=document.pk)
    if not document.title.strip():
        raise invalid("title_required", "title")
    old = transition(document, Action.SUBMIT, State.IN_APPROVAL)
    document.version += 1
    document.submitted_at = timezone.now()
    document.save()
    DocumentVersion.objects.create(
        document=document,
        number=document.version,
        round=document.round,
        title=document.title,
        body=document.body,
        edited_by=actor,
        edited_by_name=actor.name or actor.email,
        role="drafter",
    )
    first = min(s.order for s in steps)
    Step.objects.filter(document=document, round=document.round, order=first).update(
        status=StepStatus.PENDING
    )
    _record(document, Action.SUBMIT, actor, from_state=old)
    notify(
        users=[s.approver for s in steps if s.order == first]
        + _deputies([s for s in steps if s.order == first]),
        kind="turn",
        document=document,
        institution=institution,
    )
    cc = _users(document.readers.filter(kind=Reader.Kind.CC).values_list("user_id", flat=True))
    if old == State.DRAFT and cc:
        notify(users=cc, kind="cc", document=document, institution=institution)
    return document


def _deputies(steps) -> list:
    from groupware.public import acting_deputy

    out = []
    for step in steps:
        deputy = acting_deputy(step.approver_id)
        if deputy is not None:
            out.append(deputy)
    return out


# --- acting on the line -----------------------------------------------------


def _acting_step(actor, document, institution, steps):
    step, acting = actable_step(actor, document, institution, steps)
    if step is not None:
        return step, acting
    if any(s.acted_by_id == actor.pk and s.status in ACTED for s in steps):
        raise ApprovalConflict("already_acted")
    raise ApprovalForbidden("not_your_turn")


def _sign(step, actor, *, acting: bool, status: str, opinion: str = "") -> None:
    name, position, _dept = _person(actor)
    step.status = status
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
        status__in=(StepStatus.WAITING, StepStatus.PENDING, StepStatus.HELD),
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


def _advance(document, actor, institution, from_state) -> None:
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
            users=[s.approver for s in stage] + _deputies(stage),
            kind="turn",
            document=document,
            institution=institution,
        )
        return
    _establish(document, actor, institution)


def _establish(document, actor, institution) -> None:
    """성립: number, 시행일, frozen. Caller holds the document lock; steps are already signed."""
    leave = getattr(document, "leave", None) if document.form == Form.LEAVE else None
    if leave is not None and leave.counts_against_balance:
        from groupware.models import StaffProfile

        # one approval at a time per person, so two requests cannot both spend the last days
        list(
            StaffProfile.objects.select_for_update()
            .filter(user_id=document.drafter_id)
            .order_by()
            .values_list("pk", flat=True)
        )
        _check_leave_balance(document.drafter, leave, document_id=document.pk, approved_only=True)
    numbering.issue_number(document, institution)
    transition(document, Action.APPROVE, State.APPROVED)
    document.approved_at = timezone.now()
    document.save()
    audit_record(
        actor=actor,
        action="approval.approve",
        summary=f"결재 완료 {document.number} {document.title}",
        target=document,
    )
    notify(users=[document.drafter], kind="approved", document=document, institution=institution)
    schema = institution.schema_name if institution is not None else None

    def after_commit():
        from groupware.approval.tasks import generate_document_pdf

        if schema:
            generate_document_pdf.enqueue(schema_name=schema, document_id=document.pk)
        if leave is not None:
            leave_rules.on_leave_approved(leave)

    transaction.on_commit(after_commit, robust=True)


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
    edited = False
    if title is not None or body is not None:
        new_title = document.title if title is None else (title or "").strip()
        new_body = document.body if body is None else clean_body(body)
        if new_title != document.title or new_body != document.body:
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
            edited = True
    from_state = document.state
    _sign(step, actor, acting=acting, status=StepStatus.APPROVED, opinion=opinion)
    if edited:
        _record(
            document, Action.EDIT, actor, step=step, on_behalf_of=step.approver if acting else None
        )
    reported = PostReport.objects.filter(
        step=step, user=step.approver, deputy=actor, acknowledged_at__isnull=True
    ).exists()  # a 대결 taken back (결재취소) and taken again is still one item to read
    if acting and not reported:
        PostReport.objects.create(document=document, step=step, user=step.approver, deputy=actor)
        notify(
            users=_users([step.approver_id]),
            kind="post_report",
            document=document,
            institution=institution,
        )
    is_final = step.role == StepRole.APPROVE
    _advance(document, actor, institution, from_state)
    _record(
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
    _record(
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
    _record(document, Action.RECALL, actor, opinion=reason, from_state=old)
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
    step.status = StepStatus.HELD
    step.save(update_fields=["status"])
    old = transition(document, Action.HOLD, State.ON_HOLD)
    document.save()
    _record(
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
    step.status = StepStatus.PENDING
    step.save(update_fields=["status"])
    old = transition(document, Action.RESUME, State.IN_APPROVAL)
    document.save()
    _record(
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
    step.status = StepStatus.PENDING
    step.acted_by = None
    step.acted_by_name = step.acted_by_position = ""
    step.acted_at = None
    step.opinion = ""
    step.acting = False
    step.save()
    _record(document, Action.CANCEL_APPROVAL, actor, step=step, opinion=opinion)
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
    step.status = StepStatus.SKIPPED
    step.skip_reason = absence.get_kind_display()
    step.acted_at = timezone.now()
    step.save()
    from_state = document.state
    _advance(document, actor, institution, from_state)
    _record(
        document, Action.SKIP, actor, step=step, opinion=step.skip_reason, from_state=from_state
    )
    return document


# --- after approval ---------------------------------------------------------


@transaction.atomic
def document_circulate(
    *, actor, institution, document: Document, users=(), departments=()
) -> list[Reader]:
    """공람: put the approved document in people's (or whole departments') reading lists."""
    from groupware.models import StaffProfile

    document = lock_document(document)
    signer = document.steps.filter(round=document.round, acted_by=actor).exists()
    if document.drafter_id != actor.pk and not signer:
        raise ApprovalForbidden("not_allowed")
    ensure_can_start(document, Action.CIRCULATE)
    if not can_circulate(actor, document):
        raise ApprovalForbidden("not_allowed")
    from accounts.models import User

    people = [u for u in users if isinstance(u, User)] + _users(
        int(u) for u in users if not isinstance(u, User) and str(u).isdigit()
    )
    if len(people) != len(list(users)):
        raise invalid("line_unknown_person", "users")
    dept_ids = [getattr(d, "pk", d) for d in departments]
    if dept_ids:
        member_ids = StaffProfile.objects.filter(
            department_id__in=dept_ids, is_active=True
        ).values_list("user_id", flat=True)
        people += [
            u for u in _users(member_ids) if u.pk != actor.pk and access.is_member(u, institution)
        ]
    if not people:
        raise invalid("circulate_empty", "users")
    for user in people:
        if not access.is_member(user, institution):
            raise invalid("circulate_outsider", "users", name=user.name or user.email)
    existing = set(
        document.readers.filter(kind=Reader.Kind.CIRCULATION).values_list("user_id", flat=True)
    )
    new = {u.pk: u for u in people if u.pk not in existing}
    readers = Reader.objects.bulk_create(
        [
            Reader(
                document=document,
                user=u,
                user_name=u.name or u.email,
                kind=Reader.Kind.CIRCULATION,
                added_by=actor,
            )
            for u in new.values()
        ]
    )
    if readers:
        names = ", ".join(u.name or u.email for u in new.values())
        _record(document, Action.CIRCULATE, actor, opinion=f"공람: {names}"[:1000])
        notify(
            users=list(new.values()), kind="circulated", document=document, institution=institution
        )
    return readers


@transaction.atomic
def document_mark_read(*, user, document: Document) -> bool:
    """Record the first time someone opens a submitted document (열람), stamping a cc or
    공람 reader's read time. Returns True if something was recorded."""
    if document.state == State.DRAFT:
        return False
    now = timezone.now()
    updated = Reader.objects.filter(document=document, user=user, read_at__isnull=True).update(
        read_at=now
    )
    if (
        updated
        or not DocumentEvent.objects.filter(
            document=document, action=Action.READ, actor=user
        ).exists()
    ):
        _record(document, Action.READ, user)
        return True
    return False


@transaction.atomic
def document_redraft(*, actor, institution, document: Document) -> Document:
    """재기안: a new draft copied from an approved (or returned/recalled) document."""
    source = lock_document(document)
    if source.drafter_id != actor.pk:
        raise ApprovalForbidden("not_drafter")
    ensure_can_start(source, Action.REDRAFT)
    steps = list(source.current_steps())
    leave = None
    if source.form == Form.LEAVE and hasattr(source, "leave"):
        leave = {
            "kind": source.leave.kind,
            "start_date": source.leave.start_date,
            "end_date": source.leave.end_date,
            "reason": source.leave.reason,
        }
    new = document_create_draft(
        actor=actor,
        institution=institution,
        line=line_of_steps(steps),
        cc=list(source.readers.filter(kind=Reader.Kind.CC).values_list("user_id", flat=True)),
        leave=leave,
        redrafted_from=source,
        form=source.form,
        title=source.title,
        body=source.body,
        recipient_kind=source.recipient_kind,
        recipients=source.recipients,
        via=source.via,
        retention=source.retention,
        disclosure=source.disclosure,
        disclosure_ground=source.disclosure_ground,
    )
    _record(source, Action.REDRAFT, actor, opinion=f"재기안 문서 #{new.pk}")
    return new


@transaction.atomic
def post_report_acknowledge(*, actor, report: PostReport) -> PostReport:
    """The absent approver confirms they saw what their deputy signed."""
    report = PostReport.objects.select_for_update().get(pk=report.pk)
    if report.user_id != actor.pk:
        raise ApprovalForbidden("not_allowed")
    if report.acknowledged_at is not None:
        raise ApprovalConflict("already_acknowledged")
    report.acknowledged_at = timezone.now()
    report.save(update_fields=["acknowledged_at"])
    _record(report.document, Action.POST_REPORT_ACK, actor)
    return report


def notification_mark_read(*, user, notification_id=None) -> int:
    """Mark one (or all) of the user's notices read."""
    from groupware.approval.models import Notification

    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())
