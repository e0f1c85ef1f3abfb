"""One browser across the portal and every institution host.

In development (``*.localhost``) and on institutions' own domains, each host keeps its own
cookies, so a sign-in on the portal is not seen by ``culture.localhost`` by itself. Every
browser therefore gets a random *browser id* (cookie ``suite_browser``, HttpOnly, one
year), the same on every host: the portal hands it to an institution host through the
sign-in hop (a one-use nonce in the ticket, never the id in a URL). Each signed-in
session records the id's digest (``UserSession.browser``), which gives three things:

- signing out anywhere ends every session of that browser, on every host, at once;
- an institution host seeing a browser that is signed in on the portal signs it in too
  (no "로그인" link until clicked again);
- an anonymous visitor's language choice follows the browser (kept in the shared
  ``security`` cache under the digest).

Only digests are stored; the id itself lives in the browser's cookies alone.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.cache import caches

COOKIE = "suite_browser"
MAX_AGE = 365 * 24 * 3600
_NEW = "_suite_browser_new"
HOP_NONCE_SECONDS = 120
LANGUAGE_SECONDS = MAX_AGE


def _cache():
    # Shared by every process and host, keys without a schema (docs/privacy.md).
    return caches["security"]


def digest(browser: str) -> str:
    return hashlib.sha256(f"suite-browser:{browser}".encode()).hexdigest()


def _valid(value: str | None) -> bool:
    return bool(value) and 20 <= len(value or "") <= 64 and (value or "").isascii()


def current(request) -> str | None:
    """This request's browser id, if the browser has one (or was just given one)."""
    value = getattr(request, _NEW, None) or request.COOKIES.get(COOKIE)
    return value if _valid(value) else None


def ensure(request) -> str:
    """The browser id, made now (and set as a cookie on the response) when missing."""
    value = current(request)
    if value is None:
        value = secrets.token_urlsafe(32)
        setattr(request, _NEW, value)
    return value


def adopt(request, value: str) -> None:
    """Take the id the portal handed over (the sign-in hop) as this host's."""
    if _valid(value) and request.COOKIES.get(COOKIE) != value:
        setattr(request, _NEW, value)


def set_cookie(request, response) -> None:
    """Set the cookie when ``ensure``/``adopt`` gave this browser an id during the request."""
    value = getattr(request, _NEW, None)
    if value:
        response.set_cookie(
            COOKIE,
            value,
            max_age=MAX_AGE,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
        )


def hand_over(request) -> str:
    """A one-use nonce standing for this browser's id in a sign-in hop ticket."""
    nonce = secrets.token_urlsafe(24)
    _cache().set(f"browser-hop:{nonce}", ensure(request), HOP_NONCE_SECONDS)
    return nonce


def take_over(nonce: str) -> str | None:
    """The browser id a hop nonce stands for (once)."""
    if not nonce or len(nonce) > 64:
        return None
    key = f"browser-hop:{nonce}"
    value = _cache().get(key)
    _cache().delete(key)
    return value if _valid(value) else None


def remember_language(request, language: str) -> None:
    """An anonymous visitor's choice, for every host this browser visits."""
    _cache().set(f"browser-lang:{digest(ensure(request))}", language, LANGUAGE_SECONDS)


def language(request) -> str | None:
    browser = current(request)
    if browser is None:
        return None
    return _cache().get(f"browser-lang:{digest(browser)}")


class BrowserCookieMiddleware:
    """Sets the browser cookie on the response when the request gave the browser an id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        set_cookie(request, response)
        return response
