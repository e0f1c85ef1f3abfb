"""Who hears of an incoming document, through notifications.notify: once each, on commit.

The 문서과 when it arrives (a second delivery run tells nobody again), the department's
head at 배부, the 담당자 when assigned, the sender's drafter on 반송; a rolled-back step
tells no one.
"""

import pytest
from django.core import mail
from django.db import transaction
from django_tenants.utils import schema_context

from groupware.approval.models import Notification as InAppNotice
from groupware.exchange import services
from groupware.exchange.models import ReceivedDocument
from groupware.exchange.services.receiving import envelope_deliver
from notifications.public import messages_about
from tests.groupware.exchange.conftest import outgoing


def _sent(a, b, capture, **kw):
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b, **kw)
    mail.outbox.clear()
    with schema_context(a.inst.schema_name), capture(execute=True):
        (envelope,) = services.document_send(actor=a.drafter, institution=a.inst, document=doc)
    return envelope


def _about(received, institution, event):
    return messages_about(f"exchange.received:{received.pk}", institution=institution).filter(
        event=event
    )


def test_each_step_tells_its_people_once_after_commit(sides, django_capture_on_commit_callbacks):
    a, b = sides
    envelope = _sent(a, b, django_capture_on_commit_callbacks)
    with schema_context(b.inst.schema_name):
        copy = ReceivedDocument.objects.get(envelope_id=envelope.pk)
        # 도달: B's 문서과 (manager_b) — one notification, one e-mail, one in-app notice
        arrived = _about(copy, b.inst, "document_received")
        assert list(arrived.values_list("recipient_id", flat=True)) == [b.office.pk]
        assert [m.to for m in mail.outbox if b.office.email in m.to] == [[b.office.email]]
        assert (
            InAppNotice.objects.filter(user=b.office, kind="exchange.document_received").count()
            == 1
        )
        # the delivery task run again (a worker handed over) tells nobody again
        with django_capture_on_commit_callbacks(execute=True):
            assert envelope_deliver(envelope_id=envelope.pk).pk == copy.pk
        assert arrived.count() == 1
        assert len([m for m in mail.outbox if b.office.email in m.to]) == 1

        # 접수·배부 → the department's head, once, and only after commit
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=False) as pending:
            services.received_register(
                actor=b.office,
                institution=b.inst,
                received=copy,
                department=b.team,
                distribute=True,
            )
            assert mail.outbox == []  # nothing sent inside the transaction
        for callback in pending:
            callback()
        distributed = _about(copy, b.inst, "document_distributed")
        assert list(distributed.values_list("recipient_id", flat=True)) == [b.head.pk]
        assert [m.to for m in mail.outbox] == [[b.head.email]]

        # 담당자 지정 → the officer, once
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.received_assign(
                actor=b.head, institution=b.inst, received=copy, assignee=b.drafter
            )
        assigned = _about(copy, b.inst, "document_assigned")
        assert list(assigned.values_list("recipient_id", flat=True)) == [b.drafter.pk]
        assert [m.to for m in mail.outbox] == [[b.drafter.email]]


def test_a_rolled_back_step_tells_no_one(sides, django_capture_on_commit_callbacks):
    a, b = sides
    envelope = _sent(a, b, django_capture_on_commit_callbacks)
    with schema_context(b.inst.schema_name):
        copy = ReceivedDocument.objects.get(envelope_id=envelope.pk)
        mail.outbox.clear()
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            services.received_register(
                actor=b.office,
                institution=b.inst,
                received=copy,
                department=b.team,
                distribute=True,
            )
            raise RuntimeError("the request failed after 접수")
        assert not _about(copy, b.inst, "document_distributed").exists()
        assert mail.outbox == []
        assert not InAppNotice.objects.filter(kind="exchange.document_distributed").exists()


def test_a_document_sent_back_tells_its_drafter_on_the_senders_side(
    sides, django_capture_on_commit_callbacks
):
    a, b = sides
    envelope = _sent(a, b, django_capture_on_commit_callbacks)
    with schema_context(b.inst.schema_name):
        copy = ReceivedDocument.objects.get(envelope_id=envelope.pk)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.received_return(
                actor=b.office, institution=b.inst, received=copy, reason="수신처 착오"
            )
    back = messages_about(f"exchange.envelope:{envelope.pk}", institution=a.inst)
    assert list(back.values_list("event", "recipient_id")) == [("document_sent_back", a.drafter.pk)]
    assert [m.to for m in mail.outbox] == [[a.drafter.email]]
