"""Channel providers behind one interface, chosen per channel by settings.

``send(message)`` hands one message to the provider under the message's
idempotency key and returns the provider's id for it; ``lookup(key)`` asks
whether a message with that key was already accepted (None = not, or cannot
tell). Providers raise ``ProviderError`` for a refusal (``permanent=True``:
retrying cannot help, e.g. the number has no KakaoTalk) and
``ProviderUnavailable`` for a transient failure (network, provider down).

- ``local``: keeps every message in ``LocalMessage`` (development and tests;
  readable at /dev/outbox/ and by the recipient in their hub). Tester numbers:
  010-0000-xxxx has no KakaoTalk (알림톡 fails → SMS), 010-9999-xxxx cannot
  receive texts at all (the delivery fails and staff see it).
- ``django`` (e-mail): Django's EMAIL_BACKEND (SMTP in production).
- ``nhn`` (SMS and 알림톡): NHN Cloud Notification's REST API.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from notifications.models import Channel, LocalMessage
from suite.links import collapse


class ProviderError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class ProviderUnavailable(ProviderError):
    def __init__(self, message: str):
        super().__init__(message, permanent=False)


@dataclass
class OutgoingMessage:
    key: str
    channel: str
    address: str
    subject: str
    body: str
    template_code: str = ""
    template_params: dict = field(default_factory=dict)


class Provider:
    name = "base"

    def send(self, message: OutgoingMessage) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def lookup(self, key: str) -> str | None:
        return None


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


class LocalProvider(Provider):
    """Stores the message; the same key twice is one message."""

    name = "local"

    def __init__(self, channel: str):
        self.channel = channel

    def send(self, message: OutgoingMessage) -> str:
        digits = _digits(message.address)
        if message.channel != Channel.EMAIL:
            if digits.startswith("0109999"):
                raise ProviderError(
                    "수신할 수 없는 번호입니다(테스트 번호 010-9999).", permanent=True
                )
            if message.channel == Channel.ALIMTALK and digits.startswith("0100000"):
                raise ProviderError(
                    "카카오톡 사용자가 아닙니다(테스트 번호 010-0000).", permanent=True
                )
        try:
            with transaction.atomic():
                row = LocalMessage.objects.create(
                    key=message.key,
                    channel=message.channel,
                    address=message.address,
                    subject=message.subject,
                    # what was sent, its links kept as tokens (suite.links, built when shown)
                    body=collapse(message.body),
                    template_code=message.template_code,
                )
        except IntegrityError:
            row = LocalMessage.objects.get(key=message.key)
        return f"local-{row.pk}"

    def lookup(self, key: str) -> str | None:
        row = LocalMessage.objects.filter(key=key).first()
        return f"local-{row.pk}" if row else None


class DjangoEmailProvider(Provider):
    """E-mail through EMAIL_BACKEND. SMTP cannot be asked what it accepted, so a
    worker that dies between the hand-over and the record may send a second copy
    (same Message-ID, which mail clients collapse)."""

    name = "django"

    def send(self, message: OutgoingMessage) -> str:
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "suite.localhost"
        message_id = f"<{message.key}@{domain}>"
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.address],
            headers={"Message-ID": message_id},
        )
        try:
            email.send()
        except OSError as error:
            raise ProviderUnavailable(str(error)) from None
        return message_id


class NhnProvider(Provider):
    """NHN Cloud Notification: SMS (v3.0) and 카카오 알림톡 (v2.3).

    Every request carries ``senderGroupingKey`` = our idempotency key, so
    ``lookup`` can list what the provider accepted under it.
    """

    name = "nhn"
    SMS_BASE = "https://api-sms.cloud.toast.com"
    ALIMTALK_BASE = "https://api-alimtalk.cloud.toast.com"

    def __init__(self, channel: str, *, transport=None):
        self.channel = channel
        self.transport = transport or http_json

    # -- requests (public so tests can compare them with the documented shapes) --
    def sms_request(self, message: OutgoingMessage) -> tuple[str, str, dict, dict]:
        app_key = settings.NOTIFY_NHN_SMS_APP_KEY
        long = len(message.body.encode("euc-kr", errors="replace")) > 90
        path = "mms" if long else "sms"
        body = {
            "body": message.body,
            "sendNo": settings.NOTIFY_NHN_SENDER_NO,
            "recipientList": [{"recipientNo": _digits(message.address)}],
            "senderGroupingKey": message.key,
        }
        if long:
            body["title"] = message.subject[:40]
        url = f"{self.SMS_BASE}/sms/v3.0/appKeys/{app_key}/sender/{path}"
        return "POST", url, self._headers(), body

    def alimtalk_request(self, message: OutgoingMessage) -> tuple[str, str, dict, dict]:
        app_key = settings.NOTIFY_NHN_ALIMTALK_APP_KEY
        body = {
            "senderKey": settings.NOTIFY_NHN_SENDER_KEY,
            "templateCode": message.template_code,
            "senderGroupingKey": message.key,
            "recipientList": [
                {
                    "recipientNo": _digits(message.address),
                    "content": message.body,
                    # Fallback happens on our side (a separate SMS delivery staff can see).
                    "resendParameter": {"isResend": False},
                }
            ],
        }
        url = f"{self.ALIMTALK_BASE}/alimtalk/v2.3/appkeys/{app_key}/raw-messages"
        return "POST", url, self._headers(), body

    def _headers(self) -> dict:
        return {
            "X-Secret-Key": settings.NOTIFY_NHN_SECRET_KEY,
            "Content-Type": "application/json;charset=UTF-8",
        }

    def send(self, message: OutgoingMessage) -> str:
        if self.channel == Channel.ALIMTALK:
            request = self.alimtalk_request(message)
        else:
            request = self.sms_request(message)
        status, data = self.transport(*request)
        header = (data or {}).get("header") or {}
        if status >= 500:
            raise ProviderUnavailable(f"HTTP {status}")
        if not header.get("isSuccessful"):
            code = header.get("resultCode")
            raise ProviderError(
                f"{code}: {header.get('resultMessage', '')}",
                permanent=status in (400, 403, 404),
            )
        body = (data or {}).get("body") or {}
        request_id = (body.get("data") or {}).get("requestId") or body.get("requestId") or ""
        return str(request_id)

    def lookup(self, key: str) -> str | None:
        if self.channel == Channel.ALIMTALK:
            app_key = settings.NOTIFY_NHN_ALIMTALK_APP_KEY
            url = f"{self.ALIMTALK_BASE}/alimtalk/v2.3/appkeys/{app_key}/messages?senderGroupingKey={key}"
        else:
            app_key = settings.NOTIFY_NHN_SMS_APP_KEY
            url = f"{self.SMS_BASE}/sms/v3.0/appKeys/{app_key}/sender/sms?senderGroupingKey={key}"
        status, data = self.transport("GET", url, self._headers(), None)
        if status != 200:
            return None
        body = (data or {}).get("body") or {}
        rows = body.get("data") or body.get("messageSearchResultResponse") or []
        if isinstance(rows, dict):
            rows = rows.get("messages") or []
        return str(rows[0].get("requestId", key)) if rows else None


def http_json(method: str, url: str, headers: dict, body: dict | None, timeout: float = 10):
    """A JSON request with the standard library; (status, parsed body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"null")
        except ValueError:
            return error.code, None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ProviderUnavailable(str(error)) from None


def provider_for(channel: str) -> Provider:
    """The provider settings choose for ``channel``."""
    name = {
        Channel.EMAIL: settings.NOTIFY_EMAIL_PROVIDER,
        Channel.SMS: settings.NOTIFY_SMS_PROVIDER,
        Channel.ALIMTALK: settings.NOTIFY_ALIMTALK_PROVIDER,
    }[channel]
    factory = PROVIDERS.get(name)
    if factory is None:
        raise LookupError(f"unknown notification provider {name!r} for {channel}")
    return factory(channel)


# name → factory(channel). Tests and deployments may add their own.
PROVIDERS = {
    "local": LocalProvider,
    "django": lambda channel: DjangoEmailProvider(),
    "nhn": NhnProvider,
}
