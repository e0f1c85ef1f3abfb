"""What the drafter does: save a draft (임시저장), edit it, submit it (상신), redraft (재기안).

Every service is atomic, takes the document's row lock first, checks the state machine
(409 ``ApprovalConflict``), then who acts (403 ``ApprovalForbidden``), then the input
(``ValidationError``), and writes one ``DocumentEvent`` per action.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access
from groupware.approval import leave as leave_rules
from groupware.approval.errors import ApprovalForbidden, invalid
from groupware.approval.formdata import amount_of, clean_form_data
from groupware.approval.models import (
    Action,
    Attachment,
    Disclosure,
    Document,
    DocumentRecipient,
    DocumentVersion,
    Form,
    FormTemplate,
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
        template = FormTemplate.objects.filter(code=str(form)[:40]).first()
        if template is None:
            fail("form", "form_invalid")
        elif not template.is_active:
            fail("form", "form_inactive")
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
    if kind in (LeaveKind.HALF, LeaveKind.HOURLY) and end != start:
        raise invalid("leave_half_one_day", "leave")
    hours, start_time = _clean_hours(kind, leave)
    if kind in (LeaveKind.HALF, LeaveKind.HOURLY) and not leave_rules.is_workday(start):
        raise invalid("leave_no_workdays", "leave")
    days = leave_rules.leave_days(kind, start, end, hours)
    if days <= 0:
        raise invalid("leave_no_workdays", "leave")
    return {
        "kind": kind,
        "start_date": start,
        "end_date": end,
        "start_time": start_time,
        "hours": hours,
        "days": days,
        "reason": str(leave["reason"]).strip()[:300],
    }


def _clean_hours(kind: str, leave: dict):
    """시간 단위 연차: a start time and hours in the institution's unit, under one day."""
    if kind != LeaveKind.HOURLY:
        return None, None
    unit = leave_rules.hour_unit()
    try:
        hours = Decimal(str(leave.get("hours") or "0"))
        start_time = leave.get("start_time")
        if isinstance(start_time, str):
            start_time = datetime.time.fromisoformat(start_time)
    except (ArithmeticError, ValueError):
        raise invalid("leave_hourly_hours", "leave", unit=leave_rules.format_days(unit)) from None
    if not isinstance(start_time, datetime.time) or hours <= 0 or hours % unit:
        raise invalid("leave_hourly_hours", "leave", unit=leave_rules.format_days(unit))
    per_day = leave_rules.work_hours_per_day()
    if hours >= per_day:
        raise invalid("leave_hourly_too_long", "leave", hours=leave_rules.format_days(per_day))
    return hours, start_time


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


MAX_RECIPIENTS = 30


def _template(code: str) -> FormTemplate:
    template = FormTemplate.objects.filter(code=code).first()
    if template is None:
        raise invalid("form_invalid", "form")
    return template


def _clean_form_values(template: FormTemplate, raw, *, strict: bool) -> tuple[dict, int | None]:
    """The form's field values (types checked; required ones and sums too when ``strict``)
    and the amount that decides 전결."""
    data = clean_form_data(template.fields or [], raw, strict=strict)
    return data, amount_of(template.amount_field, data)


def _clean_recipients(institution, entries) -> list[dict] | None:
    """수신자: [{"institution": id, "department_hint"} | {"name", "email"}] → specs; None
    when not given. Institutions of this cloud only (not ourselves); e-mail addresses
    checked."""
    if entries is None:
        return None
    from django.core.validators import validate_email

    from tenants.models import Institution

    entries = [e for e in entries if isinstance(e, dict)]
    if len(entries) > MAX_RECIPIENTS:
        raise invalid("recipients_too_many", "recipient_list")
    specs, seen_inst, seen_mail = [], set(), set()
    for entry in entries:
        hint = str(entry.get("department_hint") or "").strip()[:60]
        if entry.get("institution") not in (None, ""):
            try:
                pk = int(entry["institution"])
            except (TypeError, ValueError):
                raise invalid("recipient_unknown", "recipient_list") from None
            target = Institution.objects.filter(pk=pk, status=Institution.Status.ACTIVE).first()
            if target is None:
                raise invalid("recipient_unknown", "recipient_list")
            if institution is not None and target.pk == institution.pk:
                raise invalid("recipient_self", "recipient_list")
            if target.pk in seen_inst:
                continue
            seen_inst.add(target.pk)
            name = target.head_title or target.name
            specs.append(
                {
                    "kind": "cloud",
                    "institution": target,
                    "name": name[:100],
                    "department_hint": hint,
                }
            )
            continue
        email = str(entry.get("email") or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise invalid("recipient_email", "recipient_list", value=email[:80] or "-") from None
        if email in seen_mail:
            continue
        seen_mail.add(email)
        name = str(entry.get("name") or "").strip()[:100] or email
        specs.append({"kind": "email", "email": email, "name": name, "department_hint": hint})
    return specs


def _recipients_text(specs: list[dict]) -> str:
    labels = [
        f"{s['name']}({s['department_hint']})" if s.get("department_hint") else s["name"]
        for s in specs
    ]
    return ", ".join(labels)[:300]


def _write_recipients(document, specs: list[dict]) -> None:
    DocumentRecipient.objects.filter(document=document).delete()
    DocumentRecipient.objects.bulk_create(
        [
            DocumentRecipient(
                document=document,
                order=index,
                kind=spec["kind"],
                institution=spec.get("institution"),
                name=spec["name"],
                department_hint=spec.get("department_hint", ""),
                email=spec.get("email", ""),
            )
            for index, spec in enumerate(specs, start=1)
        ]
    )


def _clean_cancel(actor, cancels, *, document_id=None) -> Document:
    """휴가취소신청서: the actor's approved 휴가신청서 with no cancellation approved or on its
    way (other than this document)."""
    try:
        pk = int(getattr(cancels, "pk", cancels) or 0)
    except (TypeError, ValueError):
        pk = 0
    target = (
        Document.objects.filter(
            pk=pk,
            form=Form.LEAVE,
            state=State.APPROVED,
            leave__user=actor,
            disposed_at__isnull=True,
        )
        .select_related("leave")
        .first()
    )
    if target is None:
        raise invalid("leave_cancel_target", "cancels")
    others = Document.objects.filter(cancels=target, form=Form.LEAVE_CANCEL).exclude(pk=document_id)
    if others.exclude(state__in=(State.RETURNED, State.RECALLED)).exists():
        raise invalid("leave_cancel_taken", "cancels")
    return target


def _cancel_title(target: Document) -> str:
    from suite.dates import kdate

    leave = target.leave
    period = kdate(leave.start_date)
    if leave.end_date != leave.start_date:
        period += f" ~ {kdate(leave.end_date)}"
    return f"휴가취소신청 ({leave.get_kind_display()} {period})"


def _prepare(actor, institution, data: dict, *, form_data, leave, cancels, document_id=None):
    """Everything a draft carries beyond its fields: the form's values, the amount, the
    leave request or the leave it cancels. Raises ValidationError (nothing written)."""
    template = _template(data["form"])
    values, amount = _clean_form_values(template, form_data, strict=False)
    leave_data = None
    target = None
    if data["form"] == Form.LEAVE:
        leave_data = _clean_leave(leave)
        check_leave_balance(actor, leave_data, document_id=document_id)
    elif data["form"] == Form.LEAVE_CANCEL:
        target = _clean_cancel(actor, cancels, document_id=document_id)
    return template, values, amount, leave_data, target


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
    recipients = _clean_recipients(institution, recipient_list)
    if recipients:
        fields["recipients"] = _recipients_text(recipients)
    data = _clean_fields(fields)
    template, values, amount, leave_data, target = _prepare(
        actor, institution, data, form_data=form_data, leave=leave, cancels=cancels
    )
    if target is not None and data["title"] == "휴가취소신청":
        data["title"] = _cancel_title(target)
    planned = validate_line(
        institution=institution, drafter=actor, form=data["form"], line=line, amount=amount
    )
    cc_users = _clean_cc(institution, cc)
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
    _write_line(document, planned)
    _write_cc(document, cc_users, actor)
    if recipients is not None and data["recipient_kind"] == RecipientKind.NAMED:
        _write_recipients(document, recipients)
    if leave_data:
        LeaveRequest.objects.create(document=document, user=actor, **leave_data)
    _add_attachments(document, actor, attachments)
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
    recipients = _clean_recipients(institution, recipient_list)
    if recipients:
        fields["recipients"] = _recipients_text(recipients)
    elif "recipient_kind" in fields and "recipients" not in fields:
        fields["recipients"] = document.recipients
    data = _clean_fields(fields, partial=True)
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
    template, values, amount, leave_data, target = _prepare(
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
    cc_users = _clean_cc(institution, cc) if cc is not None else None
    for key, value in data.items():
        setattr(document, key, value)
    if form != document.form or form_data is not None:
        document.form_name, document.form_fields = template.name, template.fields or []
    document.form_data, document.amount, document.cancels = values, amount, target
    document.save()
    _write_line(document, planned)
    if cc_users is not None:
        _write_cc(document, cc_users, actor)
    if kind != RecipientKind.NAMED:
        DocumentRecipient.objects.filter(document=document).delete()
    elif recipients is not None:
        _write_recipients(document, recipients)
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
        _clean_cancel(actor, document.cancels_id, document_id=document.pk)


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
