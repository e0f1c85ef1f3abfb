"""``Idempotency-Key``: a write the client retries is done once, and answered the same.

A client that sends a write (POST, PUT, PATCH, DELETE under /api/) and gets no answer —
a timeout, a dropped connection, a 503 — cannot know whether it happened. With an
``Idempotency-Key: <1–255 visible ASCII characters>`` header (a UUID is the usual
choice) it simply sends the same request again with the same key:

- the first request runs; its answer (2xx and 4xx, except 401, 403, 404, 405, 406, 408,
  415 and 429, which say the operation was not reached) is stored with the person and the
  key, **in the same transaction as the write itself** — a crash or an outage can never leave the booking
  without its record, or the record without its booking;
- a repeat within ``API_IDEMPOTENCY_TTL`` (24 h) gets the stored answer again (same
  status and body, header ``Idempotent-Replayed: true``) and nothing is done twice; a
  repeat sent while the first is still running waits for it (a transaction-level advisory
  lock per person and key) and then gets its answer;
- the same key with a different request (another body, path or method) answers **422**
  ``idempotency_key_reused``; a malformed key **400**;
- a 5xx answer (an outage, a crash) is not stored and its transaction is rolled back, so
  the retry runs afresh.

Keys belong to the person (``user:<id>``), whichever token or session they use and on
whichever host; anonymous requests are not recorded. Why a table in the public schema and
not the cache: the record must be shared by every web process, survive restarts, and
commit atomically with the write it describes — only the database gives all three.
Expired rows are ignored at once and deleted by the task worker's housekeeping.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication

from api.models import IdempotencyRecord
from suite.input import too_large
from suite.middleware import is_api_path

HEADER = "Idempotency-Key"
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Answers that say the operation was not reached (who, where, how it was asked): a retry,
# perhaps after fixing that, must run it.
_NOT_STORED = {401, 403, 404, 405, 406, 408, 415, 429}
_REPLAYED_HEADERS = ("Content-Type", "Location", "Allow", "Content-Language")
LOCK_NAMESPACE = 0x49444B  # "IDK": keeps these advisory locks apart from others'
DEFAULT_TTL = 24 * 60 * 60


def ttl() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "API_IDEMPOTENCY_TTL", DEFAULT_TTL)))


def valid_key(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(0x21 <= ord(c) <= 0x7E for c in key)


def _error(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


def principal_of(request) -> str | None:
    """``user:<id>`` of the person behind a Bearer token or the session, else None."""
    from api.tokens import token_lookup

    parts = authentication.get_authorization_header(request).split()
    if len(parts) == 2 and parts[0].lower() == b"bearer":
        try:
            token = token_lookup(parts[1].decode("ascii"))
        except UnicodeDecodeError:
            token = None
        return f"user:{token.user_id}" if token is not None else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (
        request.method,
        request.get_host().lower(),
        request.get_full_path(),
        request.META.get("CONTENT_TYPE", ""),
    ):
        digest.update(part.encode("utf-8", "replace") + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _lock(principal: str, key: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [LOCK_NAMESPACE, f"{principal}\n{key}"],
        )


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _storable(response) -> bool:
    return (
        200 <= response.status_code < 500
        and response.status_code not in _NOT_STORED
        and not response.streaming
    )


class IdempotencyMiddleware:
    """Honour ``Idempotency-Key`` on the API's writes (listed after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method not in UNSAFE_METHODS or not is_api_path(request.path):
            return self.get_response(request)
        if not valid_key(key):
            return _error(
                400,
                "invalid",
                _("입력값을 확인해 주세요."),
                {HEADER: [_("1~255자의 영문·숫자·기호로 된 키를 보내 주세요. 예: UUID")]},
            )
        principal = principal_of(request)
        if principal is None:
            return self.get_response(request)
        try:
            signature = fingerprint(request)
        except RequestDataTooBig:
            return too_large(request, int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
        with transaction.atomic():
            _lock(principal, key)
            now = timezone.now()
            record = IdempotencyRecord.objects.filter(
                principal=principal, key=key, expires_at__gt=now
            ).first()
            if record is not None:
                if record.fingerprint != signature:
                    return _error(
                        422,
                        "idempotency_key_reused",
                        _(
                            "이 Idempotency-Key는 다른 요청에 이미 쓰였습니다. "
                            "새 요청에는 새 키를 보내 주세요."
                        ),
                    )
                return _replay(record)
            response = self.get_response(request)
            if _storable(response):
                IdempotencyRecord.objects.update_or_create(
                    principal=principal,
                    key=key,
                    defaults={
                        "fingerprint": signature,
                        "method": request.method,
                        "path": request.get_full_path()[:500],
                        "status": response.status_code,
                        "headers": {h: response[h] for h in _REPLAYED_HEADERS if h in response},
                        "body": response.content,
                        "created_at": now,
                        "expires_at": now + ttl(),
                    },
                )
            elif response.status_code >= 500:
                # Nothing of a failed request may stay: the retry must run afresh.
                transaction.set_rollback(True)
            return response


def purge_expired(now=None) -> int:
    """Delete records past their day (the worker's housekeeping calls this)."""
    deleted, _by_model = IdempotencyRecord.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted
