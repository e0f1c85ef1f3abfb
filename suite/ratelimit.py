"""Rate limits for booking and application endpoints — web forms and the API alike.

One budget per account and one per IP address (``suite.net.client_ip``: behind trusted
proxies the client's address, a forged ``X-Forwarded-For`` buys nothing), shared by the
pages and the API: a person who spends theirs on the form has none left on the API.
Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` — ``booking`` (per account,
environment ``API_RATE_BOOKING``) and ``booking_ip`` (per IP, ``API_RATE_BOOKING_IP``) —
read on every call. Counters live in the ``throttle`` cache (api/throttling.py: keys
without a schema, so every institution host draws from the same budget), fixed windows.

The cache must be shared by every web process (``CACHE_URL``: redis, memcached or the
database). On redis and memcached the count is exact (atomic ``incr``); on the database
cache ``incr`` is read-then-write, so simultaneous requests may be counted as one — the
limit still holds within a few requests.

Answers: the API raises ``Throttled`` (429, the one error shape, ``Retry-After``); a
form shows ``form_message(wait)`` (Korean, with the time to wait) and answers 429 with
``Retry-After``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rest_framework import throttling
from rest_framework.settings import api_settings

from api.throttling import throttle_cache
from suite.net import client_ip

PER_ACCOUNT = "booking"
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


def _hit(key: str, limit: int, window: int, now: float) -> Refusal | None:
    """Count one request in ``key``'s current window; a Refusal when it is over."""
    cache = throttle_cache()
    slot = int(now // window)
    full = f"rl:{key}:{slot}"
    if cache.add(full, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(full)
        except ValueError:  # expired between add and incr
            cache.add(full, 1, timeout=window + 1)
            count = 1
    if count > limit:
        return Refusal(key.split(":", 1)[0], max(1, math.ceil((slot + 1) * window - now)))
    return None


def check(request, *, action: str = "booking") -> Refusal | None:
    """Count one booking/application write by this account and from this IP; a Refusal
    (the longer wait) when either budget is spent. ``request`` is Django's or DRF's."""
    now = time.time()
    refusals = []
    user = getattr(request, "user", None)
    account = rate_of(PER_ACCOUNT)
    if account and user is not None and getattr(user, "is_authenticated", False):
        refusals.append(_hit(f"{PER_ACCOUNT}:{action}:u{user.pk}", *account, now))
    per_ip = rate_of(PER_IP)
    if per_ip:
        refusals.append(_hit(f"{PER_IP}:{action}:{client_ip(request) or 'unknown'}", *per_ip, now))
    refused = [r for r in refusals if r is not None]
    return max(refused, key=lambda r: r.wait) if refused else None


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
        self.refusal = check(request, action=self.action)
        return self.refusal is None

    def wait(self) -> float | None:
        return float(self.refusal.wait) if self.refusal else None
