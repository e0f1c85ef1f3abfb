"""The sandbox posts its webhooks to the merchant's webhook URL, like Toss: JSON over
HTTP POST, 200 = delivered, otherwise retried after 1, 4, 16, 64, 256, 1024, 4096 minutes.

The URL is the institution's ``/payments/webhook/``, built when sending from the
current host settings. Under ``make run`` the task worker delivers them over real
HTTP (settings.PAYMENTS_SANDBOX_WEBHOOKS = "http", the default when DEBUG is on);
tests hand each pending webhook to the test client instead (``deliver(…, sender=…)``).
"""

from __future__ import annotations

import datetime as dt
import http.client
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from payments.sandbox.models import SandboxWebhook

RETRY_MINUTES = (1, 4, 16, 64, 256, 1024, 4096)
WEBHOOK_PATH = "/payments/webhook/"


def target_url(webhook: SandboxWebhook) -> str:
    return webhook.merchant.institution.absolute_url(WEBHOOK_PATH)


def headers_of(webhook: SandboxWebhook) -> dict:
    return {
        "Content-Type": "application/json",
        "tosspayments-webhook-signature": webhook.signature,
        "tosspayments-webhook-transmission-time": webhook.transmission_time,
    }


def http_sender(url: str, headers: dict, body: str) -> int:
    """POST over HTTP. *.localhost names go to 127.0.0.1 with the Host header kept
    (browsers resolve them, the C library may not)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    connect_to = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    port = parts.port or (443 if parts.scheme == "https" else 80)
    factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = factory(connect_to, port, timeout=10)
    try:
        connection.request(
            "POST",
            parts.path or "/",
            body=body.encode(),
            headers={**headers, "Host": parts.netloc},
        )
        return connection.getresponse().status
    finally:
        connection.close()


def deliver(webhook: SandboxWebhook, *, sender=None, now=None) -> bool:
    """One delivery attempt; True when the merchant answered 200."""
    now = now or timezone.now()
    sender = sender or http_sender
    try:
        status = sender(target_url(webhook), headers_of(webhook), webhook.body)
        error = ""
    except OSError as exc:
        status, error = None, str(exc)[:300]
    webhook.attempts += 1
    webhook.last_status = status
    webhook.last_error = error
    if status == 200:
        webhook.delivered_at = now
        webhook.next_attempt_at = None
    elif webhook.attempts <= len(RETRY_MINUTES):
        webhook.next_attempt_at = now + dt.timedelta(minutes=RETRY_MINUTES[webhook.attempts - 1])
    else:
        webhook.next_attempt_at = None
    webhook.save()
    if webhook.next_attempt_at is not None and webhook.delivered_at is None:
        _enqueue(webhook.pk, webhook.next_attempt_at)
    return status == 200


def pending(now=None):
    now = now or timezone.now()
    return SandboxWebhook.objects.filter(
        delivered_at__isnull=True, next_attempt_at__isnull=False, next_attempt_at__lte=now
    ).order_by("created_at", "id")


def schedule(webhook_id: int) -> None:
    """After the sandbox's commit: deliver now when HTTP delivery is on."""
    if settings.PAYMENTS_SANDBOX_WEBHOOKS == "http":
        deliver_webhook.enqueue(webhook_id=webhook_id)


def _enqueue(webhook_id: int, when) -> None:
    if settings.PAYMENTS_SANDBOX_WEBHOOKS != "http":
        return
    if deliver_webhook.get_backend().supports_defer:
        transaction.on_commit(
            lambda: deliver_webhook.using(run_after=when).enqueue(webhook_id=webhook_id),
            robust=True,
        )


@task()
def deliver_webhook(*, webhook_id: int) -> bool:
    webhook = SandboxWebhook.objects.select_related("merchant__institution").filter(
        pk=webhook_id, delivered_at__isnull=True
    )
    webhook = webhook.first()
    if webhook is None:
        return True
    return deliver(webhook)
