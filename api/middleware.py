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


# Error statuses Django itself may answer with a page, and their codes in the error shape.
_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
}
_MESSAGES = {
    "bad_request": MESSAGES["invalid"],
    "method_not_allowed": MESSAGES["method_not_allowed"],
}
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _as_error_shape(response):
    """An HTML (or other non-JSON) error answer on /api/ → the same status in the error shape."""
    status = response.status_code
    code = _CODES.get(status, "server_error" if status >= 500 else "error")
    message = _MESSAGES.get(code) or MESSAGES.get(code) or MESSAGES["invalid"]
    replacement = _json(status, code, message)
    for header in _KEPT_HEADERS:
        if header in response:
            replacement[header] = response[header]
    return replacement


class ApiExceptionMiddleware:
    """/api/ paths answer errors in the error shape only.

    process_exception: an exception from a view — 404/403/400 as such, anything else a
    logged 500. __call__ (listed near the top of MIDDLEWARE): an error page produced
    further in — by another middleware's exception turned into Django's debug page, for
    instance — is replaced by the same status in the error shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_path(request.path)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _as_error_shape(response)
        return response

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
