"""The task worker (``manage.py db_worker``): survives database outages, hands over the
tasks of dead workers, and tells the console how the queue is doing.

django-tasks-db's worker stops for good at the first database error, and a worker killed
mid-task leaves its task RUNNING forever. This one (suite/management/commands/db_worker.py
runs it):

- **reconnects**: a lost or refused connection — while polling, claiming, running or
  recording a task — is logged, the connection dropped, and the worker waits (1 s, 2 s,
  4 s … up to ``SUITE_WORKER_MAX_BACKOFF``) and tries again; it never exits for that. A
  task that failed only because the database went away is queued again (not FAILED);
- **beats**: every worker keeps a ``WorkerHeartbeat`` row fresh (each poll, and every few
  seconds from a helper thread while a task runs);
- **hands over**: every ``SUITE_WORKER_HOUSEKEEPING`` seconds a worker looks for RUNNING
  tasks whose worker has not beaten for ``SUITE_WORKER_DEAD_AFTER`` seconds and queues them
  again (a task that was handed over ``SUITE_TASK_MAX_ATTEMPTS`` times is marked FAILED
  instead, so one poisonous task cannot kill workers forever). Effects must therefore be
  idempotent (e-mail through the notifications outbox, sent once; suite.tasks.effect_once
  for other outside effects);
- **tidies**: expired Idempotency-Key records and day-old heartbeats of dead workers go.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import threading
import time

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from suite.models import WorkerHeartbeat
from suite.outage import UNAVAILABLE, failure_kind
from suite.queue import housekeeping, setting

logger = logging.getLogger("suite.worker")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def _drop_connection() -> None:
    """Forget this thread's connection, even when closing it fails (the server is gone)."""
    try:
        connection.close()
    except DATABASE_ERRORS:
        connection.connection = None


class _Beat(threading.Thread):
    """Keeps the heartbeat fresh while a (long) task runs; its own connection."""

    def __init__(self, worker_id: str, interval: float):
        super().__init__(daemon=True, name="worker-heartbeat")
        self.worker_id = worker_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(self.interval):
                try:
                    WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
                        beat_at=timezone.now()
                    )
                except DATABASE_ERRORS:
                    _drop_connection()  # the next beat reconnects
        finally:
            _drop_connection()


class ResilientWorker(Worker):
    """django-tasks-db's Worker that outlives database outages and its dead peers."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hostname = socket.gethostname()[:255]
        self.beat_interval = setting("SUITE_WORKER_BEAT", 5.0)
        self.housekeeping_every = setting("SUITE_WORKER_HOUSEKEEPING", 30.0)
        self.max_backoff = setting("SUITE_WORKER_MAX_BACKOFF", 30.0)
        self._next_housekeeping = 0.0
        self._last_beat = 0.0
        self._orphans: set = set()
        self.outages = 0

    # -- heartbeat ------------------------------------------------------------------

    def beat(self, *, task_id: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_beat < self.beat_interval:
            return
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": self.hostname,
                "pid": os.getpid(),
                "beat_at": timezone.now(),
                "task_id": task_id,
            },
        )
        self._last_beat = now

    def forget(self) -> None:
        with contextlib.suppress(*DATABASE_ERRORS):
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    # -- the loop ---------------------------------------------------------------------

    def run(self) -> None:
        logger.info("Starting worker %s (pid %s)", self.worker_id, os.getpid())
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreads workers started together
        backoff = 0.0
        try:
            while self.running:
                try:
                    finished = self.step()
                    backoff = 0.0
                except DATABASE_ERRORS as error:
                    backoff = min(self.max_backoff, backoff * 2 or 1.0)
                    self.outages += 1
                    logger.warning(
                        "Database unavailable (%s: %s); retrying in %.0f s",
                        type(error).__name__,
                        str(error).strip().splitlines()[0] if str(error).strip() else "",
                        backoff,
                    )
                    _drop_connection()
                    if self.running:
                        time.sleep(backoff)
                    continue
                if finished:
                    return
        finally:
            self.forget()
            _drop_connection()

    def step(self) -> bool:
        """Poll once and run at most one task. True when the worker should stop."""
        close_old_connections()
        self.beat()
        self._requeue_orphans()
        now = time.monotonic()
        if now >= self._next_housekeeping:
            self._next_housekeeping = now + self.housekeeping_every
            housekeeping()

        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)

        if task_result is not None:
            self.run_task(task_result)
        elif self.batch:
            logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Ran %d tasks on worker %s - exiting.", self._run_tasks, self.worker_id)
            return True
        close_old_connections()
        if self.running and task_result is None:
            time.sleep(self.interval)
        return False

    def _requeue_orphans(self) -> None:
        """Put back the tasks this worker dropped when the database went away."""
        if self._orphans:
            DBTaskResult.objects.filter(
                pk__in=list(self._orphans), status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY, started_at=None)
            logger.warning("Queued again after the outage: %s", ", ".join(map(str, self._orphans)))
            self._orphans.clear()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one claimed task; record success or failure — or, when it failed because the
        database went away (or the worker is being stopped), queue it again."""
        self.beat(task_id=str(db_task_result.id), force=True)
        beat = _Beat(self.worker_id, self.beat_interval)
        beat.start()
        self.running_task = True
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except (KeyboardInterrupt, SystemExit):
            # Stopped by force mid-task: another run will do it (effects are idempotent).
            self._orphans.add(db_task_result.pk)
            self._requeue_orphans()
            raise
        except BaseException as error:  # noqa: BLE001 - a task's failure is recorded, not fatal
            if isinstance(error, DATABASE_ERRORS) and failure_kind(error) == UNAVAILABLE:
                self._orphans.add(db_task_result.pk)
                raise
            self._failed(db_task_result, error)
        finally:
            beat.stopped.set()
            beat.join(timeout=5)
            self.running_task = False
            self._run_tasks += 1

    def _failed(self, db_task_result: DBTaskResult, error: BaseException) -> None:
        try:
            db_task_result.set_failed(error)
        except DATABASE_ERRORS:
            self._orphans.add(db_task_result.pk)
            raise
        try:
            task_finished.send(
                sender=type(db_task_result.task.get_backend()),
                task_result=db_task_result.task_result,
            )
        except ImportError:
            logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
