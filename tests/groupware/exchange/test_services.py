"""문서유통 end to end through the services: 발송 from A writes envelopes; the delivery task
makes B's own copy (once); B's 문서과 registers it in a department's register (the sender
sees 접수), distributes it; the head assigns a 담당자 who replies; the reply travels back
and A registers it. Plus 반송, a broken file, e-mail recipients, the seal and the stamp."""

import io

import pytest
from django.core import mail
from django_tenants.utils import schema_context
from pypdf import PdfReader

from groupware.approval import services as approval
from groupware.approval.models import Document, RegisterEntry, State
from groupware.exchange import services
from groupware.exchange.errors import ExchangeConflict, ExchangeForbidden
from groupware.exchange.models import ReceivedDocument, ReceivedState, ReplyLink
from groupware.exchange.relay.models import Envelope, EnvelopeState, relay_storage
from tests.groupware.exchange.conftest import outgoing


def _send(a, doc, capture):
    with schema_context(a.inst.schema_name), capture(execute=True):
        return services.document_send(actor=a.drafter, institution=a.inst, document=doc)


def _received(b, envelope):
    with schema_context(b.inst.schema_name):
        return ReceivedDocument.objects.get(envelope_id=envelope.pk)


def test_a_document_travels_and_a_reply_comes_back(sides, django_capture_on_commit_callbacks):
    a, b = sides
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b)
        assert doc.number == "문화예술팀-1"
    (envelope,) = _send(a, doc, django_capture_on_commit_callbacks)
    envelope.refresh_from_db()
    assert envelope.state == EnvelopeState.DELIVERED and envelope.delivered_at
    assert envelope.receiver_id == b.inst.pk and envelope.recipient_name.endswith("(체육진흥팀장)")

    with schema_context(b.inst.schema_name):
        copy = ReceivedDocument.objects.get(envelope_id=envelope.pk)
        assert (copy.state, copy.sender_number, copy.title) == (
            ReceivedState.DELIVERED,
            "문화예술팀-1",
            doc.title,
        )
        assert copy.attachments.count() == 1 and copy.original_pdf_sha256
        with copy.original_pdf.open("rb") as handle:
            import hashlib

            assert hashlib.sha256(handle.read()).hexdigest() == copy.original_pdf_sha256
        # the 문서과 registers it in 체육진흥팀's register and hands it over
        with django_capture_on_commit_callbacks(execute=True):
            services.received_register(
                actor=b.office,
                institution=b.inst,
                received=copy,
                department=b.team,
                distribute=True,
            )
        copy.refresh_from_db()
        assert copy.number == "체육진흥팀-1" and copy.state == ReceivedState.DISTRIBUTED
        entry = RegisterEntry.objects.get(source="exchange", source_id=copy.pk)
        assert (entry.kind, entry.department_id, entry.sender_number) == (
            "received",
            b.team.pk,
            "문화예술팀-1",
        )
        services.received_assign(
            actor=b.head, institution=b.inst, received=copy, assignee=b.drafter
        )
        copy.refresh_from_db()
        assert copy.state == ReceivedState.ASSIGNED and copy.assignee_id == b.drafter.pk
        reply = services.received_reply_draft(actor=b.drafter, institution=b.inst, received=copy)
        assert ReplyLink.objects.get(received=copy).document_id == reply.pk
        assert [r.institution_id for r in reply.recipient_list.all()] == [a.inst.pk]
        approval.document_submit(actor=b.drafter, institution=b.inst, document=reply)
        approval.document_approve(actor=b.head, institution=b.inst, document=reply)
        reply.refresh_from_db()
        assert reply.state == State.APPROVED and reply.number == "체육진흥팀-2"  # one register
    envelope.refresh_from_db()
    assert envelope.state == EnvelopeState.RECEIVED and envelope.received_at

    with schema_context(b.inst.schema_name), django_capture_on_commit_callbacks(execute=True):
        (back,) = services.document_send(actor=b.drafter, institution=b.inst, document=reply)
    back.refresh_from_db()
    assert back.reply_to_id == envelope.pk and back.state == EnvelopeState.DELIVERED
    with schema_context(a.inst.schema_name):
        answer = ReceivedDocument.objects.get(envelope_id=back.pk)
        assert answer.reply_to_envelope_id == envelope.pk
        services.received_register(
            actor=a.office, institution=a.inst, received=answer, department=a.team
        )
        answer.refresh_from_db()
        assert answer.number == "문화예술팀-2"  # after 문화예술팀-1, the document it answers
        from groupware.exchange.selectors import reply_origin

        assert reply_origin(a.inst, answer) == doc
        numbers = list(
            RegisterEntry.objects.filter(department=a.team)
            .order_by("serial")
            .values_list("number", "kind")
        )
        assert numbers == [("문화예술팀-1", "produced"), ("문화예술팀-2", "received")]


def test_delivery_is_idempotent_by_envelope(sides, django_capture_on_commit_callbacks):
    a, b = sides
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b)
    (envelope,) = _send(a, doc, django_capture_on_commit_callbacks)
    with schema_context(b.inst.schema_name):
        again = services.envelope_deliver(envelope_id=envelope.pk)  # a handed-over task
        assert ReceivedDocument.objects.filter(envelope_id=envelope.pk).count() == 1
        assert again == ReceivedDocument.objects.get(envelope_id=envelope.pk)
    with schema_context(a.inst.schema_name), pytest.raises(ExchangeConflict):
        services.document_send(actor=a.drafter, institution=a.inst, document=doc)  # all have it
    assert Envelope.objects.filter(document_id=doc.pk, sender=a.inst).count() == 1


def test_delivery_refuses_to_run_in_another_schema(sides, django_capture_on_commit_callbacks):
    a, b = sides
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b)
        with django_capture_on_commit_callbacks(execute=False):
            (envelope,) = services.document_send(actor=a.drafter, institution=a.inst, document=doc)
        with pytest.raises(RuntimeError):
            services.envelope_deliver(envelope_id=envelope.pk)
        assert not ReceivedDocument.objects.filter(envelope_id=envelope.pk).exists()


def test_a_changed_file_is_not_delivered(sides, django_capture_on_commit_callbacks):
    a, b = sides
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b)
        with django_capture_on_commit_callbacks(execute=False):
            (envelope,) = services.document_send(actor=a.drafter, institution=a.inst, document=doc)
    path = envelope.payload["attachments"][0]["path"]
    with open(relay_storage().path(path), "wb") as handle:
        handle.write(b"tampered")
    with schema_context(b.inst.schema_name):
        assert services.envelope_deliver(envelope_id=envelope.pk) is None
        assert not ReceivedDocument.objects.exists()
    envelope.refresh_from_db()
    assert envelope.state == EnvelopeState.FAILED and "hash" in envelope.last_error


def test_return_tells_the_sender_why(sides, django_capture_on_commit_callbacks):
    a, b = sides
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b)
    (envelope,) = _send(a, doc, django_capture_on_commit_callbacks)
    copy = _received(b, envelope)
    with schema_context(b.inst.schema_name):
        with pytest.raises(ExchangeForbidden):  # not the 문서과
            services.received_return(
                actor=b.drafter, institution=b.inst, received=copy, reason="수신처 착오"
            )
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.received_return(actor=b.office, institution=b.inst, received=copy, reason=" ")
        services.received_return(
            actor=b.office, institution=b.inst, received=copy, reason="수신처 착오 (시 체육회 소관)"
        )
        copy.refresh_from_db()
        assert copy.state == ReceivedState.RETURNED
        with pytest.raises(ExchangeConflict):  # 반송 then 접수: no
            services.received_register(
                actor=b.office, institution=b.inst, received=copy, department=b.team
            )
        assert not RegisterEntry.objects.filter(source_id=copy.pk).exists()
    envelope.refresh_from_db()
    assert envelope.state == EnvelopeState.RETURNED
    assert envelope.return_reason == "수신처 착오 (시 체육회 소관)" and envelope.returned_at


def test_only_the_document_office_registers(sides, django_capture_on_commit_callbacks):
    a, b = sides
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b)
    (envelope,) = _send(a, doc, django_capture_on_commit_callbacks)
    copy = _received(b, envelope)
    with schema_context(b.inst.schema_name):
        for who in (b.drafter, b.head):
            with pytest.raises(ExchangeForbidden):
                services.received_register(
                    actor=who, institution=b.inst, received=copy, department=b.team
                )
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.received_register(
                actor=b.office, institution=b.inst, received=copy, department=None
            )
        copy.refresh_from_db()
        assert copy.state == ReceivedState.DELIVERED and not copy.number


def test_email_recipient_gets_the_pdf_once(sides, django_capture_on_commit_callbacks):
    a, b = sides
    with schema_context(a.inst.schema_name):
        doc = outgoing(
            a, b, extra_recipients=[{"name": "한빛일보 편집국", "email": "desk@hanbit-news.kr"}]
        )
    envelopes = _send(a, doc, django_capture_on_commit_callbacks)
    email = next(e for e in envelopes if e.channel == Envelope.Channel.EMAIL)
    sent = [m for m in mail.outbox if m.to == ["desk@hanbit-news.kr"]]
    assert len(sent) == 1
    names = [name for name, _content, _kind in sent[0].attachments]
    assert f"{doc.number}.pdf" in names and "행사 계획.pdf" in names
    email.refresh_from_db()
    assert email.state == EnvelopeState.DELIVERED
    # the task run again (a worker handed over): no second e-mail
    services.envelope_email(envelope_id=email.pk, effect_key=f"exchange-mail:{email.pk}")
    assert len([m for m in mail.outbox if m.to == ["desk@hanbit-news.kr"]]) == 1


def _images(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    return sum(len(page.images) for page in reader.pages)


def test_the_seal_is_on_outgoing_documents_only(sides, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from groupware.approval.models import Seal
    from groupware.approval.pdf import render_document_pdf

    a, b = sides
    with schema_context(a.inst.schema_name):
        buffer = io.BytesIO()
        Image.new("RGBA", (80, 80), (200, 0, 0, 255)).save(buffer, format="PNG")
        seal = Seal(sha256="x", uploaded_by=a.head, uploaded_by_name="관리자")
        seal.image.save("seal.png", SimpleUploadedFile("seal.png", buffer.getvalue()), save=False)
        seal.save()
        outside = outgoing(a, b)
        internal = approval.document_create_draft(
            actor=a.drafter,
            institution=a.inst,
            title="내부 보고",
            body="본문",
            line=[{"user": a.head, "role": "approve"}],
        )
        approval.document_submit(actor=a.drafter, institution=a.inst, document=internal)
        approval.document_approve(actor=a.head, institution=a.inst, document=internal)
        internal.refresh_from_db()
        assert _images(render_document_pdf(outside)) == 1
        assert _images(render_document_pdf(internal)) == 0


def test_the_received_copy_pdf_shows_the_registration(sides, django_capture_on_commit_callbacks):
    from groupware.exchange.stamp import ensure_stamped

    a, b = sides
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b)
    (envelope,) = _send(a, doc, django_capture_on_commit_callbacks)
    with schema_context(b.inst.schema_name):
        copy = ReceivedDocument.objects.get(envelope_id=envelope.pk)
        services.received_register(
            actor=b.office, institution=b.inst, received=copy, department=b.team
        )
        copy.refresh_from_db()
        assert ensure_stamped(copy)
        with copy.stamped_pdf.open("rb") as handle:
            text = "".join(page.extract_text() for page in PdfReader(handle).pages)
        assert "접수" in text and "체육진흥팀-1" in text
        with copy.original_pdf.open("rb") as handle:
            original = "".join(page.extract_text() for page in PdfReader(handle).pages)
        assert "체육진흥팀-1" not in original and "문화예술팀-1" in original


def test_sending_needs_an_approved_outgoing_document(sides):
    a, b = sides
    with schema_context(a.inst.schema_name):
        draft = approval.document_create_draft(
            actor=a.drafter,
            institution=a.inst,
            title="초안",
            body="",
            recipient_kind="named",
            recipient_list=[{"institution": b.inst.pk}],
            line=[{"user": a.head, "role": "approve"}],
        )
        with pytest.raises(ExchangeConflict):
            services.document_send(actor=a.drafter, institution=a.inst, document=draft)
        doc = outgoing(a, b)
        with pytest.raises(ExchangeForbidden):  # neither its drafter nor the 문서과
            services.document_send(actor=a.reviewer, institution=a.inst, document=doc)
        assert not Envelope.objects.filter(sender=a.inst).exists()
        assert Document.objects.get(pk=doc.pk).events.filter(action="send").count() == 0
