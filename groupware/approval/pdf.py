"""The official document (공문서) as a PDF: 두문, 본문 with item markers and "끝.", 결문
with the approval block, 생산등록번호 and 시행일. Stored once, on approval."""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.db import connection

from groupware.approval.leave import format_days
from groupware.approval.marks import REPORTER, drafter_marks, reporter_step
from groupware.approval.models import Document, RecipientKind, State, StepRole, StepStatus
from groupware.public import profile_of
from suite import dates
from suite.pdf import render_pdf

END_MARK = "끝."


korean_date = dates.kdate
short_date = dates.kmonthday  # 11. 25. (the approver's date in their box)


# the run of closing tags at the very end: "끝." goes right before it, after the last word
_TRAILING_CLOSERS = re.compile(
    r"^(.*?)((?:\s*</(?:p|li|ol|ul|div|td|tr|tbody|h3|h4|blockquote|strong|b|em|i|u|s|span)>)*\s*)$",
    re.S,
)


def body_with_end_mark(body: str) -> str:
    """Put "끝." one space after the last character of the text (or "이하 빈칸" after a table)."""
    body = (body or "").strip()
    if not body:
        return f"<p>{END_MARK}</p>"
    if body.endswith("</table>"):
        return body + '<p class="end">이하 빈칸</p>'
    match = _TRAILING_CLOSERS.match(body)
    return f"{match.group(1)} {END_MARK}{match.group(2)}"


def signer_boxes(document: Document) -> dict:
    """The approval block: drafter and each signer of the final round (직위, 이름, marks, date)."""
    steps = list(document.current_steps())
    main, cooperators = [], []
    drafter_profile = profile_of(document.drafter_id)
    reporter = reporter_step(steps)
    main.append(
        {
            # ★ 발의자 (and ⊙ 보고자 when no reviewer reports) before the 직위
            "position": drafter_marks(steps) + (document.drafter_position or "기안자"),
            "name": document.drafter_name,
            "marks": "",
            "date": "",
            "opinion": False,
            "signature": _signature(drafter_profile),
        }
    )
    for step in steps:
        marks = []
        if step.delegated and step.status == StepStatus.APPROVED:
            marks.append("전결")
        if step.acting:
            marks.append("대결")
        acted_name = step.acted_by_name or step.approver_name
        box = {
            "position": (REPORTER if reporter is not None and step.pk == reporter.pk else "")
            + (step.approver_position or step.get_role_display()),
            "name": acted_name if step.status == StepStatus.APPROVED else step.approver_name,
            "marks": " ".join(marks),
            "date": short_date(step.acted_at) if step.role == StepRole.APPROVE else "",
            "opinion": step.has_opinion,
            "skipped": step.skip_reason if step.status == StepStatus.SKIPPED else "",
            "acting_position": step.acted_by_position if step.acting else "",
            "signature": _signature(profile_of(step.acted_by_id)) if step.acted_by_id else "",
        }
        (cooperators if step.role == StepRole.COOPERATE else main).append(box)
    return {"main": main, "cooperators": cooperators}


def _signature(profile) -> str:
    if profile is None or not profile.signature:
        return ""
    try:
        return profile.signature.path and "file://" + profile.signature.path
    except (NotImplementedError, ValueError):
        return ""


def leave_particulars(document: Document) -> str:
    """휴가신청서: the request itself (구분, 기간, 일수, 사유) as the body's first items."""
    from django.utils.html import escape

    from groupware.approval.models import Form, LeaveRequest

    if document.form != Form.LEAVE:
        return ""
    leave = LeaveRequest.objects.filter(document=document).first()
    if leave is None:
        return ""
    period = korean_date(leave.start_date)
    if leave.end_date != leave.start_date:
        period = f"{period} ~ {korean_date(leave.end_date)}"
    items = [
        ("휴가 구분", leave.get_kind_display()),
        ("기간", f"{period} ({format_days(leave.days)}일)"),
        ("사유", leave.reason),
    ]
    return "".join(
        f'<p class="item-0">{n}. {label}: {escape(value)}</p>'
        for n, (label, value) in enumerate(items, start=1)
    )


def pdf_context(document: Document) -> dict:
    from tenants.models import Institution

    # schema_context() gives a bare tenant; the letterhead needs the full row
    institution = Institution.objects.filter(schema_name=connection.schema_name).first()
    attachments = list(document.attachments.all())
    body = leave_particulars(document) + (document.body or "")
    if not attachments:
        body = body_with_end_mark(body)
    from groupware.approval.formdata import display_rows

    internal = document.recipient_kind == RecipientKind.INTERNAL
    recipients = [r.label for r in document.recipient_list.all()]
    recipients_text = ", ".join(recipients) if recipients else document.recipients
    return {
        "document": document,
        "institution": institution,
        "internal": internal,
        "recipients_text": recipients_text,
        # 직인 beside the 발신명의 of an outgoing 시행문 only, never on 내부결재
        "seal": "" if internal else seal_uri(),
        "form_rows": display_rows(document.form_fields, document.form_data),
        # several recipients: "수신자 참조" in the 두문, the list after the 발신명의
        "many_recipients": len(recipients) > 1
        or len(re.split(r"[,;·]", recipients_text)) > 1
        or len(recipients_text) > 40,
        "body": body,
        "attachments": attachments,
        "end_mark": END_MARK,
        "boxes": signer_boxes(document),
        "enforced_on": korean_date(document.enforced_on),
        "drafter_email": getattr(document.drafter, "email", ""),
    }


def seal_uri() -> str:
    """The institution's seal in use, as a file URI for WeasyPrint ("" when none)."""
    from groupware.approval.models import Seal

    seal = Seal.objects.filter(is_active=True).first()
    if seal is None or not seal.image:
        return ""
    try:
        return "file://" + seal.image.path
    except (NotImplementedError, ValueError):
        return ""


def render_document_pdf(document: Document) -> bytes:
    return render_pdf("approval/pdf/document.html", pdf_context(document))


def ensure_pdf(document_id: int) -> bool:
    """Render and store the PDF of an approved document once. Returns True if stored now."""
    document = Document.objects.filter(
        pk=document_id, state=State.APPROVED, disposed_at__isnull=True
    ).first()
    if document is None or document.pdf:
        return False
    content = render_document_pdf(document)
    name = f"{document.number or document.pk}.pdf".replace("/", "_")
    stored = document.pdf.storage.save(
        document.pdf.field.generate_filename(document, name), ContentFile(content)
    )
    # only the pdf column may change on an approved row (the database trigger checks it)
    updated = Document.objects.filter(pk=document.pk, pdf="").update(pdf=stored)
    if not updated:
        document.pdf.storage.delete(stored)
    return bool(updated)
