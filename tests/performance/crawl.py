"""A crawler of the suite's own pages for query-count tests: follows the links a person
sees (in pages, and the URLs an API answer lists), GET only, on one host at a time, one
visit per URL pattern (route)."""

from __future__ import annotations

import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from accounts.sessions import SEEN_AT

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Links that are not pages to count: files, exports, feeds, sign-out, language switch,
# the sandbox payment gateway, schema documents.
SKIP = re.compile(
    r"(\.pdf$|/pdf/|\.ics$|/ics/|/feed|/export|\.xlsx$|\.csv$|/download|/file|/files/"
    r"|/attachments?/|/media/|/static/|/logout|/i18n/|/sso/|/api/schema|/api/docs"
    r"|/accounts/tokens/new|/2fa/|/sandbox-pg/|/dev/|/hop/|/signout|/sign-out"
    # 회원탈퇴 must ask every institution's schema whether it still holds the person's
    # bookings or applications (privacy/erasure.py account_blockers): one visit per
    # institution by design, on a page a person opens once.
    r"|/accounts/delete/)"
)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _json_links(value) -> list[str]:
    """URLs an API answer lists (the API root, ``next`` links, ``url`` fields)."""
    if isinstance(value, dict):
        return [link for item in value.values() for link in _json_links(item)]
    if isinstance(value, list):
        return [link for item in value[:5] for link in _json_links(item)]
    if isinstance(value, str) and (value.startswith("/api/") or "://" in value[:10]):
        return [value]
    return []


@dataclass
class Visit:
    path: str
    route: str
    status: int
    queries: int
    writes: list[str] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)


def route_of(path: str, urlconf: str) -> str | None:
    try:
        match = resolve(path, urlconf=urlconf)
    except Resolver404:
        return None
    return match.route or match.view_name


def measure(client, path: str, *, warm: bool = True):
    """GET ``path`` (twice when ``warm``: the first writes per-person one-time rows such as
    a read receipt and fills caches; the second is counted). Returns (response, Visit)."""
    if warm:
        client.get(path)
        _seen_just_now(client)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    sql = [q["sql"] for q in captured.captured_queries]
    return response, Visit(
        path=path,
        route="",
        status=response.status_code,
        queries=len(sql),
        writes=[s[:160] for s in sql if WRITE.match(s)],
        sql=sql,
    )


def _seen_just_now(client) -> None:
    """A signed-in person's session records when they were last seen once a minute
    (accounts/middleware.py TOUCH_EVERY), a write on whichever GET crosses the minute. The
    counted visit must not be that GET by chance — a slow crawl crossed it between the warm
    and the counted visit — so the session is marked seen now, outside the count."""
    if settings.SESSION_COOKIE_NAME not in client.cookies:
        return
    session = client.session
    if SEEN_AT in session:
        session[SEEN_AT] = int(time.time())
        session.save()


def links_of(response, host: str, path: str) -> list[str]:
    """Same-host paths (with their query strings) the response links to."""
    content_type = response.get("Content-Type", "")
    if "html" in content_type:
        parser = _Links()
        parser.feed(response.content.decode(errors="replace"))
        hrefs = parser.hrefs
    elif "json" in content_type:
        try:
            hrefs = _json_links(json.loads(response.content))
        except ValueError:
            return []
    else:
        return []
    found = []
    for href in hrefs:
        parts = urlsplit(urljoin(f"http://{host}{path}", href))
        if parts.hostname not in (host.split(":")[0], "testserver") or SKIP.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def api_lists(urlconf: str) -> list[str]:
    """Every API path under /api/v1/ that takes no argument (the lists, ``me``)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return sorted(
        "/" + route
        for route in walk(get_resolver(urlconf).url_patterns)
        if route.startswith("api/v1/")
        and "<" not in route
        and "(?P" not in route
        and not route.endswith("$")
    )


def crawl(
    client, host: str, starts: list[str], urlconf: str, *, limit: int = 400, skip_routes=()
) -> dict:
    """{route: Visit} for the pages reachable from ``starts`` on ``host`` (routes in
    ``skip_routes`` are followed for their links but not counted again)."""
    seen_routes: dict[str, Visit] = {}
    skipped: set[str] = set()
    queue = deque(starts)
    queued = set(starts)
    while queue and len(seen_routes) < limit:
        path = queue.popleft()
        route = route_of(urlsplit(path).path, urlconf)
        if route is None or route in seen_routes or route in skipped:
            continue
        if route in skip_routes:
            skipped.add(route)
            response = client.get(path)
        else:
            response, visit = measure(client, path)
            visit.route = route
            seen_routes[route] = visit
        if response.status_code != 200:
            continue
        for target in links_of(response, host, path):
            if target not in queued:
                queued.add(target)
                queue.append(target)
    return seen_routes
