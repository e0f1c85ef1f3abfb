"""Notifications are sent after commit, through the task queue."""

from django.db import transaction
from django.template.loader import render_to_string

from suite.links import collapse
from suite.tasks import send_email


def email_on_commit(*, to: list[str] | str, subject: str, template: str, context: dict) -> None:
    """Queue an e-mail rendered from ``<template>.txt`` once the transaction commits.

    A failure to queue or send never undoes the change that caused it.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    # The platform's own links are kept as tokens and built when the e-mail is sent
    # (suite.links): nothing absolute waits in the queue.
    body = collapse(render_to_string(f"{template}.txt", context))
    subject = collapse(subject)

    def enqueue():
        send_email.enqueue(to=recipients, subject=subject, body=body)

    transaction.on_commit(enqueue, robust=True)
