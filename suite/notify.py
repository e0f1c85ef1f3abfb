"""Notifications are sent after commit, through the notifications outbox."""

from django.template.loader import render_to_string

from suite.links import collapse


def email_on_commit(*, to: list[str] | str, subject: str, template: str, context: dict) -> None:
    """Queue an e-mail rendered from ``<template>.txt``, sent once the transaction commits.

    The message is written to the notifications outbox in the caller's transaction (a
    rolled-back change sends nothing, a committed one cannot lose its e-mail) and sent by
    the task worker exactly once per recipient (notifications.services.email_enqueue).
    Sending happens after the commit and never undoes the change that caused it.
    """
    from notifications.public import email_enqueue

    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    # The platform's own links are kept as tokens and built when the e-mail is sent
    # (suite.links): nothing absolute waits in the queue.
    body = collapse(render_to_string(f"{template}.txt", context))
    email_enqueue(to=recipients, subject=collapse(subject), body=body)
