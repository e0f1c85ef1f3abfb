"""The receiving institution's side: 도달 (the delivery task makes our copy), then 접수
(a number in a department's register), 배부, 담당자 지정, 공람, 회신 기안, or 반송.

Every service is atomic and takes the received copy's row lock first; the envelope (public
schema) is locked after it and only its state and times are written back — nothing of
the sender's schema is ever read or written here.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from accounts import access
from groupware.approval.public import (
    RecordDisposed,
    document_create_draft,
    propose_line,
    register_received,
)
from groupware.exchange.errors import ExchangeForbidden, invalid
from groupware.exchange.models import (
    ReceivedAttachment,
    ReceivedDocument,
    ReceivedEvent,
    ReceivedReader,
    ReplyLink,
)
from groupware.exchange.notices import (
    tell_assignee,
    tell_department_heads,
    tell_document_office,
    tell_readers,
    tell_sender_returned,
)
from groupware.exchange.permissions import (
    can_assign,
    can_circulate_received,
    can_manage_incoming,
    can_reply,
)
from groupware.exchange.relay.models import Envelope, EnvelopeState
from groupware.exchange.services.sending import read_relay_file
from groupware.exchange.workflow import transition
from institution.audit import audit_record


def _lock(received: ReceivedDocument | int) -> ReceivedDocument:
    pk = received.pk if isinstance(received, ReceivedDocument) else received
    return ReceivedDocument.objects.select_for_update().get(pk=pk)


def _event(received, action, actor, note: str = "") -> ReceivedEvent:
    return ReceivedEvent.objects.create(
        received=received,
        action=action,
        actor=actor,
        actor_name=(actor.name or actor.email) if actor else "",
        note=note[:1000],
    )


def _envelope_for(received) -> Envelope:
    return Envelope.objects.select_for_update().get(pk=received.envelope_id)


# --- 도달: the delivery task, in the receiver's schema ----------------------------------


def envelope_deliver(*, envelope_id) -> ReceivedDocument | None:
    """Make this institution's copy of the envelope's document — once: a second run (a
    worker that died after committing, a task handed over) finds the copy by the
    envelope's id and only makes sure the envelope says 도달. Precondition: the
    connection is in the receiver's schema."""
    with transaction.atomic():
        envelope = (
            Envelope.objects.select_for_update(of=("self",))
            .select_related("receiver", "sender")
            .filter(pk=envelope_id, channel=Envelope.Channel.CLOUD)
            .first()
        )
        if envelope is None:
            return None
        receiver = envelope.receiver
        if receiver is None or getattr(connection, "schema_name", "") != receiver.schema_name:
            raise RuntimeError("envelope_deliver must run in the receiver's schema")
        existing = ReceivedDocument.objects.filter(envelope_id=envelope.pk).first()
        if existing is not None:
            return existing
        if envelope.state not in (EnvelopeState.SENT, EnvelopeState.FAILED):
            return None
        payload = envelope.payload
        try:
            original = read_relay_file(payload["pdf"])
            files = [(info, read_relay_file(info)) for info in payload.get("attachments", [])]
        except (OSError, ValueError, KeyError) as error:
            envelope.state = EnvelopeState.FAILED
            envelope.failed_at = timezone.now()
            envelope.last_error = str(error)[:500]
            envelope.attempts += 1
            envelope.save(update_fields=["state", "failed_at", "last_error", "attempts"])
            return None
        received = _copy(envelope, payload, original, files)
        envelope.move(EnvelopeState.DELIVERED)
        envelope.delivered_at = timezone.now()
        envelope.attempts += 1
        envelope.save(update_fields=["state", "delivered_at", "attempts"])
        tell_document_office(received)
    return received


def _copy(envelope: Envelope, payload: dict, original: bytes, files) -> ReceivedDocument:
    document, sender = payload["document"], payload["sender"]
    enforced = document.get("enforced_on")
    received = ReceivedDocument(
        envelope_id=envelope.pk,
        sender_institution_id=envelope.sender_id,
        sender_name=sender["name"][:100],
        sender_head_title=(sender.get("head_title") or "")[:100],
        sender_department=(sender.get("department") or "")[:60],
        sender_number=(document.get("number") or "")[:80],
        sender_enforced_on=datetime.date.fromisoformat(enforced) if enforced else None,
        drafter_name=(document.get("drafter_name") or "")[:60],
        drafter_email=(document.get("drafter_email") or "")[:254],
        form_name=(document.get("form_name") or "")[:60],
        form_fields=document.get("form_fields") or [],
        form_data=document.get("form_data") or {},
        title=(document.get("title") or "")[:200],
        body=document.get("body") or "",
        recipients=(document.get("recipients") or "")[:300],
        retention=document.get("retention") or "5y",
        disclosure=document.get("disclosure") or "public",
        disclosure_ground=document.get("disclosure_ground"),
        original_pdf_sha256=payload["pdf"]["sha256"],
        reply_to_envelope_id=envelope.reply_to_id,
        sent_at=envelope.sent_at,
    )
    received.original_pdf.save(payload["pdf"]["name"], ContentFile(original), save=False)
    received.save()
    for info, content in files:
        item = ReceivedAttachment(
            received=received,
            name=info["name"][-200:],
            size=len(content),
            content_type=(info.get("content_type") or "")[:100],
            sha256=info["sha256"],
        )
        item.file.save(info["name"][-120:] or "file", ContentFile(content), save=False)
        item.save()
    _event(received, ReceivedEvent.Action.DELIVER, None, f"{received.sender_name} 발송")
    return received


# --- 문서과: 접수, 배부, 반송 --------------------------------------------------------------


def _require_office(actor, institution) -> None:
    if not can_manage_incoming(actor, institution):
        raise ExchangeForbidden("not_document_office")


def _department(value):
    from groupware.models import Department

    if value in (None, ""):
        raise invalid("department_required", "department")
    pk = getattr(value, "pk", value)
    try:
        department = Department.objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError):
        department = None
    if department is None:
        raise invalid("department_unknown", "department")
    return department


@transaction.atomic
def received_register(
    *, actor, institution, received: ReceivedDocument, department, distribute: bool = False
) -> ReceivedDocument:
    """접수: the document gets its 접수등록번호 in ``department``'s register (the sender sees
    접수); with ``distribute`` it is handed to that department (배부) at once."""
    received = _lock(received)
    _require_office(actor, institution)
    transition(received, "register")
    department = _department(department)
    entry = register_received(
        institution=institution,
        department=department,
        title=received.title,
        sender=received.sender_name,
        sender_number=received.sender_number,
        author=received.sender_head_title or received.sender_name,
        recipients=received.recipients,
        retention=received.retention,
        disclosure=received.disclosure,
        disclosure_ground=received.disclosure_ground,
        attachment_count=received.attachments.count(),
        source="exchange",
        source_id=received.pk,
    )
    received.department = department
    received.department_name = department.name
    received.register_entry = entry
    received.number = entry.number
    received.registered_at = timezone.now()
    received.save()
    _event(
        received, ReceivedEvent.Action.REGISTER, actor, f"접수 {entry.number} ({department.name})"
    )
    envelope = _envelope_for(received)
    envelope.move(EnvelopeState.RECEIVED)
    envelope.received_at = received.registered_at
    envelope.save(update_fields=["state", "received_at"])
    audit_record(
        actor=actor,
        action="exchange.register",
        summary=f"공문 접수 {entry.number} ← {received.sender_name} {received.sender_number}",
        target=received,
    )
    if distribute:
        _distribute(received, actor)
    return received


def _distribute(received, actor) -> None:
    transition(received, "distribute")
    received.distributed_at = timezone.now()
    received.save(update_fields=["state", "distributed_at"])
    _event(received, ReceivedEvent.Action.DISTRIBUTE, actor, f"배부 → {received.department_name}")
    tell_department_heads(received)


@transaction.atomic
def received_distribute(*, actor, institution, received: ReceivedDocument) -> ReceivedDocument:
    """배부: hand the registered document to its department (its head is told)."""
    received = _lock(received)
    _require_office(actor, institution)
    _distribute(received, actor)
    return received


@transaction.atomic
def received_return(
    *, actor, institution, received: ReceivedDocument, reason: str
) -> ReceivedDocument:
    """반송: send it back before 접수 (wrong recipient, incomplete), with the reason the
    sender sees."""
    received = _lock(received)
    _require_office(actor, institution)
    reason = (reason or "").strip()[:500]
    if not reason:
        raise invalid("reason_required", "reason")
    transition(received, "return")
    received.returned_at = timezone.now()
    received.return_reason = reason
    received.save(update_fields=["state", "returned_at", "return_reason"])
    _event(received, ReceivedEvent.Action.RETURN, actor, reason)
    envelope = _envelope_for(received)
    envelope.move(EnvelopeState.RETURNED)
    envelope.returned_at = received.returned_at
    envelope.return_reason = reason
    envelope.save(update_fields=["state", "returned_at", "return_reason"])
    tell_sender_returned(envelope, reason)
    audit_record(
        actor=actor,
        action="exchange.return",
        summary=f"공문 반송 {received.sender_name} {received.sender_number}: {reason}"[:300],
        target=received,
    )
    return received


# --- the department: 담당자, 공람, 회신 ----------------------------------------------------


@transaction.atomic
def received_assign(
    *, actor, institution, received: ReceivedDocument, assignee
) -> ReceivedDocument:
    """담당자 지정 by the department's head: a member of that department."""
    from groupware.public import profile_of

    received = _lock(received)
    if not can_assign(actor, institution, received):
        raise ExchangeForbidden("not_department_head")
    if assignee is None:
        raise invalid("assignee_required", "assignee")
    profile = profile_of(assignee)
    if (
        not access.is_member(assignee, institution)
        or profile is None
        or not profile.is_active
        or profile.department_id != received.department_id
    ):
        raise invalid("assignee_outsider", "assignee", name=assignee.name or assignee.email)
    transition(received, "assign")
    received.assignee = assignee
    received.assignee_name = assignee.name or assignee.email
    received.assigned_at = timezone.now()
    received.save(update_fields=["state", "assignee", "assignee_name", "assigned_at"])
    _event(received, ReceivedEvent.Action.ASSIGN, actor, f"담당자: {received.assignee_name}")
    tell_assignee(received)
    return received


@transaction.atomic
def received_circulate(
    *, actor, institution, received: ReceivedDocument, users
) -> list[ReceivedReader]:
    """공람: put the received document in colleagues' reading lists."""
    received = _lock(received)
    if not can_circulate_received(actor, institution, received):
        raise ExchangeForbidden("not_allowed")
    people = [u for u in users if u is not None]
    if not people:
        raise invalid("circulate_empty", "users")
    for user in people:
        if not access.is_member(user, institution):
            raise invalid("circulate_outsider", "users", name=user.name or user.email)
    existing = set(received.readers.values_list("user_id", flat=True))
    new = {u.pk: u for u in people if u.pk not in existing and u.pk != actor.pk}
    readers = ReceivedReader.objects.bulk_create(
        [
            ReceivedReader(received=received, user=u, user_name=u.name or u.email, added_by=actor)
            for u in new.values()
        ]
    )
    if readers:
        names = ", ".join(u.name or u.email for u in new.values())
        _event(received, ReceivedEvent.Action.CIRCULATE, actor, f"공람: {names}")
        tell_readers(received, list(new.values()))
    return readers


def received_mark_read(*, user, received: ReceivedDocument) -> None:
    """A 공람 reader opened it: the read time is stamped once."""
    updated = ReceivedReader.objects.filter(
        received=received, user=user, read_at__isnull=True
    ).update(read_at=timezone.now())
    if updated:
        _event(received, ReceivedEvent.Action.READ, user)


@transaction.atomic
def received_reply_draft(*, actor, institution, received: ReceivedDocument):
    """회신 기안: a draft to the sender, linked to the received document, with a line
    proposed from the org chart (the drafter may change it before 상신)."""
    received = _lock(received)
    if not can_reply(actor, institution, received):
        raise ExchangeForbidden("not_allowed")
    line = propose_line(institution=institution, drafter=actor, form="general")
    if not line:
        raise invalid("reply_no_line", "line")
    from suite.dates import kdate

    enforced = f"({kdate(received.sender_enforced_on)})" if received.sender_enforced_on else ""
    body = (
        f"<p>1. 관련: {received.sender_name} {received.sender_number}{enforced}</p>"
        f"<p>2. 위 호와 관련하여 다음과 같이 회신합니다.</p>"
    )
    document = document_create_draft(
        actor=actor,
        institution=institution,
        line=line,
        form="general",
        title=f"{received.title} 회신"[:200],
        body=body,
        recipient_kind="named",
        recipient_list=[{"institution": received.sender_institution_id}],
        retention=received.retention,
        disclosure="public",
    )
    ReplyLink.objects.create(received=received, document=document)
    _event(received, ReceivedEvent.Action.REPLY, actor, f"회신 기안 #{document.pk}")
    return document


def received_dispose(disposed: RecordDisposed) -> bool:
    """A register row of ours was disposed of (폐기): destroy the copy's text and files.
    Called inside the deciding transaction (approval.public.record_disposed)."""
    if disposed.source != "exchange":
        return False
    received = ReceivedDocument.objects.select_for_update().filter(pk=disposed.source_id).first()
    if received is None or received.disposed_at is not None:
        return False
    names = [received.original_pdf.name, received.stamped_pdf.name] + [
        a.file.name for a in received.attachments.all()
    ]
    storage = received.original_pdf.storage
    received.disposed_at = timezone.now()
    received.body = ""
    received.form_data = {}
    received.original_pdf = ""
    received.stamped_pdf = ""
    received.save()
    received.attachments.update(file="")
    _event(received, ReceivedEvent.Action.DISPOSE, None, "기록물 폐기")

    def delete_files():
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete_files, robust=True)
    return True
