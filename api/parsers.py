"""Request body parsers of the API: size and depth limits, and the text contract.

- JSON bodies larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB by default) answer
  **413** ``request_too_large`` — also when sent without a Content-Length (read at most one
  byte past the limit); suite.input refuses them earlier when the length is announced.
- JSON nested deeper than ``API_JSON_MAX_DEPTH`` (32 by default) levels of objects and
  arrays answers **400** ``parse_error``; no endpoint takes more than a few levels, and
  Python's parser would otherwise recurse until it fails.
- Every string of the parsed body goes through suite.text (control and bidirectional
  override characters removed), for JSON, form and multipart bodies alike.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError
from rest_framework.utils import json

from suite.input import too_large_message
from suite.text import clean_data, clean_file_names, clean_querydict

DEFAULT_MAX_DEPTH = 32


class RequestTooLarge(APIException):
    """413: the body is larger than the limit for its kind."""

    status_code = 413
    default_code = "request_too_large"

    def __init__(self, limit: int):
        super().__init__(too_large_message(limit), self.default_code)


def max_depth() -> int:
    return int(getattr(settings, "API_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH))


def nesting_depth(value) -> int:
    """Levels of objects/arrays in a parsed JSON value, counted without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


class TooDeep(ParseError):
    """400 parse_error with its own message (the generic one would not say why)."""

    keep_message = True


def _too_deep():
    return TooDeep(
        _("JSON이 너무 깊게 중첩되어 있습니다. 객체와 배열은 %(depth)d단계까지 쓸 수 있습니다.")
        % {"depth": max_depth()}
    )


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        raw = stream.read(limit + 1) if limit else stream.read()
        if limit and len(raw) > limit:
            raise RequestTooLarge(limit)
        encoding = parsers.get_encoding(parser_context)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(
                _("요청 본문을 읽을 수 없습니다. JSON 형식을 확인해 주세요.")
            ) from error
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise _too_deep() from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        if nesting_depth(data) > max_depth():
            raise _too_deep()
        return clean_data(data)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return clean_querydict(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        clean_file_names(result.files)
        return parsers.DataAndFiles(clean_querydict(result.data), result.files)
