"""Log-in throttling that holds across hosts and processes.

Failed attempts are counted per account (e-mail) and per client IP (suite.net.client_ip,
honouring the trusted proxy count) in the ``security`` cache — shared by every process
and host (PostgreSQL by default, Redis in production), keys without a schema. Reaching a
limit locks that account or IP for ``LOGIN_LOCKOUT_SECONDS``; the person is told how long
to wait. Successful sign-ins do not count, so a crowd signing in from one office address
is not locked out by its own successes.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import caches

CACHE_ALIAS = "security"


def _cache():
    return caches[CACHE_ALIAS if CACHE_ALIAS in settings.CACHES else "default"]


def _key(kind: str, value: str, what: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:40]
    return f"auth:{what}:{kind}:{digest}"


def _limits(scope: str) -> list[tuple[str, int]]:
    account = int(getattr(settings, "LOGIN_RATE_LIMIT", 10))
    per_ip = int(getattr(settings, "LOGIN_IP_RATE_LIMIT", 50))
    return [("account", account), ("ip", per_ip)] if scope == "login" else [("account", 5)]


def _identities(scope: str, account: str, ip: str | None) -> list[tuple[str, str, int]]:
    limits = dict(_limits(scope))
    out = [(f"{scope}-account", account, limits["account"])]
    if "ip" in limits and ip:
        out.append((f"{scope}-ip", ip, limits["ip"]))
    return out


def wait_seconds(*, scope: str = "login", account: str, ip: str | None) -> int:
    """Seconds until the account or IP may try again (0: not locked)."""
    cache = _cache()
    now = time.time()
    waits = [0.0]
    for kind, value, _limit in _identities(scope, account, ip):
        unlock_at = cache.get(_key(kind, value, "lock"))
        if unlock_at:
            waits.append(float(unlock_at) - now)
    return max(0, math.ceil(max(waits)))


def register_failure(*, scope: str = "login", account: str, ip: str | None) -> int:
    """Count one failed attempt; returns the wait in seconds if this locked something."""
    cache = _cache()
    window = int(getattr(settings, "LOGIN_RATE_WINDOW", 900))
    lockout = int(getattr(settings, "LOGIN_LOCKOUT_SECONDS", 900))
    locked = 0
    for kind, value, limit in _identities(scope, account, ip):
        key = _key(kind, value, "fails")
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        if count >= limit:
            cache.set(_key(kind, value, "lock"), time.time() + lockout, timeout=lockout)
            cache.delete(key)
            locked = lockout
    return locked


def register_success(*, scope: str = "login", account: str) -> None:
    """A correct password (or code) clears the account's count, never the IP's."""
    _cache().delete(_key(f"{scope}-account", account, "fails"))


def wait_message(seconds: int) -> str:
    from django.utils.translation import gettext as _

    minutes = max(1, math.ceil(seconds / 60))
    return _("로그인 시도가 너무 많아 잠시 잠겼습니다. %(minutes)d분 후에 다시 시도해 주세요.") % {
        "minutes": minutes
    }
