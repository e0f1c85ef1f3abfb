"""JSON errors for exceptions that escape plain Django views under /api/.

DRF views answer through api.errors.exception_handler, and with DEBUG off Django's
handlers (suite.views) answer JSON on /api/ paths too. With DEBUG on, though, Django
shows its HTML debug page (500, or the technical 404) for an exception raised in a
non-DRF view under /api/ — this middleware answers the error shape instead, whatever
DEBUG says. A 500 is logged in full and signalled as Django itself would.
"""

import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, JsonResponse

from api.errors import MESSAGES, error_body
from suite.middleware import is_api_path

logger = logging.getLogger("django.request")


def _json(status: int, code: str, message) -> JsonResponse:
    return JsonResponse(
        error_body(code, message),
        status=status,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


class ApiExceptionMiddleware:
    """process_exception for /api/ paths: 404/403/400 as such, anything else a logged 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_api_path(request.path):
            return None
        if isinstance(exception, Http404):
            return _json(404, "not_found", MESSAGES["not_found"])
        if isinstance(exception, PermissionDenied):
            return _json(403, "permission_denied", MESSAGES["permission_denied"])
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return _json(400, "bad_request", MESSAGES["invalid"])
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        # Error trackers (and the test client) listen here, as for errors Django handles.
        got_request_exception.send(sender=None, request=request)
        return _json(500, "server_error", MESSAGES["server_error"])
