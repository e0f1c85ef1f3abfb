"""Bookkeeping of the task worker, in the public schema (see suite/worker.py)."""

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """A running ``db_worker`` process: it beats every few seconds, also while a task runs.

    A worker whose beat stops (killed, crashed, its machine gone) is dead: the tasks it left
    RUNNING are handed to another worker after ``SUITE_WORKER_DEAD_AFTER`` seconds.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The task the worker is running now (DBTaskResult.id), if any.
    task_id = models.CharField(max_length=36, blank=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"


class TaskEffect(models.Model):
    """An outside effect a task has had (a document e-mailed with its attachments),
    recorded before it happens. (Plain e-mail goes through the notifications outbox.)

    A task that runs again — handed over from a dead worker — finds its effect recorded and
    does not repeat it: at most once, never twice (suite.tasks.effect_once).
    """

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key
