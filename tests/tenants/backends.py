"""A task backend whose queue is down: every enqueue raises (failure injection)."""

from django_tasks.backends.base import BaseTaskBackend


class QueueDown(ConnectionError):
    pass


class FailingBackend(BaseTaskBackend):
    def enqueue(self, task, args, kwargs):
        raise QueueDown("the task queue is unreachable")
