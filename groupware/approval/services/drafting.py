"""What the drafter does: save a draft (임시저장), edit it, submit it (상신), redraft (재기안).

Every service is atomic, takes the document's row lock first, checks the state machine
(409 ``ApprovalConflict``), then who acts (403 ``ApprovalForbidden``), then the input
(``ValidationError``), and writes one ``DocumentEvent`` per action.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from groupware.approval import leave as leave_rules
from groupware.approval.errors import ApprovalForbidden, invalid
from groupware.approval.models import (
    Action,
    Attachment,
    Disclosure,
    Document,
    DocumentVersion,
    Form,
    LeaveKind,
    LeaveRequest,
    Reader,
    RecipientKind,
    Retention,
    State,
    Step,
    StepStatus,
)
from groupware.approval.sanitize import clean_body
from groupware.approval.services.common import (
    check_leave_balance,
    deputies_of,
    lock_document,
    person_of,
    record,
    users_of,
)
from groupware.approval.services.lines import line_of_steps, validate_line
from groupware.approval.services.notices import notify
from groupware.approval.workflow import ensure_can_start, transition
from groupware.public import profile_of
from suite.uploads import attachment_fields, check_attachments


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


def _clean_cc(institution, cc) -> list:
    from accounts.models import User

    users = [u for u in cc if isinstance(u, User)] + users_of(
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
        check_leave_balance(actor, leave_data)
    name, position, _dept = person_of(actor)
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
    record(document, Action.CREATE, actor, from_state=State.DRAFT)
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
        check_leave_balance(actor, leave_data, document_id=document.pk)
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
    record(document, Action.UPDATE, actor)
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
        check_leave_balance(actor, leave, document_id=document.pk)
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
    record(document, Action.SUBMIT, actor, from_state=old)
    notify(
        users=[s.approver for s in steps if s.order == first]
        + deputies_of([s for s in steps if s.order == first]),
        kind="turn",
        document=document,
        institution=institution,
    )
    cc = users_of(document.readers.filter(kind=Reader.Kind.CC).values_list("user_id", flat=True))
    if old == State.DRAFT and cc:
        notify(users=cc, kind="cc", document=document, institution=institution)
    return document


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
    record(source, Action.REDRAFT, actor, opinion=f"재기안 문서 #{new.pk}")
    return new
