"""Background work that every app shares. Tasks carry the schema they act in.

A task may run more than once: a worker that dies mid-task leaves it RUNNING, and after
``SUITE_WORKER_DEAD_AFTER`` seconds another worker runs it again (suite/worker.py). So a
task's effects must be idempotent — by the state it changes (``reminder_sent_at``), by an
id it creates once (an envelope's), for e-mail by the notifications outbox (one row per
message, claimed with a lease, sent once: ``send_email`` below), or, for another effect
outside the database, with ``effect_once`` (at most once).
"""

from contextlib import contextmanager

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
    """Send one e-mail through the notifications outbox, exactly once per queued task even
    if the task is run again (the outbox rows are keyed by this task; each is sent once).

    Kept for tasks queued by older code: new code calls suite.notify.email_on_commit,
    which writes the outbox rows in the caller's transaction. ``html`` is not sent (the
    outbox sends plain text, as every platform e-mail is)."""
    from notifications.public import email_send_keyed

    return email_send_keyed(
        to=to, subject=subject, body=body, key=f"send_email:{context.task_result.id}"
    )


def run_in_schema(schema_name: str, function, *args, **kwargs):
    """Run a callable inside an institution schema (the worker starts in public)."""
    with schema_context(schema_name):
        return function(*args, **kwargs)
