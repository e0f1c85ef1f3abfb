"""The task worker survives: it reconnects after a database outage instead of exiting,
a task left RUNNING by a killed worker is run again by another after the dead-worker
timeout — its e-mail, sent through the outbox, going out once — and `make run` restarts
a worker that exits. The console shows the queue."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from api.models import IdempotencyRecord
from notifications.models import Delivery, DeliveryStatus, Notification
from suite.management.commands.serve import WorkerSupervisor
from suite.models import WorkerHeartbeat
from suite.queue import housekeeping, queue_stats, requeue_abandoned
from suite.worker import ResilientWorker
from tests.hardening.conftest import BASE_DIR, database_outage, suite_env, wait_for


def queue_task(path: str, **kwargs) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=path,
        args_kwargs={"args": [], "kwargs": kwargs},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
    )


def status_of(task: DBTaskResult) -> str:
    return DBTaskResult.objects.values_list("status", flat=True).get(pk=task.pk)


def mails(folder) -> int:
    return len(list(folder.glob("*.log"))) if folder.exists() else 0


class Worker:
    """A `manage.py db_worker` process against this test run's database."""

    def __init__(self, tmp, *, worker_id: str, **settings):
        self.worker_id = worker_id
        self.app_name = f"suite-worker-{uuid.uuid4().hex[:8]}"
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

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.alive:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def workers(committed_db):
    started: list[Worker] = []
    tasks: list[DBTaskResult] = []
    yield started, tasks
    for worker in started:
        worker.stop()
    DBTaskResult.objects.filter(pk__in=[t.pk for t in tasks]).delete()
    WorkerHeartbeat.objects.filter(worker_id__in=[w.worker_id for w in started]).delete()
    for task in tasks:
        for prefix in ("send_email", "hardening-mail"):
            Notification.objects.filter(dedupe_key__startswith=f"{prefix}:{task.pk}:").delete()
    connection.set_schema_to_public()


def test_worker_reconnects_after_a_database_outage(workers, tmp_path):
    started, tasks = workers
    worker = Worker(tmp_path, worker_id=f"outage-{uuid.uuid4().hex[:6]}")
    started.append(worker)
    email = {"to": ["resident@test.kr"], "subject": "첫 번째", "body": "본문"}
    tasks.append(queue_task("suite.tasks.send_email", **email))
    assert wait_for(lambda: status_of(tasks[0]) == TaskResultStatus.SUCCESSFUL, timeout=60), (
        worker.output()
    )
    with database_outage(worker.app_name) as cut:
        tasks.append(queue_task("suite.tasks.send_email", **{**email, "subject": "두 번째"}))
        for _ in range(8):  # four seconds of outage; its reconnection attempts are cut too
            time.sleep(0.5)
            cut()
        assert worker.alive, worker.output()
    assert wait_for(lambda: status_of(tasks[1]) == TaskResultStatus.SUCCESSFUL, timeout=60), (
        worker.output()
    )
    assert worker.alive
    assert "Database unavailable" in worker.output()
    assert mails(tmp_path / "mail") == 2


def test_a_killed_workers_task_runs_again_and_mails_once(workers, tmp_path):
    started, tasks = workers
    marker = tmp_path / "lingering"
    first = Worker(tmp_path, worker_id=f"doomed-{uuid.uuid4().hex[:6]}")
    started.append(first)
    tasks.append(
        queue_task(
            "tests.hardening.tasks.mail_then_linger", to="resident@test.kr", marker=str(marker)
        )
    )
    # The task has sent its e-mail and lingers: kill the worker in the middle of it.
    assert wait_for(marker.exists, timeout=60), first.output()
    first.kill()
    assert status_of(tasks[0]) == TaskResultStatus.RUNNING
    second = Worker(tmp_path, worker_id=f"heir-{uuid.uuid4().hex[:6]}", SUITE_WORKER_DEAD_AFTER=3)
    started.append(second)
    assert wait_for(lambda: status_of(tasks[0]) == TaskResultStatus.SUCCESSFUL, timeout=60), (
        second.output()
    )
    task = DBTaskResult.objects.get(pk=tasks[0].pk)
    assert task.worker_ids == [first.worker_id, second.worker_id]
    assert task.return_value == "done"
    assert mails(tmp_path / "mail") == 1
    assert "queued again" in second.output()


def test_abandoned_tasks_are_handed_over_and_poison_is_failed(db):
    now = timezone.now()
    long_ago = now - dt.timedelta(minutes=10)
    WorkerHeartbeat.objects.create(worker_id="alive", hostname="h", pid=1, beat_at=now)
    WorkerHeartbeat.objects.create(worker_id="silent", hostname="h", pid=2, beat_at=long_ago)

    def running(worker_ids):
        task = queue_task("suite.tasks.send_email", to=["a@test.kr"], subject="s", body="b")
        DBTaskResult.objects.filter(pk=task.pk).update(
            status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=worker_ids
        )
        return task

    of_alive = running(["alive"])
    of_silent = running(["silent"])
    of_unknown = running(["vanished"])
    poison = running(["w1", "w2", "w3", "w4", "silent"])
    recent = queue_task("suite.tasks.send_email", to=["a@test.kr"], subject="s", body="b")
    DBTaskResult.objects.filter(pk=recent.pk).update(
        status=TaskResultStatus.RUNNING, started_at=now, worker_ids=["vanished"]
    )
    assert requeue_abandoned(now=now) == {"requeued": 2, "failed": 1}
    assert status_of(of_alive) == TaskResultStatus.RUNNING
    assert status_of(recent) == TaskResultStatus.RUNNING
    assert status_of(of_silent) == status_of(of_unknown) == TaskResultStatus.READY
    assert status_of(poison) == TaskResultStatus.FAILED
    assert "abandoned" in DBTaskResult.objects.get(pk=poison.pk).traceback


def test_an_email_task_run_again_does_not_mail_twice(db):
    """The e-mail task goes through the outbox, keyed by the task: run again (its worker
    died after sending), it finds its message sent and sends nothing."""
    task = queue_task("suite.tasks.send_email", to=["a@test.kr"], subject="한 번", body="b")
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="heir",
        excluded_queue_names=[],
    )
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.RUNNING)
    worker.run_task(DBTaskResult.objects.get(pk=task.pk))
    assert [m.subject for m in mail.outbox] == ["한 번"]
    assert DBTaskResult.objects.get(pk=task.pk).return_value == 1
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.RUNNING)
    worker.run_task(DBTaskResult.objects.get(pk=task.pk))  # handed over, run again
    assert len(mail.outbox) == 1
    done = DBTaskResult.objects.get(pk=task.pk)
    assert done.status == TaskResultStatus.SUCCESSFUL and done.return_value == 0
    delivery = Delivery.objects.get(notification__dedupe_key=f"send_email:{task.pk}:a@test.kr")
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == delivery.provider_message_id


def test_housekeeping_forgets_expired_idempotency_records(db, world):
    now = timezone.now()
    for key, expires in (
        ("old", now - dt.timedelta(seconds=1)),
        ("new", now + dt.timedelta(hours=1)),
    ):
        IdempotencyRecord.objects.create(
            principal="user:1",
            key=key,
            fingerprint="f",
            method="POST",
            path="/",
            status=201,
            body=b"",
            expires_at=expires,
        )
    result = housekeeping(now=now)
    assert result["idempotency_purged"] == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_supervisor_restarts_a_worker_that_exits():
    lines: list[str] = []
    supervisor = WorkerSupervisor(
        [sys.executable, "-c", "import sys; sys.exit(3)"], log=lines.append, max_backoff=0.2
    )
    supervisor.start()
    try:
        assert wait_for(lambda: supervisor.restarts >= 3, timeout=20)
    finally:
        supervisor.stop()
    assert not supervisor.is_alive()
    assert "코드 3" in lines[0]
    lasting = WorkerSupervisor(
        [sys.executable, "-c", "import time; time.sleep(60)"], log=lines.append
    )
    lasting.start()
    assert wait_for(lambda: lasting.process is not None and lasting.process.poll() is None)
    lasting.stop(timeout=10)
    assert lasting.process.poll() is not None and lasting.restarts == 0


def test_console_shows_queue_length_and_oldest_waiting_task(world, apex):
    long_ago = timezone.now() - dt.timedelta(minutes=42)
    older = queue_task("suite.tasks.send_email", to=["a@test.kr"], subject="s", body="b")
    queue_task("tenants.tasks.refill_spare_schemas")
    DBTaskResult.objects.filter(pk=older.pk).update(enqueued_at=long_ago)
    stats = queue_stats()
    assert stats["waiting"] >= 2 and stats["oldest_task"] == "send_email"
    assert stats["oldest_wait_seconds"] >= 42 * 60
    page = apex(world.operator).get("/console/").content.decode()
    assert "작업 대기열" in page
    assert f"대기 {stats['waiting']}건" in page
    assert "<code>send_email</code>" in page
    assert timezone.localtime(long_ago).strftime("%H:%M") in page
    assert "작동 중인 워커가 없습니다" in page
    WorkerHeartbeat.objects.create(worker_id="w", hostname="h", pid=1)
    page = apex(world.operator).get("/console/").content.decode()
    assert "처리가 밀리고 있습니다" in page
