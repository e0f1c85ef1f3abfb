"""The task queue as the platform sees it: handing over dead workers' tasks, tidying up,
and the figures the platform console shows. Used by the worker (suite/worker.py) and by
the console; importing it does not load the worker.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction as db_transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from suite.models import WorkerHeartbeat

logger = logging.getLogger("suite.worker")


def setting(name: str, default):
    return type(default)(getattr(settings, name, default))


def dead_after() -> timedelta:
    return timedelta(seconds=setting("SUITE_WORKER_DEAD_AFTER", 60))


class TaskAbandoned(Exception):
    """The task was handed over from dead workers too many times."""


def requeue_abandoned(*, now=None) -> dict:
    """Queue again the RUNNING tasks whose worker stopped beating. Returns the counts.

    A task is abandoned when the worker that claimed it last has no heartbeat newer than
    ``SUITE_WORKER_DEAD_AFTER`` (or no heartbeat at all and started that long ago).
    """
    now = now or timezone.now()
    cutoff = now - dead_after()
    alive = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    max_attempts = setting("SUITE_TASK_MAX_ATTEMPTS", 5)
    counts = {"requeued": 0, "failed": 0}
    with db_transaction.atomic():
        running = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .select_for_update(skip_locked=True)
        )
        for task_result in running:
            if task_result.worker_ids and task_result.worker_ids[-1] in alive:
                continue
            if len(task_result.worker_ids) >= max_attempts:
                error = TaskAbandoned(
                    f"abandoned by {len(task_result.worker_ids)} workers that stopped mid-task"
                )
                task_result.set_failed(error)
                counts["failed"] += 1
                logger.error("Task %s failed: %s", task_result.id, error)
                continue
            task_result.status = TaskResultStatus.READY
            task_result.started_at = None
            task_result.save(update_fields=["status", "started_at"])
            counts["requeued"] += 1
            logger.warning(
                "Task %s (%s) queued again: its worker %s stopped",
                task_result.id,
                task_result.task_path,
                (task_result.worker_ids or ["?"])[-1],
            )
    return counts


def housekeeping(*, now=None) -> dict:
    """Hand over abandoned tasks; forget expired idempotency records and dead workers;
    queue a refill of the spare schemas when the pool is short."""
    from api.idempotency import purge_expired

    now = now or timezone.now()
    result = requeue_abandoned(now=now)
    result["idempotency_purged"] = purge_expired(now)
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    # the spare-schema pool refilled ahead of demand (at worker start and every round)
    from tenants.provisioning import refill_spares_if_short

    result["spares_short"] = refill_spares_if_short()
    return result


def queue_stats(*, now=None) -> dict:
    """What the platform console shows: waiting tasks, the oldest one, running, failed, workers."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").only("enqueued_at", "task_path").first()
    return {
        "waiting": ready.count(),
        "oldest_enqueued_at": oldest.enqueued_at if oldest else None,
        "oldest_task": oldest.task_path.rsplit(".", 1)[-1] if oldest else "",
        "oldest_wait_seconds": int((now - oldest.enqueued_at).total_seconds()) if oldest else 0,
        "scheduled": DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, run_after__gt=now, run_after__lt="9999-01-01"
        ).count(),
        "running": DBTaskResult.objects.running().count(),
        "failed_day": DBTaskResult.objects.failed()
        .filter(finished_at__gte=now - timedelta(days=1))
        .count(),
        "workers": WorkerHeartbeat.objects.filter(beat_at__gte=now - dead_after()).count(),
    }
