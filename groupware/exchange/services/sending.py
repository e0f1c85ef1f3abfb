"""발송: an approved 대외 시행문 goes to each recipient — an envelope per institution of the
cloud (delivered by a task in the receiver's schema) or an e-mail with the PDF for a
recipient outside it.

The envelopes, their payload and file hashes are written in the sender's transaction
(the document row locked first); the tasks are queued when it commits. The files are
copied once per sending into the relay's storage (never served); a rolled-back sending
leaves only unreferenced files there.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from groupware.approval.public import (
    Action,
    DocumentRecipient,
    document_record,
    ensure_pdf,
    lock_document,
)
from groupware.exchange.errors import ExchangeConflict, ExchangeForbidden, invalid
from groupware.exchange.permissions import can_send
from groupware.exchange.relay.models import Envelope, EnvelopeState, relay_storage
from institution.audit import audit_record


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _store(bundle: str, name: str, content: bytes) -> dict:
    safe = (name or "file").replace("/", "_")[-120:]
    path = relay_storage().save(f"{bundle}/{uuid.uuid4().hex}/{safe}", ContentFile(content))
    return {"path": path, "name": name[-200:], "sha256": sha256_of(content), "size": len(content)}


def _payload(document, institution, bundle: str) -> dict:
    """The document as sent: text, form values, the PDF and attachments (stored, hashed)."""
    with document.pdf.open("rb") as handle:
        pdf = _store(bundle, f"{document.number}.pdf".replace("/", "_"), handle.read())
    attachments = []
    for item in document.attachments.all():
        with item.file.open("rb") as handle:
            stored = _store(bundle, item.name, handle.read())
        attachments.append({**stored, "content_type": item.content_type})
    return {
        "version": 1,
        "sender": {
            "institution_id": institution.pk,
            "name": institution.name,
            "head_title": institution.head_title or institution.name,
            "department": document.department_name,
        },
        "document": {
            "number": document.number,
            "enforced_on": document.enforced_on.isoformat() if document.enforced_on else None,
            "title": document.title,
            "body": document.body,
            "form_name": document.form_label,
            "form_fields": document.form_fields or [],
            "form_data": document.form_data or {},
            "recipients": document.recipients,
            "retention": document.retention,
            "disclosure": document.disclosure,
            "disclosure_ground": document.disclosure_ground,
            "drafter_name": document.drafter_name,
            "drafter_position": document.drafter_position,
            "drafter_email": getattr(document.drafter, "email", ""),
        },
        "pdf": pdf,
        "attachments": attachments,
    }


def _reply_to(document, institution) -> Envelope | None:
    """A reply drafted from a received document answers the envelope that brought it."""
    from groupware.exchange.models import ReplyLink

    link = ReplyLink.objects.select_related("received").filter(document=document).first()
    if link is None:
        return None
    return Envelope.objects.filter(
        pk=link.received.envelope_id, receiver=institution, channel=Envelope.Channel.CLOUD
    ).first()


@transaction.atomic
def document_send(*, actor, institution, document) -> list[Envelope]:
    """발송 to every recipient not sent to yet; returns the new envelopes."""
    document = lock_document(document)
    if document.state != "approved" or not document.is_outgoing or document.disposed_at:
        raise ExchangeConflict("not_sendable")
    if not can_send(actor, institution, document):
        raise ExchangeForbidden("not_sender")
    recipients = list(document.recipient_list.all())
    if not recipients:
        raise invalid("no_recipients", "recipients")
    sent = Envelope.objects.filter(sender=institution, document_id=document.pk)
    done_inst = set(sent.exclude(receiver=None).values_list("receiver_id", flat=True))
    done_mail = set(sent.exclude(email="").values_list("email", flat=True))
    pending = [
        r
        for r in recipients
        if (r.kind == DocumentRecipient.Kind.CLOUD and r.institution_id not in done_inst)
        or (r.kind == DocumentRecipient.Kind.EMAIL and r.email not in done_mail)
    ]
    if not pending:
        raise ExchangeConflict("already_sent")
    if not document.pdf:
        ensure_pdf(document.pk)
        document.refresh_from_db()
    payload = _payload(document, institution, uuid.uuid4().hex)
    reply_to = _reply_to(document, institution)
    name = actor.name or actor.email
    envelopes = [
        Envelope.objects.create(
            channel=Envelope.Channel.CLOUD
            if r.kind == DocumentRecipient.Kind.CLOUD
            else Envelope.Channel.EMAIL,
            sender=institution,
            receiver_id=r.institution_id if r.kind == DocumentRecipient.Kind.CLOUD else None,
            email=r.email if r.kind == DocumentRecipient.Kind.EMAIL else "",
            recipient_name=r.label[:100],
            document_id=document.pk,
            document_number=document.number or "",
            title=document.title,
            payload=payload,
            reply_to=reply_to,
            sent_by=actor,
            sent_by_name=name,
        )
        for r in pending
    ]
    names = ", ".join(e.recipient_name for e in envelopes)
    document_record(document, Action.SEND, actor, opinion=f"발송: {names}"[:1000])
    audit_record(
        actor=actor,
        action="exchange.send",
        summary=f"공문 발송 {document.number} → {names}"[:300],
        target=document,
        data={"envelopes": [str(e.pk) for e in envelopes]},
    )
    ids = [(str(e.pk), e.channel) for e in envelopes]

    def enqueue():
        from groupware.exchange.tasks import deliver_envelope, email_envelope

        for pk, channel in ids:
            if channel == Envelope.Channel.CLOUD:
                deliver_envelope.enqueue(envelope_id=pk)
            else:
                email_envelope.enqueue(envelope_id=pk)

    transaction.on_commit(enqueue, robust=True)
    return envelopes


def read_relay_file(info: dict) -> bytes:
    """A file of an envelope, checked against its hash (ValueError when it differs)."""
    with relay_storage().open(info["path"], "rb") as handle:
        content = handle.read()
    if sha256_of(content) != info.get("sha256"):
        raise ValueError(f"hash mismatch: {info.get('name')}")
    return content


def envelope_email(*, envelope_id, effect_key: str) -> bool:
    """E-mail an outside recipient the PDF (and attachments), at most once per envelope;
    the envelope is then 도달 (sent by mail). Returns True when sent now."""
    from django.core.mail import EmailMessage

    from suite.tasks import effect_once

    envelope = Envelope.objects.select_related("sender").filter(pk=envelope_id).first()
    if envelope is None or envelope.channel != Envelope.Channel.EMAIL:
        return False
    if envelope.state != EnvelopeState.SENT:
        return False
    payload = envelope.payload
    try:
        files = [(payload["pdf"], "application/pdf")] + [
            (a, a.get("content_type") or "application/octet-stream")
            for a in payload.get("attachments", [])
        ]
        contents = [(info["name"], read_relay_file(info), kind) for info, kind in files]
    except (OSError, ValueError, KeyError) as error:
        _failed(envelope.pk, str(error))
        return False
    with effect_once(effect_key) as first:
        if first:
            sender = envelope.sender
            message = EmailMessage(
                subject=f"[{sender.name}] {envelope.title} ({envelope.document_number})",
                body=_email_body(envelope),
                to=[envelope.email],
                reply_to=[payload["document"].get("drafter_email")]
                if payload["document"].get("drafter_email")
                else None,
            )
            for name, content, kind in contents:
                message.attach(name, content, kind)
            message.send()
    with transaction.atomic():
        locked = Envelope.objects.select_for_update().get(pk=envelope.pk)
        if locked.state == EnvelopeState.SENT:
            locked.move(EnvelopeState.DELIVERED)
            locked.delivered_at = timezone.now()
            locked.attempts += 1
            locked.save(update_fields=["state", "delivered_at", "attempts"])
    return True


def _email_body(envelope: Envelope) -> str:
    document = envelope.payload["document"]
    sender = envelope.payload["sender"]
    return (
        f"{envelope.recipient_name} 귀하\n\n"
        f"{sender['name']}에서 공문을 보내 드립니다.\n\n"
        f"제목: {document['title']}\n"
        f"문서번호: {document['number']} (시행일 {document.get('enforced_on') or '-'})\n"
        f"발신: {sender['head_title']} ({sender.get('department') or ''})\n\n"
        "붙임의 PDF가 공문 원본입니다. 문의는 이 메일에 회신해 주세요.\n"
    )


def _failed(envelope_id, error: str) -> None:
    with transaction.atomic():
        locked = Envelope.objects.select_for_update().get(pk=envelope_id)
        if locked.state == EnvelopeState.SENT:
            locked.move(EnvelopeState.FAILED)
        locked.failed_at = timezone.now()
        locked.last_error = error[:500]
        locked.attempts += 1
        locked.save(update_fields=["state", "failed_at", "last_error", "attempts"])
