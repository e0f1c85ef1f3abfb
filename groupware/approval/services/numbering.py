"""Numbers of the department registers (기록물 등록대장): `<처리과명>-<serial>`, the serial
gapless per department per year and never reused, shared by what the department produced
(생산등록번호) and what it received (접수등록번호).

The serial comes from one ``NumberCounter`` row per department and year, locked with
SELECT … FOR UPDATE inside the registering transaction: a rolled-back approval rolls its
serial back too (no gap), and two approvals in one department queue on the row (no
duplicate) while other departments go on. Lock order everywhere: the document (or the
received copy) first, then the counter.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from groupware.approval.models import (
    Document,
    NumberCounter,
    RecipientKind,
    RegisterEntry,
    retention_until,
)
from institution.models import Setting

DEFAULT_FORMAT = "{dept}-{serial}"


def number_format() -> str:
    setting = Setting.objects.filter(key="approval").first()
    value = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    fmt = value.get("number_format") or DEFAULT_FORMAT
    return fmt if "{serial}" in fmt else DEFAULT_FORMAT


def prefix_of(department, institution) -> str:
    """처리과명: the department's short name, or the institution's for the institution's
    own register (a drafter outside every department)."""
    if department is not None:
        return department.document_prefix
    if institution is None:
        return ""
    return institution.short_name or institution.name


def number_prefix(document: Document, institution) -> str:
    return prefix_of(document.department, institution)


def next_serial(department, year: int) -> int:
    """Take the next serial of ``department``'s register in ``year`` (None: the
    institution's own). Precondition: inside transaction.atomic."""
    department_id = getattr(department, "pk", department)
    NumberCounter.objects.bulk_create(
        [NumberCounter(department_id=department_id, year=year)], ignore_conflicts=True
    )
    rows = NumberCounter.objects.select_for_update().filter(year=year)
    rows = (
        rows.filter(department__isnull=True)
        if department_id is None
        else rows.filter(department_id=department_id)
    )
    counter = rows.get()
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial


def format_number(prefix: str, serial: int, year: int) -> str:
    try:
        return number_format().format(dept=prefix, serial=serial, year=year)
    except (KeyError, IndexError, ValueError):
        return DEFAULT_FORMAT.format(dept=prefix, serial=serial)


def issue_number(document: Document, institution) -> None:
    """Give the document its 생산등록번호 and 시행일 (not saved). Caller holds the
    document lock; ``register_produced`` writes the register row once it is saved."""
    today = timezone.localdate()
    serial = next_serial(document.department_id, today.year)
    prefix = number_prefix(document, institution)
    document.number_prefix = prefix
    document.number_year = today.year
    document.serial = serial
    document.number = format_number(prefix, serial, today.year)
    document.enforced_on = today


def register_produced(document: Document) -> RegisterEntry:
    """The department register's row of a document just established (same transaction)."""
    recipients = (
        "내부결재" if document.recipient_kind == RecipientKind.INTERNAL else document.recipients
    )
    year = document.number_year or timezone.localdate().year
    return RegisterEntry.objects.create(
        department_id=document.department_id,
        department_name=document.department_name or document.number_prefix,
        year=year,
        serial=document.serial or 0,
        number=document.number or "",
        kind=RegisterEntry.Kind.PRODUCED,
        registered_on=document.enforced_on or timezone.localdate(),
        title=document.title,
        author=f"{document.drafter_position} {document.drafter_name}".strip(),
        recipients=recipients[:300],
        retention=document.retention,
        retention_until=retention_until(document.retention, year),
        disclosure=document.disclosure,
        disclosure_ground=document.disclosure_ground,
        attachment_count=min(document.attachments.count(), 32767),
        document=document,
    )


def register_received(
    *,
    institution,
    department,
    title: str,
    sender: str,
    sender_number: str,
    author: str,
    recipients: str,
    retention: str,
    disclosure: str,
    disclosure_ground: int | None,
    attachment_count: int,
    source: str,
    source_id: int,
    on: datetime.date | None = None,
) -> RegisterEntry:
    """접수: a received document's row and 접수등록번호 in ``department``'s register.
    Precondition: inside atomic, the caller holds the received copy's lock."""
    on = on or timezone.localdate()
    serial = next_serial(department, on.year)
    prefix = prefix_of(department, institution)
    return RegisterEntry.objects.create(
        department=department,
        department_name=(department.name if department is not None else prefix),
        year=on.year,
        serial=serial,
        number=format_number(prefix, serial, on.year),
        kind=RegisterEntry.Kind.RECEIVED,
        registered_on=on,
        title=title[:200],
        author=author[:120],
        sender=sender[:120],
        sender_number=sender_number[:80],
        recipients=recipients[:300],
        retention=retention,
        retention_until=retention_until(retention, on.year),
        disclosure=disclosure,
        disclosure_ground=disclosure_ground,
        attachment_count=min(attachment_count, 32767),
        source=source,
        source_id=source_id,
    )
