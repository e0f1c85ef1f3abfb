"""What a client sees when the database fails: 503 when it is unreachable, 409 on a
transaction conflict — never a 500.

Django turns an exception anywhere in a request (a view, a middleware, a template) into a
500 answer and signals ``got_request_exception`` from inside the ``except`` block that
caught it (so do api.errors and api.middleware for the API). ``_note_database_failure``
listens there and marks the request when the exception is a database outage or a
transaction conflict; ``DatabaseFailureMiddleware`` (near the top of MIDDLEWARE) then
replaces that 500 with

- **503** ``database_unavailable`` and ``Retry-After`` — the server cannot be reached, the
  connection broke, the server is shutting down or full (SQLSTATE class 08, 57P01–57P03,
  53300), or no connection came from the pool in time: the request did not complete and
  is safe to retry after the delay (with the same ``Idempotency-Key`` for writes);
- **409** ``transaction_conflict`` — PostgreSQL aborted the transaction to break a
  deadlock or a serialisation conflict (40P01, 40001, 55P03): nothing was stored; retry.

Pages get a standalone HTML page (no query, no base layout), /api/ paths the error shape.
The request finishes normally otherwise, so Django closes the broken connection and the
next request reconnects: the service recovers by itself once the database is back.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

UNAVAILABLE = "database_unavailable"
CONFLICT = "transaction_conflict"

# SQLSTATEs meaning "the database is not there for us right now".
_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03", "53300", "53400"}
# SQLSTATEs meaning "this transaction lost a race; nothing was written, try again".
_CONFLICT_STATES = {"40001", "40P01", "55P03"}


def _sqlstate(error: BaseException) -> str | None:
    seen = 0
    while error is not None and seen < 5:
        state = getattr(error, "sqlstate", None) or getattr(
            getattr(error, "diag", None), "sqlstate", None
        )
        if state:
            return state
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def failure_kind(error: BaseException | None) -> str | None:
    """``database_unavailable``, ``transaction_conflict`` or None for ``error``."""
    if isinstance(error, InterfaceError):
        return UNAVAILABLE  # "connection already closed"
    if not isinstance(error, OperationalError):
        return None
    state = _sqlstate(error)
    if state in _CONFLICT_STATES:
        return CONFLICT
    # No SQLSTATE: the server never answered (refused, reset, timed out, pool timeout).
    if state is None or state.startswith("08") or state in _UNAVAILABLE_STATES:
        return UNAVAILABLE
    return None


@receiver(got_request_exception, dispatch_uid="suite.outage.note_database_failure")
def _note_database_failure(sender, request=None, **kwargs):
    if request is None:
        return
    kind = failure_kind(sys.exc_info()[1])
    if kind is not None:
        request.suite_database_failure = kind


def retry_after_seconds() -> int:
    return int(getattr(settings, "SUITE_OUTAGE_RETRY_AFTER", 5))


def failure_response(request, kind: str):
    """The 503 or 409 answer for ``kind``: error shape on /api/, a standalone page elsewhere."""
    from suite.middleware import is_api_path

    if kind == UNAVAILABLE:
        status = 503
        message = _("일시적으로 서비스에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.")
        template = "errors/503.html"
    else:
        status = 409
        message = _("동시에 처리된 다른 요청과 충돌해 저장하지 않았습니다. 다시 시도해 주세요.")
        template = "errors/409.html"
    if is_api_path(request.path):
        response = JsonResponse(
            {"error": {"code": kind, "message": message, "fields": {}}},
            status=status,
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )
    else:
        html = render_to_string(template, {"message": message, "status": status})
        response = HttpResponse(html, status=status)
    response["Retry-After"] = str(retry_after_seconds() if status == 503 else 1)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseFailureMiddleware:
    """Replace the 500 of a request that failed on the database with a 503 or a 409."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = getattr(request, "suite_database_failure", None)
        if kind is not None and response.status_code >= 500:
            return failure_response(request, kind)
        return response
