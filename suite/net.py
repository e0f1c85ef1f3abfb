"""The caller's network address — one rule for the API, the log-in form and the audit log.

Behind ``REST_FRAMEWORK["NUM_PROXIES"]`` trusted proxies (environment variable
``API_NUM_PROXIES``) the client is the address that many hops from the right of
``X-Forwarded-For`` (each trusted proxy appends the address it saw); with no trusted
proxy the header is ignored, so a forged header never buys a fresh rate-limit budget.
The setting is read on every call, so a settings override takes effect at once.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def trusted_proxy_count() -> int:
    """How many proxies in front of the app append to X-Forwarded-For (0: trust none)."""
    rest = getattr(settings, "REST_FRAMEWORK", None) or {}
    return int(rest.get("NUM_PROXIES") or 0)


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The caller's IP address, or None when the request carries none that is valid.

    ``request`` may be a Django HttpRequest or a DRF Request (both expose ``META``).
    A malformed hop (which only a misconfigured proxy count lets through) falls back
    to REMOTE_ADDR, so the value always fits a GenericIPAddressField.
    """
    meta = request.META
    remote = _valid_ip(meta.get("REMOTE_ADDR"))
    proxies = trusted_proxy_count()
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if forwarded and proxies:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return _valid_ip(hops[-min(proxies, len(hops))]) or remote
    return remote
