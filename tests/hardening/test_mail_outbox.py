"""E-mail goes out through the notifications outbox, once: a real task worker killed in the
middle of an SMTP conversation neither loses the message nor sends it twice — the heir
takes over the dead worker's claim when its lease ends and sends it. The one window left
is the SMTP hand-over itself (the server has the message, the worker dies before it
hears "250"): the heir sends it again under the same Message-ID (docs/deployment.md
"E-mail")."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
import uuid

import pytest
from django.db import connection
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from notifications.models import Delivery, DeliveryStatus, Notification
from suite.models import WorkerHeartbeat
from tests.hardening.conftest import wait_for
from tests.hardening.test_worker import Worker, queue_task


class _Session(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's SMTP backend (smtplib)."""

    def say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        hold = sink.take_hold()
        try:
            if hold == "greeting":
                sink.hold_here()
            self.say("220 sink ESMTP")
            message: list[bytes] | None = None
            while line := self.rfile.readline():
                if message is not None:
                    if line.rstrip(b"\r\n") == b".":
                        sink.accept(b"".join(message))
                        message = None
                        if hold == "after_data":
                            sink.hold_here()
                        self.say("250 2.0.0 queued")
                    else:
                        message.append(line[1:] if line.startswith(b"..") else line)
                    continue
                verb = line[:4].upper()
                if verb == b"EHLO":
                    self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    message = []
                    self.say("354 end with .")
                elif verb == b"QUIT":
                    self.say("221 bye")
                    return
                elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    self.say("250 ok")
                else:
                    self.say("502 not here")
        except OSError:
            return  # the sender died


class SmtpSink(socketserver.ThreadingTCPServer):
    """An SMTP server on loopback keeping every message it accepts. Its first session can
    be held at the greeting (nothing handed over yet) or after the message was accepted
    (before "250" is sent) — where a test kills the sender."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, hold: str | None = None):
        super().__init__(("127.0.0.1", 0), _Session)
        self.sink = self
        self.hold = hold
        self.held = threading.Event()
        self.release = threading.Event()
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def take_hold(self) -> str | None:
        with self.lock:
            hold, self.hold = self.hold, None
            return hold

    def hold_here(self) -> None:
        self.held.set()
        self.release.wait(120)

    def accept(self, raw: bytes) -> None:
        with self.lock:
            self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))

    def about(self, subject: str) -> list:
        with self.lock:
            return [m for m in self.messages if m["Subject"] == subject]


@pytest.fixture
def sinks():
    started: list[SmtpSink] = []

    def start(hold=None) -> SmtpSink:
        sink = SmtpSink(hold)
        threading.Thread(target=sink.serve_forever, daemon=True).start()
        started.append(sink)
        return sink

    yield start
    for sink in started:
        sink.release.set()
        sink.shutdown()
        sink.server_close()


@pytest.fixture
def mail_workers(committed_db, tmp_path):
    started: list[Worker] = []
    tasks: list[DBTaskResult] = []

    def start(sink: SmtpSink, name: str) -> Worker:
        worker = Worker(
            tmp_path,
            worker_id=f"{name}-{uuid.uuid4().hex[:6]}",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=sink.port,
            EMAIL_TIMEOUT=2,
            NOTIFY_EMAIL_PROVIDER="django",
            NOTIFY_LEASE_SECONDS=3,
            SUITE_WORKER_DEAD_AFTER=3,
        )
        started.append(worker)
        return worker

    yield start, tasks
    for worker in started:
        worker.stop()
    keys = [f"send_email:{task.pk}:" for task in tasks]
    for key in keys:
        Notification.objects.filter(dedupe_key__startswith=key).delete()
    DBTaskResult.objects.filter(pk__in=[t.pk for t in tasks]).delete()
    WorkerHeartbeat.objects.filter(worker_id__in=[w.worker_id for w in started]).delete()
    connection.set_schema_to_public()


def _delivery_of(task: DBTaskResult) -> Delivery | None:
    return Delivery.objects.filter(
        notification__dedupe_key__startswith=f"send_email:{task.pk}:"
    ).first()


def _killed_mid_send(sinks, mail_workers, hold: str):
    start, tasks = mail_workers
    sink = sinks(hold)
    subject = f"한 번만 가는 메일 {uuid.uuid4().hex[:6]}"
    first = start(sink, "doomed")
    tasks.append(
        queue_task("suite.tasks.send_email", to=["resident@test.kr"], subject=subject, body="본문")
    )
    # The worker claimed the outbox row and is talking to the SMTP server: kill it there.
    assert wait_for(sink.held.is_set, timeout=90), first.output()
    first.kill()
    delivery = _delivery_of(tasks[0])
    assert delivery is not None and delivery.status == DeliveryStatus.SENDING
    assert delivery.attempts == 1
    sink.release.set()
    heir = start(sink, "heir")
    assert wait_for(
        lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT, timeout=90
    ), heir.output()
    assert wait_for(
        lambda: DBTaskResult.objects.get(pk=tasks[0].pk).status == TaskResultStatus.SUCCESSFUL,
        timeout=30,
    ), heir.output()
    delivery.refresh_from_db()
    return sink, subject, delivery


def test_a_worker_killed_before_the_hand_over_loses_nothing_and_sends_once(sinks, mail_workers):
    sink, subject, delivery = _killed_mid_send(sinks, mail_workers, "greeting")
    sent = sink.about(subject)
    assert len(sent) == 1, [m["Subject"] for m in sink.messages]
    assert sent[0]["To"] == "resident@test.kr"
    assert sent[0]["Message-ID"] == delivery.provider_message_id
    assert delivery.key in sent[0]["Message-ID"]
    assert delivery.attempts == 2 and delivery.sent_at is not None


def test_a_worker_killed_after_the_smtp_server_took_the_message_resends_it_under_its_id(
    sinks, mail_workers
):
    """The documented window: SMTP cannot be asked what it accepted, so the heir sends
    again — the same message under the same Message-ID, which mail clients collapse."""
    sink, subject, delivery = _killed_mid_send(sinks, mail_workers, "after_data")
    sent = sink.about(subject)
    assert len(sent) == 2
    assert {m["Message-ID"] for m in sent} == {delivery.provider_message_id}
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
