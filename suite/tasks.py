"""Background work that every app shares. Tasks carry the schema they act in.

A task may run more than once: a worker that dies mid-task leaves it RUNNING, and after
``SUITE_WORKER_DEAD_AFTER`` seconds another worker runs it again (suite/worker.py). So a
task's effects must be idempotent — by the state it changes (``reminder_sent_at``), by an
id it creates once (an envelope's), or, for effects outside the database such as an
e-mail, with ``effect_once``.
"""

from contextlib import contextmanager

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django_tasks import task
from django_tenants.utils import schema_context


@contextmanager
def effect_once(key: str):
    """``with effect_once(key) as first:`` — ``first`` is True the first time ``key`` is
    seen, and the effect is then performed inside the block; False when it was already
    performed (or is being performed), and the block must skip it.

    The key is recorded (committed) *before* the effect, so a crash in the middle means the
    effect happened at most once, never twice; an exception inside the block forgets the
    key again so that a retry can perform it.
    """
    from suite.models import TaskEffect

    try:
        with transaction.atomic():
            effect = TaskEffect.objects.create(key=key[:200])
    except IntegrityError:
        yield False
        return
    try:
        yield True
    except BaseException:
        TaskEffect.objects.filter(pk=effect.pk).delete()
        raise


@task(takes_context=True)
def send_email(context, *, to: list[str], subject: str, body: str, html: str = "") -> int:
    """Send one e-mail, at most once per queued task even if the task is run again."""
    with effect_once(f"send_email:{context.task_result.id}") as first:
        if not first:
            return 0
        from suite.links import expand  # links built now, for the current hosts and port

        message = EmailMultiAlternatives(subject=expand(subject), body=expand(body), to=to)
        if html:
            message.attach_alternative(expand(html), "text/html")
        return message.send()


def run_in_schema(schema_name: str, function, *args, **kwargs):
    """Run a callable inside an institution schema (the worker starts in public)."""
    with schema_context(schema_name):
        return function(*args, **kwargs)
