"""A task for the worker tests: it e-mails once (through the outbox, keyed by the task),
then lingers on its first run — the window in which a worker gets killed."""

import time
from pathlib import Path

from django_tasks import task

from notifications.public import email_send_keyed


@task(takes_context=True)
def mail_then_linger(context, *, to: str, marker: str, linger: float = 120) -> str:
    email_send_keyed(
        to=[to],
        subject="한 번만",
        body="이 메일은 한 번만 갑니다.",
        key=f"hardening-mail:{context.task_result.id}",
    )
    flag = Path(marker)
    if not flag.exists():
        flag.write_text("lingering")
        time.sleep(linger)
    return "done"
