"""A mail server that takes its time (for the worker-killed-mid-task benchmark).

Messages whose subject carries ``[bench-slow:before]`` wait ``BENCH_MAIL_DELAY`` seconds
before they are written (the worker dies while "talking to the mail server", nothing
handed over yet); ``[bench-slow:handover]`` wait after writing, before the worker hears
back (the server has the message, the outbox does not know yet: SMTP's at-least-once
window). Everything else is written at once. ``send_then_linger`` lingers after the
outbox recorded the message sent, before the task is done. Files land in ``EMAIL_FILE_PATH``, one per
message, as with Django's file backend.
"""

import os
import time

from django.core.mail.backends.filebased import EmailBackend
from django_tasks import task


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("BENCH_MAIL_DELAY", "4"))
        sent = 0
        for message in email_messages:
            if "[bench-slow:before]" in message.subject:
                time.sleep(delay)
            sent += super().send_messages([message])
            if "[bench-slow:handover]" in message.subject:
                time.sleep(delay)
        return sent


@task(takes_context=True)
def send_then_linger(context, *, to: list[str], subject: str, body: str) -> int:
    """Send through the outbox (as suite.tasks.send_email does), then linger
    ``BENCH_MAIL_DELAY`` seconds when this run sent it (the outbox already says "sent"):
    the window in which the worker dies after the message went out, before the task is
    done. Run again, it finds the message sent and neither sends nor lingers."""
    from notifications.public import email_send_keyed

    sent = email_send_keyed(
        to=to, subject=subject, body=body, key=f"bench-mail:{context.task_result.id}"
    )
    if sent:
        time.sleep(float(os.environ.get("BENCH_MAIL_DELAY", "4")))
    return sent
