"""The registers' year-end review (보존기간 경과 기록물): 폐기 or 연장, decided by the
department's head (or an institution admin) with a reason. A disposed record keeps its
register row; its text and files are destroyed (the database allows exactly that once,
migration 0006)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from groupware.approval.errors import ApprovalConflict, invalid
from groupware.approval.models import (
    Action,
    Attachment,
    DisposalDecision,
    Document,
    DocumentVersion,
    RegisterEntry,
    Retention,
    retention_until,
)
from groupware.approval.permissions import can_decide_disposal
from groupware.approval.services.common import record
from institution.audit import audit_record

# shortest first: an extension must move right
RETENTION_ORDER = [r.value for r in Retention]


def is_due(entry: RegisterEntry, year: int | None = None) -> bool:
    """The retention ends by the end of ``year`` (this year by default)."""
    year = year or timezone.localdate().year
    return entry.retention_until is not None and entry.retention_until <= year


@transaction.atomic
def register_decide(
    *,
    actor,
    institution,
    entry: RegisterEntry,
    decision: str,
    reason: str,
    retention: str = "",
) -> DisposalDecision:
    """Record the review of one record whose retention ends this year (or ended): 폐기
    (destroy the text and files, keep the row) or 연장 (a longer retention)."""
    entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
    if not can_decide_disposal(actor, institution, entry.department_id):
        raise PermissionDenied
    if entry.disposed_at is not None:
        raise ApprovalConflict("disposal_done")
    if decision not in DisposalDecision.Decision.values:
        raise invalid("choice_invalid", "decision")
    reason = (reason or "").strip()
    if not reason:
        raise invalid("disposal_reason_required", "reason")
    if not is_due(entry):
        raise invalid("disposal_not_due", "decision")
    before = entry.retention
    if decision == DisposalDecision.Decision.EXTEND:
        if retention not in RETENTION_ORDER or RETENTION_ORDER.index(
            retention
        ) <= RETENTION_ORDER.index(before):
            raise invalid("disposal_extend_longer", "retention")
        entry.retention = retention
        entry.retention_until = retention_until(retention, entry.year)
        entry.save(update_fields=["retention", "retention_until"])
    else:
        entry.disposed_at = timezone.now()
        entry.save(update_fields=["disposed_at"])
        _destroy(entry, actor)
    made = DisposalDecision.objects.create(
        entry=entry,
        decision=decision,
        retention_before=before,
        retention_after=retention if decision == DisposalDecision.Decision.EXTEND else "",
        reason=reason[:2000],
        decided_by=actor,
        decided_by_name=actor.name or actor.email,
    )
    label = DisposalDecision.Decision(decision).label
    audit_record(
        actor=actor,
        action=f"approval.register_{decision}",
        summary=f"기록물 {label}: {entry.number} {entry.title}",
        target=entry,
        data={"reason": reason[:200], "retention": retention or before},
    )
    return made


def _destroy(entry: RegisterEntry, actor) -> None:
    """폐기: the produced document's text, versions, PDF and attachment files go; a
    received copy is destroyed by the app that keeps it (``record_disposed``)."""
    if entry.document_id is not None:
        document = Document.objects.select_for_update().get(pk=entry.document_id)
        files = [a.file.name for a in Attachment.objects.filter(document=document)]
        storage = Attachment._meta.get_field("file").storage
        if document.pdf:
            files.append(document.pdf.name)
        Document.objects.filter(pk=document.pk).update(
            disposed_at=timezone.now(), body="", form_data={}, pdf=""
        )
        DocumentVersion.objects.filter(document=document).update(body="")
        document.refresh_from_db()
        record(document, Action.DISPOSE, actor, opinion=f"기록물 폐기 ({entry.number})")

        def delete_files():
            for name in files:
                if name:
                    storage.delete(name)

        transaction.on_commit(delete_files, robust=True)
        return
    if entry.source and entry.source_id is not None:
        from groupware.approval.public import RecordDisposed, record_disposed

        record_disposed.send(
            RecordDisposed(entry_id=entry.pk, source=entry.source, source_id=entry.source_id)
        )
