"""Exactly once, even when the worker dies: a real `manage.py db_worker` is killed while it
is making the receiver's copy (held mid-transaction by a table lock, then SIGKILLed); the
uncommitted copy vanishes with it, another worker takes the task over after the dead-worker
timeout, and the receiver ends with one copy, one attachment, one register-ready document.

Committed data (``committed_db``); every row made here is removed at the end.
"""

import os
import signal
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.db import connection
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tenants.utils import schema_context

from tests import factories
from tests.hardening.conftest import BASE_DIR, suite_env, wait_for
from tests.hardening.conftest import test_database_url as database_url

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Worker:
    def __init__(self, tmp, worker_id: str, **settings):
        self.worker_id = worker_id
        self.app_name = f"exchange-worker-{uuid.uuid4().hex[:8]}"
        self.log = tmp / f"{worker_id}.log"
        env = suite_env(
            tmp,
            settings_module="suite.settings.dev",
            app_name=self.app_name,
            DEBUG="0",
            DB_POOL="0",
            SUITE_WORKER_BEAT=1,
            SUITE_WORKER_HOUSEKEEPING=1,
            SUITE_WORKER_MAX_BACKOFF=1,
            **settings,
        )
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
                "--worker-id",
                worker_id,
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _models():
    from groupware.approval import models as ap
    from groupware.exchange import models as ex
    from groupware.models import Department, Position, StaffProfile
    from institution.models import AuditEvent

    return [
        ap.RegisterEntry,
        ap.DocumentRecipient,
        ap.DocumentEvent,
        ap.Attachment,
        ap.DocumentVersion,
        ap.Step,
        ap.Reader,
        ap.Document,
        ap.NumberCounter,
        ap.Notification,
        ex.ReceivedEvent,
        ex.ReceivedAttachment,
        ex.ReceivedReader,
        ex.ReplyLink,
        ex.ReceivedDocument,
        AuditEvent,
        StaffProfile,
        Department,
        Position,
    ]


def _public_models():
    from groupware.exchange.relay.models import Envelope
    from notifications.models import Delivery, Notification
    from suite.models import TaskEffect, WorkerHeartbeat

    return [Delivery, Notification, Envelope, DBTaskResult, TaskEffect, WorkerHeartbeat]


@pytest.fixture
def committed_sides(django_db_setup, committed_db, settings, tmp_path):
    assert connection.settings_dict["NAME"].startswith("test_"), "test database not set up"
    settings.MEDIA_ROOT = tmp_path / "media"  # the workers' SUITE_VAR_DIR/media
    world = factories.World.load()
    schemas = [world.inst_a.schema_name, world.inst_b.schema_name]
    before = {}
    for schema in schemas:
        with schema_context(schema):
            before[schema] = {m: set(m.objects.values_list("pk", flat=True)) for m in _models()}
    public_before = {m: set(m.objects.values_list("pk", flat=True)) for m in _public_models()}
    from tests.groupware.exchange.conftest import build_a, build_b

    with schema_context(schemas[0]):
        a = build_a(world)
    with schema_context(schemas[1]):
        b = build_b(world)
    workers: list[Worker] = []
    yield a, b, workers
    for worker in workers:
        worker.stop()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # lift the record guards
        try:
            for schema in schemas:
                with schema_context(schema):
                    for model in _models():
                        rows = model.objects.exclude(pk__in=before[schema][model])
                        if model.__name__ == "Department":
                            rows.update(parent=None)  # the tree protects its parents
                        rows.delete()
            for model in _public_models():
                model.objects.exclude(pk__in=public_before[model]).delete()
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    connection.set_schema_to_public()


def test_world_is_ready(world):
    """A plain ``db`` test here makes pytest-django set up the test database."""
    assert world.inst_b.schema_name


def _waiting_on_a_lock(app_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
            "AND wait_event_type = 'Lock'",
            [app_name],
        )
        return cursor.fetchone()[0] > 0


def _terminate(app_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [app_name],
        )


def test_a_worker_killed_mid_delivery_leaves_nothing_and_the_copy_is_made_once(
    committed_sides, settings, tmp_path
):
    from groupware.exchange import services
    from groupware.exchange.models import ReceivedAttachment, ReceivedDocument
    from groupware.exchange.relay.models import EnvelopeState
    from tests.groupware.exchange.conftest import outgoing

    a, b, workers = committed_sides
    settings.TASKS = DB_TASKS  # the delivery goes to the queue, for the workers
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b, title="작업자 중단 시험 공문")
        (envelope,) = services.document_send(actor=a.drafter, institution=a.inst, document=doc)
    task = DBTaskResult.objects.get(task_path="groupware.exchange.tasks.deliver_envelope")
    assert task.args_kwargs["kwargs"]["envelope_id"] == str(envelope.pk)

    # Hold the receiver's attachment table: the worker makes the copy, then waits here.
    table = f'"{b.inst.schema_name}"."exchange_receivedattachment"'
    with psycopg.connect(database_url()) as holder:
        holder.execute(f"LOCK TABLE {table} IN SHARE MODE")
        doomed = Worker(tmp_path, f"doomed-{uuid.uuid4().hex[:6]}")
        workers.append(doomed)
        assert wait_for(lambda: _waiting_on_a_lock(doomed.app_name), timeout=90), doomed.output()
        doomed.kill()
        _terminate(doomed.app_name)  # the server notices its client is gone
        holder.rollback()
    with schema_context(b.inst.schema_name):
        assert not ReceivedDocument.objects.filter(envelope_id=envelope.pk).exists()
    envelope.refresh_from_db()
    assert envelope.state == EnvelopeState.SENT
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.RUNNING

    heir = Worker(tmp_path, f"heir-{uuid.uuid4().hex[:6]}", SUITE_WORKER_DEAD_AFTER=3)
    workers.append(heir)
    done = wait_for(
        lambda: DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL,
        timeout=120,
    )
    assert done, heir.output()
    envelope.refresh_from_db()
    assert envelope.state == EnvelopeState.DELIVERED and envelope.delivered_at
    assert DBTaskResult.objects.get(pk=task.pk).worker_ids == [doomed.worker_id, heir.worker_id]
    with schema_context(b.inst.schema_name):
        copies = ReceivedDocument.objects.filter(envelope_id=envelope.pk)
        assert copies.count() == 1
        copy = copies.get()
        assert ReceivedAttachment.objects.filter(received=copy).count() == 1
        assert copy.original_pdf and copy.attachments.get().file
        # and a third run (another hand-over) still makes nothing more
        assert services.envelope_deliver(envelope_id=envelope.pk) == copy
        assert ReceivedDocument.objects.filter(envelope_id=envelope.pk).count() == 1
