"""Answers kept for the rest of one read-only request: "what is my department", "am I
in the document office" — asked by the navigation, the permission checks and the page
alike, read once.

``memo(key, compute)`` inside a GET or HEAD request (``RequestCacheMiddleware``) computes
once per key and schema (a request can switch schemas); anywhere else — writes, tasks,
shells, tests calling services — it simply computes, so nothing a write changes can be
read stale.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.db import connection

T = TypeVar("T")

_current: ContextVar[dict | None] = ContextVar("suite_request_cache", default=None)


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    cache = _current.get()
    if cache is None:
        return compute()
    key = (getattr(connection, "schema_name", None), key)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


class RequestCacheMiddleware:
    """A fresh memo for each GET / HEAD request; none for requests that write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _current.set({})
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
