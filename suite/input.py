"""Limits on what a request may carry, and the text contract applied to pages' input.

Refused before any view runs, in the error shape on /api/ and as a short page elsewhere:

- a query string longer than ``SUITE_MAX_QUERY_STRING`` bytes → **414** ``uri_too_long``
  (the web server refuses far longer request lines itself, see docs/api.md);
- a body announced (``Content-Length``) larger than ``SUITE_MAX_UPLOAD_BYTES`` for
  ``multipart/form-data`` (file uploads) or ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for anything
  else (JSON, form posts) → **413** ``request_too_large``; so is a multipart body whose
  plain fields together exceed ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or that holds more than
  ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields / ``DATA_UPLOAD_MAX_NUMBER_FILES`` files.

Outside /api/ the query string and the posted form are cleaned by the text contract
(suite.text) before CSRF checks, forms and views read them; the API's bodies are cleaned
by its parsers (api.parsers), its query strings here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from suite.text import clean_file_names, clean_querydict

TOO_LARGE = "request_too_large"
URI_TOO_LONG = "uri_too_long"


def _limit_error(request, status: int, code: str, message: str):
    from suite.middleware import is_api_path

    if is_api_path(request.path_info):
        return JsonResponse(
            {"error": {"code": code, "message": message, "fields": {}}},
            status=status,
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )
    html = render_to_string("errors/413.html", {"message": message, "status": status})
    return HttpResponse(html, status=status)


def too_large_message(limit: int) -> str:
    return _("요청 본문이 너무 큽니다. %(limit)s 이하로 보내 주세요.") % {
        "limit": filesizeformat(limit)
    }


def too_large(request, limit: int):
    return _limit_error(request, 413, TOO_LARGE, too_large_message(limit))


def body_limit(request) -> int:
    """How many bytes this request's body may have."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        return int(settings.SUITE_MAX_UPLOAD_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or settings.SUITE_MAX_UPLOAD_BYTES)


class RequestContractMiddleware:
    """Size limits (413/414) for every request; the text contract for pages' input."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from suite.middleware import is_api_path

        query = request.META.get("QUERY_STRING", "")
        limit = int(settings.SUITE_MAX_QUERY_STRING)
        if len(query.encode("latin-1", "replace")) > limit:
            return _limit_error(
                request,
                414,
                URI_TOO_LONG,
                _(
                    "주소의 검색 조건(쿼리 문자열)이 너무 깁니다. %(limit)d바이트 이하로 줄여 주세요."
                )
                % {"limit": limit},
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit(request):
            return too_large(request, body_limit(request))
        request.GET = clean_querydict(request.GET)
        if request.method == "POST" and not is_api_path(request.path_info):
            try:
                request.POST = clean_querydict(request.POST)
                clean_file_names(request.FILES)
            except RequestDataTooBig:
                return too_large(request, int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
            except (TooManyFieldsSent, TooManyFilesSent):
                return _limit_error(
                    request,
                    413,
                    TOO_LARGE,
                    _("한 번에 보낼 수 있는 입력 항목이나 파일 수를 넘었습니다."),
                )
        return self.get_response(request)
