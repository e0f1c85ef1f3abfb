"""Rate limits for booking and application endpoints — web forms and the API alike.

One budget per account and one per IP address (``suite.net.client_ip``: behind trusted
proxies the client's address, a forged ``X-Forwarded-For`` buys nothing), shared by the
pages and the API: a person who spends theirs on the form has none left on the API.
Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` — ``booking`` (per account,
environment ``API_RATE_BOOKING``) and ``booking_ip`` (per IP, ``API_RATE_BOOKING_IP``) —
read on every call. Counters live in the ``throttle`` cache (api/throttling.py: keys
without a schema, so every institution host draws from the same budget), fixed windows.

The cache must be shared by every web process (``CACHE_URL``: redis, memcached or the
database). The count is exact everywhere: atomic ``incr`` on redis and memcached, one
atomic ``INSERT … ON CONFLICT`` in the database cache's table (see ``_count_database``).

Answers: the API raises ``Throttled`` (429, the one error shape, ``Retry-After``); a
form shows ``form_message(wait)`` (Korean, with the time to wait) and answers 429 with
``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.translation import gettext as _
from rest_framework import throttling
from rest_framework.settings import api_settings

from api.throttling import throttle_cache
from suite.net import client_ip

PER_ACCOUNT = "booking"
# The WSGI environment's key for a booking request the waiting room's lane counted
# already (facility_booking/booking_lane.py): its Refusal or None. Set by the server
# side only — a client's headers arrive as HTTP_* keys and cannot name it.
LANE_COUNTED = "suite.ratelimit.counted"
PER_IP = "booking_ip"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """ "60/min" → (60, 60); None or "" → no limit."""
    if not rate:
        return None
    count, _sep, period = rate.partition("/")
    return int(count), _UNITS[period.strip()[:1].lower()]


def rate_of(scope: str) -> tuple[int, int] | None:
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    return parse_rate(rate if isinstance(rate, str) else None)


@dataclass(frozen=True)
class Refusal:
    """Over a limit: ``wait`` whole seconds until the window that refused ends."""

    scope: str
    wait: int


def _window(key: str, window: int, now: float) -> tuple[str, float]:
    """The key of ``key``'s current fixed window and when that window ends."""
    slot = int(now // window)
    return f"rl:{key}:{slot}", (slot + 1) * window


def _count_cache(cache, keys: list[tuple[str, int]]) -> list[int]:
    """Count one hit in each (key, timeout) with add + incr: atomic on redis, memcached
    and the in-process cache."""
    counts = []
    for key, timeout in keys:
        if cache.add(key, 1, timeout=timeout):
            counts.append(1)
            continue
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=timeout)
            counts.append(1)
    return counts


def _count_database(cache: DatabaseCache, keys: list[tuple[str, int]], now: float) -> list[int]:
    """The database cache: one ``INSERT … ON CONFLICT DO UPDATE`` counts every bucket at
    once, atomically, in the cache's own table. (Django's ``incr`` there is a read and a
    write — not atomic across processes — and each write also counts the table: five
    round trips a bucket.) The counters are plain integers that only this module reads;
    their keys have the cache's prefix and expire with their window."""
    if not keys:
        return []
    connection = connections[router.db_for_write(cache.cache_model_class)]
    sql, params, full = _upsert(cache, keys, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = dict(cursor.fetchall())
    return [int(counted.get(key, 1)) for key in full]


def _upsert(cache: DatabaseCache, keys: list[tuple[str, int]], now: float):
    """The counting statement of ``_count_database``: (sql, params, full keys); it
    returns ``cache_key, hits`` for each bucket."""
    full = [cache.make_and_validate_key(key) for key, _timeout in keys]
    connection = connections[router.db_for_write(cache.cache_model_class)]
    table = connection.ops.quote_name(getattr(cache, "_table"))  # noqa: B009 - no public name
    rows = ", ".join(["(%s, '1', %s)"] * len(keys))
    params: list = []
    for key, (_key, timeout) in zip(full, keys, strict=True):
        params += [key, dt.datetime.fromtimestamp(now + timeout, tz=dt.UTC)]
    sql = (
        f"INSERT INTO {table} (cache_key, value, expires) VALUES {rows} "  # noqa: S608 - our table name
        f"ON CONFLICT (cache_key) DO UPDATE SET value = CASE "
        f"WHEN {table}.value ~ '^[0-9]{{1,9}}$' THEN ({table}.value::integer + 1)::text "
        f"ELSE '1' END RETURNING cache_key, value::integer AS hits"
    )
    return sql, params, full


def _hits(buckets: list[tuple[str, str, int, int]], now: float) -> list[Refusal]:
    """Count one request in each (scope, key, limit, window); the refusals."""
    cache = throttle_cache()
    keys, ends = [], []
    for _scope, key, _limit, window in buckets:
        full, end = _window(key, window, now)
        keys.append((full, window + 1))
        ends.append(end)
    if isinstance(cache, DatabaseCache):
        counts = _count_database(cache, keys, now)
    else:
        counts = _count_cache(cache, keys)
    return [
        Refusal(scope, max(1, math.ceil(end - now)))
        for (scope, _key, limit, _window_s), count, end in zip(buckets, counts, ends, strict=True)
        if count > limit
    ]


def check(
    request,
    *,
    action: str = "booking",
    account_scope: str = PER_ACCOUNT,
    ip_scope: str | None = PER_IP,
) -> Refusal | None:
    """Count one booking/application write by this account and from this IP; a Refusal
    (the longer wait) when either budget is spent. ``request`` is Django's or DRF's.
    Other scopes of DEFAULT_THROTTLE_RATES may be named (``ip_scope=None``: no IP budget)."""
    now = time.time()
    refused = _hits(_buckets(request, action, account_scope, ip_scope), now)
    return max(refused, key=lambda r: r.wait) if refused else None


def _buckets(request, action: str, account_scope: str, ip_scope: str | None):
    """The (scope, key, limit, window) budgets one request of ``action`` counts against."""
    buckets = []
    user = getattr(request, "user", None)
    account = rate_of(account_scope)
    if account and user is not None and getattr(user, "is_authenticated", False):
        buckets.append((account_scope, f"{account_scope}:{action}:u{user.pk}", *account))
    per_ip = rate_of(ip_scope) if ip_scope else None
    if per_ip and ip_scope:
        ip = client_ip(request) or "unknown"
        buckets.append((ip_scope, f"{ip_scope}:{action}:{ip}", *per_ip))
    return buckets


@dataclass(frozen=True)
class PendingCount:
    """``check()`` as a part of the caller's own statement: ``sql`` is an ``INSERT …
    RETURNING cache_key, hits`` fit for a WITH clause, so that counting costs no round
    trip of its own (the waiting room's join, ``waiting_room.place_join_counted``: the
    count, the token's use and the place in one statement). ``refusal`` reads the
    counts it returned."""

    sql: str
    params: tuple
    limits: tuple[tuple[str, str, int, float], ...]  # (scope, full key, limit, window end)
    now: float

    def refusal(self, counts: dict[str, int]) -> Refusal | None:
        refused = [
            Refusal(scope, max(1, math.ceil(end - self.now)))
            for scope, key, limit, end in self.limits
            if int(counts.get(key, 1)) > limit
        ]
        return max(refused, key=lambda r: r.wait) if refused else None


def pending_count(
    request,
    *,
    action: str = "booking",
    account_scope: str = PER_ACCOUNT,
    ip_scope: str | None = PER_IP,
) -> PendingCount | None:
    """The count ``check()`` would make, as a statement part; None when the throttle
    cache is not the database's or no budget applies (then call ``check()``)."""
    cache = throttle_cache()
    buckets = _buckets(request, action, account_scope, ip_scope)
    if not buckets or not isinstance(cache, DatabaseCache):
        return None
    now = time.time()
    keys, limits = [], []
    for scope, key, limit, window in buckets:
        full, end = _window(key, window, now)
        keys.append((full, window + 1))
        limits.append((scope, limit, end))
    sql, params, full_keys = _upsert(cache, keys, now)
    return PendingCount(
        sql=sql,
        params=tuple(params),
        limits=tuple(
            (scope, key, limit, end)
            for (scope, limit, end), key in zip(limits, full_keys, strict=True)
        ),
        now=now,
    )


def form_message(refusal: Refusal) -> str:
    """The Korean line a form shows above its fields, with the time to wait."""
    if refusal.wait >= 120:
        wait = _("%(minutes)d분") % {"minutes": -(-refusal.wait // 60)}
    else:
        wait = _("%(seconds)d초") % {"seconds": refusal.wait}
    return _(
        "신청이 너무 잦습니다. %(wait)s 후에 다시 시도해 주세요. (계정·접속 주소별 신청 횟수 제한)"
    ) % {"wait": wait}


def retry_headers(response, refusal: Refusal):
    response.status_code = 429
    response["Retry-After"] = str(refusal.wait)
    return response


class BookingWriteThrottle(throttling.BaseThrottle):
    """DRF: the same budgets on API writes (POST/PUT/PATCH/DELETE only)."""

    action = "booking"

    def __init__(self) -> None:
        self.refusal: Refusal | None = None

    def allow_request(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if LANE_COUNTED in request.META:  # counted in front of Django (booking_lane)
            self.refusal = request.META[LANE_COUNTED]
        else:
            self.refusal = check(request, action=self.action)
        return self.refusal is None

    def wait(self) -> float | None:
        return float(self.refusal.wait) if self.refusal else None
