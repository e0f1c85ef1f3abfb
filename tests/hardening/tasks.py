"""A task for the worker tests: it e-mails once, then lingers on its first run — the
window in which a worker gets killed."""

import time
from pathlib import Path

from django.core.mail import EmailMessage
from django_tasks import task

from suite.tasks import effect_once


@task(takes_context=True)
def mail_then_linger(context, *, to: str, marker: str, linger: float = 120) -> str:
    with effect_once(f"hardening-mail:{context.task_result.id}") as first:
        if first:
            EmailMessage(subject="한 번만", body="이 메일은 한 번만 갑니다.", to=[to]).send()
    flag = Path(marker)
    if not flag.exists():
        flag.write_text("lingering")
        time.sleep(linger)
    return "done"
