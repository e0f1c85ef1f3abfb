"""What the drafter does: save a draft (임시저장), edit it, submit it (상신), redraft (재기안).

Every service is atomic, takes the document's row lock first, checks the state machine
(409 ``ApprovalConflict``), then who acts (403 ``ApprovalForbidden``), then the input
(``ValidationError``), and writes one ``DocumentEvent`` per action.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts import access
from groupware.approval.errors import ApprovalForbidden, invalid
from groupware.approval.formdata import clean_form_data
from groupware.approval.models import (
    Action,
    Document,
    DocumentRecipient,
    DocumentVersion,
    Form,
    FormTemplate,
    LeaveRequest,
    Reader,
    RecipientKind,
    State,
    Step,
    StepStatus,
)
from groupware.approval.services.common import (
    check_leave_balance,
    deputies_of,
    lock_document,
    person_of,
    record,
    users_of,
)
from groupware.approval.services.draft_input import (
    add_attachments,
    cancel_title,
    clean_cancel,
    clean_cc,
    clean_fields,
    clean_recipients,
    prepare,
    recipients_text,
    write_cc,
    write_line,
    write_recipients,
)
from groupware.approval.services.lines import line_of_steps, validate_line
from groupware.approval.services.notices import notify
from groupware.approval.workflow import ensure_can_start, transition
from groupware.public import profile_of


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
    form_data: dict | None = None,
    recipient_list: list | None = None,
    cancels=None,
    **fields,
) -> Document:
    """Save a new draft (임시저장) with its line. Nothing is stored when any input is wrong."""
    if not access.can_use_workspace(actor, institution):
        raise ApprovalForbidden("not_allowed")
    if fields.get("form") == Form.LEAVE_CANCEL and not (fields.get("title") or "").strip():
        fields["title"] = "휴가취소신청"  # replaced by the leave it cancels below
    recipients = clean_recipients(institution, recipient_list)
    if recipients:
        fields["recipients"] = recipients_text(recipients)
    data = clean_fields(fields)
    template, values, amount, leave_data, target = prepare(
        actor, institution, data, form_data=form_data, leave=leave, cancels=cancels
    )
    if target is not None and data["title"] == "휴가취소신청":
        data["title"] = cancel_title(target)
    planned = validate_line(
        institution=institution, drafter=actor, form=data["form"], line=line, amount=amount
    )
    cc_users = clean_cc(institution, cc)
    name, position, _dept = person_of(actor)
    profile = profile_of(actor)
    department = profile.department if profile else None
    document = Document.objects.create(
        **data,
        form_name=template.name,
        form_fields=template.fields or [],
        form_data=values,
        amount=amount,
        cancels=target,
        drafter=actor,
        drafter_name=name,
        drafter_position=position,
        department=department,
        department_name=department.name if department else "",
        redrafted_from=redrafted_from,
    )
    write_line(document, planned)
    write_cc(document, cc_users, actor)
    if recipients is not None and data["recipient_kind"] == RecipientKind.NAMED:
        write_recipients(document, recipients)
    if leave_data:
        LeaveRequest.objects.create(document=document, user=actor, **leave_data)
    add_attachments(document, actor, attachments)
    record(document, Action.CREATE, actor, from_state=State.DRAFT)
    return document


# Longer than most: one edit carries fields, the form's values, the line, cc, recipients,
# leave and files, each checked before anything is written.
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
    form_data: dict | None = None,
    recipient_list: list | None = None,
    cancels=None,
    **fields,
) -> Document:
    """Edit a draft, or a returned/recalled document before resubmitting. Drafter only."""
    document = lock_document(document)
    if document.drafter_id != actor.pk:
        raise ApprovalForbidden("not_drafter")
    ensure_can_start(document, Action.UPDATE)
    recipients = clean_recipients(institution, recipient_list)
    if recipients:
        fields["recipients"] = recipients_text(recipients)
    elif "recipient_kind" in fields and "recipients" not in fields:
        fields["recipients"] = document.recipients
    data = clean_fields(fields, partial=True)
    form = data.get("form", document.form)
    kind = data.get("recipient_kind", document.recipient_kind)
    if form == Form.LEAVE and leave is None and hasattr(document, "leave"):
        current = document.leave
        leave = {
            "kind": current.kind,
            "start_date": current.start_date,
            "end_date": current.end_date,
            "start_time": current.start_time,
            "hours": current.hours,
            "reason": current.reason,
        }
    if form_data is None and form == document.form:
        form_data = document.form_data
    if cancels is None and form == Form.LEAVE_CANCEL:
        cancels = document.cancels_id
    merged = {"form": form, "title": data.get("title", document.title)}
    template, values, amount, leave_data, target = prepare(
        actor,
        institution,
        merged,
        form_data=form_data,
        leave=leave,
        cancels=cancels,
        document_id=document.pk,
    )
    if line is None:
        line = line_of_steps(document.current_steps())
    planned = validate_line(
        institution=institution, drafter=actor, form=form, line=line, amount=amount
    )
    cc_users = clean_cc(institution, cc) if cc is not None else None
    for key, value in data.items():
        setattr(document, key, value)
    if form != document.form or form_data is not None:
        document.form_name, document.form_fields = template.name, template.fields or []
    document.form_data, document.amount, document.cancels = values, amount, target
    document.save()
    write_line(document, planned)
    if cc_users is not None:
        write_cc(document, cc_users, actor)
    if kind != RecipientKind.NAMED:
        DocumentRecipient.objects.filter(document=document).delete()
    elif recipients is not None:
        write_recipients(document, recipients)
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
    add_attachments(document, actor, attachments)
    record(document, Action.UPDATE, actor)
    return document


def _check_complete(actor, document: Document) -> None:
    """Before 상신: the title, every required field of the form (sums, dates), 증빙 files
    where the form asks for them, the leave request or the leave to cancel."""
    if not document.title.strip():
        raise invalid("title_required", "title")
    template = FormTemplate.objects.filter(code=document.form).first()
    if template is not None and not template.is_active:
        raise invalid("form_inactive", "form")
    fields = document.form_fields or (template.fields if template is not None else [])
    clean_form_data(fields or [], document.form_data, strict=True)
    if template is not None and template.requires_attachment and not document.attachments.exists():
        raise invalid("form_attachment_required", "attachments", form=template.name)
    if document.form == Form.LEAVE:
        leave = getattr(document, "leave", None)
        if leave is None:
            raise invalid("leave_required", "leave")
        check_leave_balance(actor, leave, document_id=document.pk)
    elif document.form == Form.LEAVE_CANCEL:
        clean_cancel(actor, document.cancels_id, document_id=document.pk)


@transaction.atomic
def document_submit(*, actor, institution, document: Document) -> Document:
    """상신: the drafter sends the document to the first stage of its line (no number yet)."""
    document = lock_document(document)
    if document.drafter_id != actor.pk:
        raise ApprovalForbidden("not_drafter")
    ensure_can_start(document, Action.SUBMIT)
    steps = list(document.current_steps())
    _check_complete(actor, document)
    # people may have left or the table changed since the draft was saved
    validate_line(
        institution=institution,
        drafter=actor,
        form=document.form,
        line=line_of_steps(steps),
        amount=document.amount,
    )
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
            "start_time": source.leave.start_time,
            "hours": source.leave.hours,
            "reason": source.leave.reason,
        }
    recipient_list = [
        {"institution": r.institution_id, "department_hint": r.department_hint}
        if r.kind == DocumentRecipient.Kind.CLOUD
        else {"name": r.name, "email": r.email, "department_hint": r.department_hint}
        for r in source.recipient_list.all()
    ]
    new = document_create_draft(
        actor=actor,
        institution=institution,
        line=line_of_steps(steps),
        cc=list(source.readers.filter(kind=Reader.Kind.CC).values_list("user_id", flat=True)),
        leave=leave,
        redrafted_from=source,
        form_data=source.form_data,
        recipient_list=recipient_list or None,
        cancels=source.cancels_id,
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
