"""One error shape for the whole API: {"error": {"code", "message", "fields"}}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "invalid": "입력값을 확인해 주세요.",
    "not_authenticated": "로그인이 필요합니다.",
    "authentication_failed": "인증 정보가 올바르지 않습니다.",
    "permission_denied": "이 작업을 할 권한이 없습니다.",
    "not_found": "찾을 수 없습니다.",
    "method_not_allowed": "허용되지 않은 요청 방식입니다.",
    "throttled": "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
    "conflict": "다른 요청과 충돌했습니다.",
    "unsupported_media_type": "지원하지 않는 형식입니다.",
    "not_acceptable": "지원하지 않는 응답 형식입니다.",
    "parse_error": "요청 본문을 읽을 수 없습니다.",
}


class Conflict(exceptions.APIException):
    """409: the request is valid but collides with the current state."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = MESSAGES["conflict"]

    def __init__(self, detail=None, code=None):
        super().__init__(detail or self.default_detail, code or self.default_code)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail) -> dict:
    """DRF's nested detail → {field: [messages]}."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list):
                out[key] = [str(v) for v in value if not isinstance(v, dict)] or [str(value)]
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def from_django_validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = from_django_validation_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's handler500 answers in the same shape
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        non_field = fields.get("non_field_errors")
        message = non_field[0] if non_field and len(fields) == 1 else MESSAGES["invalid"]
        response.data = error_body("invalid", message, fields)
        response.status_code = 400
        return response
    codes = exc.get_codes() if hasattr(exc, "get_codes") else None
    code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
    detail = exc.detail if isinstance(exc.detail, str) else MESSAGES.get(code, str(exc.detail))
    message = (
        MESSAGES.get(code, str(detail))
        if code in ("not_authenticated", "not_found", "throttled", "permission_denied")
        and str(detail) == str(getattr(exc, "default_detail", ""))
        else str(detail)
    )
    response.data = error_body(code, message)
    return response
