"""The waiting room's fast lane: joining the line and asking where you stand over the
API, answered in front of Django (a WSGI layer around the suite's application,
suite/wsgi.py), without the middleware stack, a session or DRF.

Why: in an opening rush everybody joins at once and then polls; through the full stack
each of those paid for every middleware, a session, DRF and several statements before
the room could answer, and the line took seconds to hand out places (docs/performance.md,
"Opening rush"). Here:

- ``GET /api/v1/facilities/<id>/queue/?place=<token>`` with ``Authorization: Bearer …``
  is answered from the room's per-process snapshot (``waiting_room.room_state``: at most
  one read a second per process) and the signed place token alone — **no database** —
  when the token is genuine, recent (``TOKEN_MAX_AGE``), of this institution's schema
  (the salt), this facility and room and its current opening, and was issued to the same
  credential (``b``: a keyed hash of the bearer token). Polls are counted per credential
  in the process (``POLLS_PER_MINUTE``): past that the request goes to Django, whose
  throttle counts in the shared cache.
- ``POST /api/v1/facilities/<id>/queue/`` (no body) with a bearer token: the token is
  checked as the API checks it (``api.tokens.token_lookup``, scope), then its use, the
  count against the shared ``queue`` rate limit (suite/ratelimit.py) and the place are
  one statement (``waiting_room.place_join_counted``; with a shared cache other than
  the database's, one transaction of the three).

Anything else — another path or method, a body, no bearer token, a token that fails any
check, an unknown, suspended or archived institution, a facility not public and active,
no room running, a refusal of the rate limit, a database error — is passed to Django
unchanged, which answers it as before (401, 404, 429, 503 …). So the lane can only ever
answer what the API would have answered, faster; tests/facility_booking/
test_waiting_room_lane.py holds the two to the same answers.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, connection, transaction
from django.utils import timezone

from facility_booking import booking_lane
from facility_booking import waiting_room as wr

PATH = re.compile(r"/api/v1/facilities/([1-9][0-9]{0,17})/queue/")
HOST_MEMO_SECONDS = 2.0  # how long a process trusts its host → institution answer
POLLS_PER_MINUTE = 120  # per credential and process; beyond, Django's shared throttle
MAX_QUERY = 1024

StartResponse = Callable[..., object]


class _Shim:
    """What suite.ratelimit.check reads of a request: META and the user."""

    def __init__(self, environ: dict, user) -> None:
        self.META = environ
        self.user = user


_hosts: dict[str, tuple[float, object]] = {}
_polls: dict[str, int] = {}
_poll_minute = [0]


def _institution(hostname: str):
    """The active institution on ``hostname`` (in-process memo over tenants.hosts)."""
    from tenants.hosts import institution_for_host
    from tenants.models import Institution

    clock = time.monotonic()
    hit = _hosts.get(hostname)
    if hit is not None and clock - hit[0] < HOST_MEMO_SECONDS:
        institution = hit[1]
    else:
        institution = institution_for_host(hostname)
        if len(_hosts) > 10000:
            _hosts.clear()
        _hosts[hostname] = (clock, institution)
    if institution is None or institution.status != Institution.Status.ACTIVE:
        return None
    return institution


def _hostname(environ: dict) -> str:
    host = environ.get("HTTP_HOST") or ""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.lower()
    return name[4:] if name.startswith("www.") else name


def _secure(environ: dict) -> bool:
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header and environ.get(header[0]) == header[1]:
        return True
    return environ.get("wsgi.url_scheme") == "https"


def _poll_allowed(binding: str) -> bool:
    minute = int(time.monotonic() // 60)
    if _poll_minute[0] != minute:
        _poll_minute[0] = minute
        _polls.clear()
    count = _polls.get(binding, 0) + 1
    _polls[binding] = count
    return count <= POLLS_PER_MINUTE


_fixed: list[tuple[str, str]] = []


def _headers(poll_after: int, secure: bool) -> list[tuple[str, str]]:
    if not _fixed:
        _fixed[:] = _fixed_headers()  # one assignment: threads never see half of it
    headers = list(_fixed)
    if poll_after:
        headers.append(("Retry-After", str(poll_after)))
    hsts = int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0)
    if secure and hsts:
        value = f"max-age={hsts}"
        if getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
            value += "; includeSubDomains"
        if getattr(settings, "SECURE_HSTS_PRELOAD", False):
            value += "; preload"
        headers.append(("Strict-Transport-Security", value))
    return headers


def _fixed_headers() -> list[tuple[str, str]]:
    """The headers every answer carries (as the API's: accounts.security and the rest)."""
    from accounts.security import PERMISSIONS_POLICY, build_policy

    return [
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-store"),
        ("Vary", "Authorization"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", build_policy()),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("X-Queue-Lane", "1"),
    ]


def answer(environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """The lane's answer to a request, or None: Django answers it."""
    method = environ.get("REQUEST_METHOD")
    if method not in ("GET", "POST"):
        return None
    match = PATH.fullmatch(environ.get("PATH_INFO") or "")
    if match is None:
        return None
    query = environ.get("QUERY_STRING") or ""
    if len(query) > MAX_QUERY or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
        return None
    secure = _secure(environ)
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and not secure:
        return None  # Django redirects to https
    authorization = environ.get("HTTP_AUTHORIZATION") or ""
    binding = wr.credential_binding(authorization)
    if not binding:
        return None  # sessions, other schemes, none: the full stack
    institution = _institution(_hostname(environ))
    if institution is None:
        return None
    from suite.middleware import use_institution_schema

    use_institution_schema(institution)
    facility_id = int(match.group(1))
    now = timezone.now()
    state = wr.room_state(facility_id, now=now)
    if state is None or not state.active(now) or not state.open_to_all:
        return None
    schema = institution.schema_name
    if method == "GET":
        token = (parse_qs(query).get("place") or [""])[0]
        noted = wr.read_token(token, state, schema=schema)
        if noted is None or noted.binding != binding or not _poll_allowed(binding):
            return None
        return _respond(200, state, noted.user_id, noted.place, binding, schema, now, secure)
    return _join(environ, authorization, binding, institution, state, now, secure)


def _join(environ, authorization, binding, institution, state, now, secure):
    from api.tokens import token_lookup, token_touch, token_touch_sql
    from suite import ratelimit
    from suite.net import client_ip

    token = token_lookup(authorization[7:].strip())
    if token is None or (
        token.institution_id is not None and token.institution_id != institution.pk
    ):
        return None
    shim = _Shim(environ, token.user)
    schema = institution.schema_name
    if state.sold_out:
        token_touch(token, ip_address=client_ip(shim))
        return _respond(200, state, token.user_id, None, binding, schema, now, secure)
    count = ratelimit.pending_count(shim, action="queue")
    try:
        if count is not None:
            # The token's use, the rate limit's count and the place: one statement.
            touch = token_touch_sql(token, ip_address=client_ip(shim), now=timezone.now())
            joined = wr.place_join_counted(
                user=token.user, state=state, count=count, touch=touch, now=now
            )
        else:  # a shared cache other than the database's: one transaction, one commit
            with transaction.atomic():
                token_touch(token, ip_address=client_ip(shim))
                if ratelimit.check(shim, action="queue") is not None:
                    return None  # Django counts again and answers 429 with the wait
                joined = wr.place_join(user=token.user, state=state, now=now)
    except ValidationError:
        return None
    if not isinstance(joined, tuple):
        return None  # over the limit: Django counts again and answers 429 with the wait
    place, created = joined
    return _respond(
        201 if created else 200, state, token.user_id, place, binding, schema, now, secure
    )


def _respond(status, state, user_id, place, binding, schema, now, secure):
    standing = wr.standing(state, place, now)
    body = standing.as_dict()
    body["place"] = (
        wr.place_token(state, user_id, place, binding=binding, schema=schema) if place else ""
    )
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = _headers(standing.poll_after, secure)
    headers.append(("Content-Length", str(len(data))))
    return f"{status} {'Created' if status == 201 else 'OK'}", headers, data


_REASONS = {200: "OK", 201: "Created", 403: "Forbidden", 409: "Conflict"}


def json_answer(status: int, body: dict, *, secure: bool, language: str):
    """An answer of the lane in the API's JSON, with the API's headers."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    headers = _headers(0, secure)
    headers += [("Content-Language", language), ("Content-Length", str(len(data)))]
    return f"{status} {_REASONS[status]}", headers, data


class QueueLane:
    """WSGI: the waiting room's join and poll in front of ``application``."""

    def __init__(self, application: Callable[[dict, StartResponse], Iterable[bytes]]):
        self.application = application

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or ""
        queue = path.endswith("/queue/") and path.startswith("/api/v1/facilities/")
        if queue or path == booking_lane.PATH:
            try:
                answered = answer(environ) if queue else booking_lane.answer(environ)
            except (DatabaseError, InterfaceError):
                # A broken or dropped connection: let Django take a fresh one and answer
                # (503 from suite.outage when the database is down).
                connection.close()
                answered = None
            if answered is not None:
                status, headers, data = answered
                start_response(status, headers)
                return [data]
        return self.application(environ, start_response)
