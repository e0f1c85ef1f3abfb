"""Platform e-mails (an invitation, a status change: suite.notify.email_on_commit) go through
the notifications outbox: written in the caller's transaction, one delivery per address,
sent on commit exactly once under the delivery's key as Message-ID, kept and retried when
the mail server is away. A worker killed mid-send: tests/hardening/test_mail_outbox.py."""

import datetime as dt
import socket

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Delivery, DeliveryStatus, Notification
from notifications.public import email_enqueue, email_send_keyed
from suite.links import collapse
from suite.notify import email_on_commit

pytestmark = pytest.mark.django_db


def _outbox_of(address: str):
    return Delivery.objects.filter(address=address, notification__event="email")


def test_email_on_commit_writes_the_outbox_and_sends_once_per_address(world, run_on_commit):
    with run_on_commit():
        email_on_commit(
            to=["one@test.kr", "two@test.kr", "one@test.kr", ""],
            subject="[테스트] 일정 초대",
            template="email/institution_status",
            context={"institution": world.inst_a, "headline": "알림", "reason": "사유"},
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["one@test.kr", "two@test.kr"]
    for address in ("one@test.kr", "two@test.kr"):
        delivery = _outbox_of(address).get()
        assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
        assert delivery.subject == "[테스트] 일정 초대"
        sent = next(m for m in mail.outbox if m.to == [address])
        assert sent.extra_headers["Message-ID"] == delivery.provider_message_id
        assert delivery.key in delivery.provider_message_id
    # Sending again (a task run twice, a sweep) sends nothing more.
    for delivery in _outbox_of("one@test.kr"):
        assert services.send_delivery(delivery.pk) is None
    assert services.sweep() == 0
    assert len(mail.outbox) == 2


def test_a_rolled_back_change_sends_no_email(world, run_on_commit):
    with run_on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        email_on_commit(
            to="gone@test.kr",
            subject="보내지 않음",
            template="email/institution_status",
            context={"institution": world.inst_a, "headline": "알림", "reason": "사유"},
        )
        raise RuntimeError("the change fails")
    assert not _outbox_of("gone@test.kr").exists()
    assert mail.outbox == []


def test_links_wait_in_the_outbox_as_tokens_and_are_built_when_sent(world, run_on_commit):
    link = world.inst_a.absolute_url("/facilities/")
    with run_on_commit():
        (delivery,) = email_enqueue(to="link@test.kr", subject="링크", body=f"보기: {link}")
    stored = Delivery.objects.get(pk=delivery.pk)
    assert stored.body == collapse(f"보기: {link}") and "http" not in stored.body
    assert link in mail.outbox[0].body


def test_the_same_key_twice_queues_one_message(world):
    first = email_enqueue(to=["k@test.kr"], subject="한 번", body="b", dedupe_key="job:7")
    again = email_enqueue(to=["k@test.kr"], subject="한 번", body="b", dedupe_key="job:7")
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(dedupe_key="job:7:k@test.kr").count() == 1


def test_a_task_sending_itself_sends_once_however_often_it_runs(world):
    assert email_send_keyed(to=["t@test.kr"], subject="작업", body="b", key="task:1") == 1
    assert email_send_keyed(to=["t@test.kr"], subject="작업", body="b", key="task:1") == 0
    assert [m.subject for m in mail.outbox] == ["작업"]


def test_a_delivery_claimed_by_a_dead_worker_is_sent_when_its_lease_ends(world, settings):
    settings.NOTIFY_LEASE_SECONDS = 30
    now = timezone.now()
    (delivery,) = email_enqueue(
        to="lease@test.kr", subject="임대", body="b", schedule=False, now=now
    )
    claimed = services._claim(delivery.pk, now)  # a worker took it … and died
    assert claimed is not None
    assert Delivery.objects.get(pk=delivery.pk).lease_until == now + dt.timedelta(seconds=30)
    assert services.send_delivery(delivery.pk, now=now + dt.timedelta(seconds=29)) is None
    assert mail.outbox == []
    later = now + dt.timedelta(seconds=31)
    assert services.send_delivery(delivery.pk, now=later) == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 2


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_mail_server_keeps_the_message_for_a_retry(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    now = timezone.now()
    (delivery,) = email_enqueue(
        to="retry@test.kr", subject="재시도", body="b", schedule=False, now=now
    )
    assert services.send_delivery(delivery.pk, now=now) == DeliveryStatus.PENDING
    waiting = Delivery.objects.get(pk=delivery.pk)
    assert waiting.not_before > now and waiting.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.sweep(waiting.not_before) == 1
    assert [m.to for m in mail.outbox] == [["retry@test.kr"]]
