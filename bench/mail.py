"""A mail server that takes its time (for the worker-killed-mid-task benchmark).

Messages whose subject carries ``[bench-slow:before]`` wait ``BENCH_MAIL_DELAY`` seconds
before they are written (the worker dies while "talking to the mail server", nothing
sent yet); ``[bench-slow:after]`` wait after writing (sent, but the task not yet marked
done). Everything else is written at once. Files land in ``EMAIL_FILE_PATH``, one per
message, as with Django's file backend.
"""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("BENCH_MAIL_DELAY", "4"))
        sent = 0
        for message in email_messages:
            if "[bench-slow:before]" in message.subject:
                time.sleep(delay)
            sent += super().send_messages([message])
            if "[bench-slow:after]" in message.subject:
                time.sleep(delay)
        return sent
