"""What a draft carries, checked and written: its fields, the form's values, the leave (or
the leave it cancels), recipients, cc, the line and attachments. Used by the drafting
services; every check raises a Korean ValidationError before anything is written."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import access
from groupware.approval import leave as leave_rules
from groupware.approval.errors import invalid
from groupware.approval.formdata import amount_of, clean_form_data
from groupware.approval.models import (
    Attachment,
    Disclosure,
    Document,
    DocumentRecipient,
    Form,
    FormTemplate,
    LeaveKind,
    Reader,
    RecipientKind,
    Retention,
    State,
    Step,
)
from groupware.approval.sanitize import clean_body
from groupware.approval.services.common import check_leave_balance, users_of
from suite.uploads import attachment_fields, check_attachments


def clean_fields(data: dict, *, partial: bool = False) -> dict:
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


def clean_leave(leave: dict | None) -> dict:
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
    hours, start_time = clean_hours(kind, leave)
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


def clean_hours(kind: str, leave: dict):
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


def clean_cc(institution, cc) -> list:
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


def write_line(document, planned) -> None:
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


def write_cc(document, users, actor) -> None:
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


def add_attachments(document, actor, files) -> None:
    files = [f for f in (files or []) if f]
    if not files:
        return
    files = check_attachments(files, existing=document.attachments.count())
    for upload in files:
        Attachment.objects.create(
            document=document, file=upload, uploaded_by=actor, **attachment_fields(upload)
        )


MAX_RECIPIENTS = 30


def form_template_of(code: str) -> FormTemplate:
    template = FormTemplate.objects.filter(code=code).first()
    if template is None:
        raise invalid("form_invalid", "form")
    return template


def clean_form_values(template: FormTemplate, raw, *, strict: bool) -> tuple[dict, int | None]:
    """The form's field values (types checked; required ones and sums too when ``strict``)
    and the amount that decides 전결."""
    data = clean_form_data(template.fields or [], raw, strict=strict)
    return data, amount_of(template.amount_field, data)


def clean_recipients(institution, entries) -> list[dict] | None:
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


def recipients_text(specs: list[dict]) -> str:
    labels = [
        f"{s['name']}({s['department_hint']})" if s.get("department_hint") else s["name"]
        for s in specs
    ]
    return ", ".join(labels)[:300]


def write_recipients(document, specs: list[dict]) -> None:
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


def clean_cancel(actor, cancels, *, document_id=None) -> Document:
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


def cancel_title(target: Document) -> str:
    from suite.dates import kdate

    leave = target.leave
    period = kdate(leave.start_date)
    if leave.end_date != leave.start_date:
        period += f" ~ {kdate(leave.end_date)}"
    return f"휴가취소신청 ({leave.get_kind_display()} {period})"


def prepare(actor, institution, data: dict, *, form_data, leave, cancels, document_id=None):
    """Everything a draft carries beyond its fields: the form's values, the amount, the
    leave request or the leave it cancels. Raises ValidationError (nothing written)."""
    template = form_template_of(data["form"])
    values, amount = clean_form_values(template, form_data, strict=False)
    leave_data = None
    target = None
    if data["form"] == Form.LEAVE:
        leave_data = clean_leave(leave)
        check_leave_balance(actor, leave_data, document_id=document_id)
    elif data["form"] == Form.LEAVE_CANCEL:
        target = clean_cancel(actor, cancels, document_id=document_id)
    return template, values, amount, leave_data, target
