"""접속기록: who touched which personal data, when, from where, what and why.

Each row carries the SHA-256 of the previous row's hash and its own fields, so a
changed, removed or inserted row breaks the chain (``verify_chain``). A database
trigger refuses UPDATE and TRUNCATE, and DELETE of rows younger than the retention
period (privacy/migrations/0002). Rows hold ids, never names, so account deletion
leaves the chain intact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from privacy.models import AccessRecord
from suite.net import client_ip

GENESIS = "0" * 64


def _digest(prev_hash: str, fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _fields(record: AccessRecord) -> dict:
    return {
        "seq": record.seq,
        "at": record.at.isoformat(),
        "actor_id": record.actor_id,
        "ip_address": record.ip_address,
        "action": record.action,
        "target": record.target,
        "subject_id": record.subject_id,
        "purpose": record.purpose,
        "path": record.path,
        "row_count": record.row_count,
        "flagged": record.flagged,
    }


def large_export_rows() -> int:
    return int(getattr(settings, "PRIVACY_LARGE_EXPORT_ROWS", 1000))


def record(
    *,
    actor,
    action: str,
    target: str,
    purpose: str,
    subject_id: int | None = None,
    row_count: int = 1,
    ip_address: str | None = None,
    path: str = "",
) -> AccessRecord:
    """Append one access record in the current schema (institution, or public for the console)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One writer at a time per schema, so the chain never forks.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.privacy_access'))"
            )
        last = AccessRecord.objects.order_by("-seq").only("seq", "hash").first()
        row = AccessRecord(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            ip_address=ip_address,
            action=action,
            target=target[:120],
            subject_id=subject_id,
            purpose=purpose[:120],
            path=path[:300],
            row_count=max(0, int(row_count)),
            flagged=int(row_count) >= large_export_rows(),
            prev_hash=last.hash if last else GENESIS,
        )
        row.hash = _digest(row.prev_hash, _fields(row))
        row.save(force_insert=True)
        return row


def record_request(
    request,
    *,
    action: str,
    target: str,
    purpose: str,
    subject_id: int | None = None,
    row_count: int = 1,
) -> AccessRecord:
    """``record`` with who and from where taken from the request."""
    return record(
        actor=request.user,
        action=action,
        target=target,
        purpose=purpose,
        subject_id=subject_id,
        row_count=row_count,
        ip_address=client_ip(request),
        path=request.get_full_path(),
    )


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None  # seq of the first row that does not match, None: intact

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    """Recompute the chain of the current schema from its oldest kept row."""
    previous = None
    checked = 0
    for row in AccessRecord.objects.order_by("seq").iterator(chunk_size=2000):
        if previous is not None and (row.prev_hash != previous.hash or row.seq != previous.seq + 1):
            return ChainReport(checked, row.seq)
        if row.hash != _digest(row.prev_hash, _fields(row)):
            return ChainReport(checked, row.seq)
        previous = row
        checked += 1
    return ChainReport(checked, None)
