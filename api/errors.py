"""One error shape for the whole API: {"error": {"code", "message", "fields"}}.

``code`` is stable and meant for programs; ``message`` is Korean and meant for
people; ``fields`` maps an input field to its messages (400 only, ``{}`` otherwise;
nested fields are joined with dots, errors not tied to one field are under
``non_field_errors``). The codes and messages below are data that tests reuse.
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger("django.request")

MESSAGES = {
    "invalid": gettext_lazy("입력값을 확인해 주세요."),
    "not_authenticated": gettext_lazy("로그인이 필요합니다. API 토큰을 보내 주세요."),
    "authentication_failed": gettext_lazy("인증 정보가 올바르지 않습니다."),
    "invalid_token": gettext_lazy("토큰이 올바르지 않거나 만료 또는 폐기되었습니다."),
    "token_scope": gettext_lazy("이 토큰은 다른 기관 전용이라 여기에서는 쓸 수 없습니다."),
    "csrf_failed": gettext_lazy(
        "CSRF 검증에 실패했습니다. 브라우저 세션으로 호출할 때는 X-CSRFToken 헤더를 보내고, "
        "프로그램에서는 API 토큰을 쓰세요."
    ),
    "permission_denied": gettext_lazy("이 작업을 할 권한이 없습니다."),
    "not_found": gettext_lazy("찾을 수 없습니다."),
    "method_not_allowed": gettext_lazy("허용되지 않은 요청 방식입니다."),
    "not_acceptable": gettext_lazy(
        "지원하지 않는 응답 형식입니다. Accept: application/json 을 쓰세요."
    ),
    "unsupported_media_type": gettext_lazy(
        "지원하지 않는 본문 형식입니다. Content-Type: application/json 을 쓰세요."
    ),
    "parse_error": gettext_lazy("요청 본문을 읽을 수 없습니다. JSON 형식을 확인해 주세요."),
    "conflict": gettext_lazy("다른 요청과 충돌했습니다."),
    "throttled": gettext_lazy("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."),
    "server_error": gettext_lazy("일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."),
    "institution_suspended": gettext_lazy(
        "이 기관의 서비스가 일시 정지되었습니다. 기관에 문의해 주세요."
    ),
}

# Codes whose message is always ours: DRF's default text for them says less.
_OWN_MESSAGE = {
    "not_authenticated",
    "not_acceptable",
    "unsupported_media_type",
    "parse_error",
}


class Conflict(exceptions.APIException):
    """409: the request is valid but collides with the current state."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = MESSAGES["conflict"]

    def __init__(self, detail=None, code=None):
        super().__init__(detail or self.default_detail, code or self.default_code)


class TokenScopeMismatch(exceptions.PermissionDenied):
    """403: the token is limited to another institution than this host's."""

    default_code = "token_scope"

    def __init__(self, institution_name: str):
        super().__init__(
            _("이 토큰은 '%(name)s' 전용이라 여기에서는 쓸 수 없습니다.")
            % {"name": institution_name},
            self.default_code,
        )


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail) -> dict:
    """DRF's nested detail → {"field" or "parent.child" or "items.0.field": [messages]}."""
    out: dict[str, list[str]] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            if any(isinstance(item, dict | list) for item in value):
                for index, item in enumerate(value):
                    if isinstance(item, dict | list):
                        walk(item, f"{path}.{index}" if path else str(index))
                    elif str(item):
                        out.setdefault(path or "non_field_errors", []).append(str(item))
            else:
                out.setdefault(path or "non_field_errors", []).extend(str(v) for v in value)
        else:
            out.setdefault(path or "non_field_errors", []).append(str(value))

    walk(detail, "")
    return out


def from_django_validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return getattr(exc, "default_code", "error")


def _server_error(exc, context) -> Response:
    """An unexpected exception in an API view: log it in full, answer JSON without a trace."""
    request = context.get("request")
    django_request = getattr(request, "_request", request)
    logger.error(
        "Internal Server Error: %s",
        getattr(django_request, "path", "?"),
        exc_info=exc,
        extra={"status_code": 500, "request": django_request},
    )
    # Error trackers and the test client listen here, as for exceptions Django handles.
    got_request_exception.send(sender=None, request=django_request)
    from rest_framework.views import set_rollback  # not at import: DRF's settings import us

    set_rollback()
    response = Response(error_body("server_error", MESSAGES["server_error"]), status=500)
    response._has_been_logged = True
    return response


def _answer_in_json(context) -> None:
    """Errors are JSON whatever the view renders (OpenAPI YAML, browsable HTML) or Accept says."""
    from rest_framework.renderers import JSONRenderer

    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def exception_handler(exc, context):
    from rest_framework.views import exception_handler as drf_exception_handler

    _answer_in_json(context)
    if isinstance(exc, DjangoValidationError):
        exc = from_django_validation_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        from accounts.access import Refused  # not at import: DRF's settings import us

        reason = exc.reason if isinstance(exc, Refused) else None
        exc = exceptions.PermissionDenied(str(reason)) if reason else exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        from api.parsers import RequestTooLarge  # not at import: DRF's settings import us

        exc = RequestTooLarge(int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0))
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(MESSAGES["invalid"], "bad_request")
    if not isinstance(exc, exceptions.APIException):
        return _server_error(exc, context)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        non_field = fields.get("non_field_errors")
        message = non_field[0] if non_field and len(fields) == 1 else MESSAGES["invalid"]
        response.data = error_body("invalid", message, fields)
        response.status_code = 400
        return response
    code = _code_of(exc)
    detail = str(exc.detail)
    if code == "permission_denied" and detail.startswith("CSRF Failed"):
        code, message = "csrf_failed", MESSAGES["csrf_failed"]
    elif getattr(exc, "keep_message", False):
        message = detail
    elif code in _OWN_MESSAGE or detail == str(getattr(exc, "default_detail", "")):
        message = MESSAGES.get(code, detail)
    elif code == "throttled":
        wait = getattr(exc, "wait", None)
        message = (
            _("요청이 너무 많습니다. %(seconds)d초 후에 다시 시도해 주세요.")
            % {"seconds": max(1, int(wait))}
            if wait
            else MESSAGES["throttled"]
        )
    elif code == "method_not_allowed":
        message = _("%(method)s 요청은 이 주소에서 허용되지 않습니다.") % {
            "method": context["request"].method
        }
    else:
        message = detail
    if isinstance(exc, exceptions.Throttled):
        response["Retry-After"] = str(max(1, int(exc.wait or 1)))
    response.data = error_body(code, message)
    return response
