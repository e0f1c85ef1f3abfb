"""Session limits and the second factor, checked on every request of a signed-in person.

- Absolute lifetime (``SESSION_ABSOLUTE_SECONDS``, default 12 h) for everyone.
- Idle timeout (``SESSION_IDLE_SECONDS``, default 30 min) for staff and operators.
  Activity is written to the session at most once a minute, so a page view does not
  cost a session write.
- Two-factor: institution admins on their institution's staff pages (``/staff/``,
  ``/manage/``, any ``…/manage/…`` such as ``/facilities/manage/``, and its API by
  session) and platform operators on the console (and the platform API by session) are
  sent to enter a code, or to set up an authenticator first. Making an API token needs
  it from anyone who has or must have it.
"""

from __future__ import annotations

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import access, browser, mfa
from accounts.models import Membership, UserSession
from accounts.sessions import AUTH_AT, PRIVILEGED, SEEN_AT

STAFF_PREFIXES = ("/staff/", "/manage/", "/facilities/manage/", "/api/")
CONSOLE_PREFIXES = ("/console/", "/api/")
TOKEN_PREFIXES = ("/accounts/tokens/", "/api/tokens/", "/api/v1/tokens/")
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/privacy/", "/media/")
TOUCH_EVERY = 60


def _privileged(user) -> bool:
    return bool(
        user.is_superuser or Membership.objects.filter(user_id=user.pk, is_active=True).exists()
    )


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            response = self._limits(request, user) or self._second_factor(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _end(self, request, message: str):
        path = request.get_full_path()
        logout(request)
        if _is_api(request.path):
            from suite.middleware import error_response

            return error_response(request, 401, "session_expired", message, "errors/403.html")
        messages.info(request, message)
        return redirect(f"{reverse('accounts:login')}?next={quote(path)}")

    def _limits(self, request, user):
        session = request.session
        now = int(time.time())
        auth_at = session.get(AUTH_AT)
        if auth_at is None:  # signed in before these limits existed
            session[AUTH_AT] = auth_at = now
        absolute = int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", 12 * 3600))
        if now - auth_at > absolute:
            return self._end(
                request,
                _("로그인한 지 오래되어 안전을 위해 로그아웃했습니다. 다시 로그인해 주세요."),
            )
        seen = session.get(SEEN_AT) or now
        if PRIVILEGED not in session:
            session[PRIVILEGED] = _privileged(user)
        idle = int(getattr(settings, "SESSION_IDLE_SECONDS", 30 * 60))
        if session[PRIVILEGED] and now - seen > idle:
            minutes = max(1, idle // 60)
            return self._end(
                request,
                _(
                    "%(minutes)d분 동안 사용하지 않아 안전을 위해 로그아웃했습니다. 다시 로그인해 주세요."
                )
                % {"minutes": minutes},
            )
        if now - seen >= TOUCH_EVERY or SEEN_AT not in session:
            session[SEEN_AT] = now
            session[PRIVILEGED] = _privileged(user)
            if session.session_key:
                UserSession.objects.filter(session_key=session.session_key).update(
                    last_seen_at=_aware(now)
                )
        return None

    def _second_factor(self, request, user):
        if mfa.is_verified(request):
            return None
        path = request.path
        institution = getattr(request, "institution", None)
        if path.startswith(TOKEN_PREFIXES):
            # An API token outlives the session: whoever must (or chose to) use the second
            # factor gives it before making one, or a password alone would buy the API.
            needed = mfa.must_use_two_factor(user) or mfa.has_two_factor(user)
        elif path.startswith(OPEN_PREFIXES):
            return None
        elif institution is None:
            needed = user.is_superuser and path.startswith(CONSOLE_PREFIXES)
        else:
            staff_page = path.startswith(STAFF_PREFIXES) or "/manage/" in path
            needed = staff_page and access.is_institution_admin(user, institution)
        if not needed:
            return None
        if _is_api(path):
            from suite.middleware import error_response

            return error_response(
                request,
                403,
                "two_factor_required",
                _(
                    "2단계 인증을 마친 뒤에 이용할 수 있습니다. 브라우저에서 인증 코드를 입력해 주세요."
                ),
                "errors/403.html",
            )
        target = "accounts:mfa_verify" if mfa.has_two_factor(user) else "accounts:mfa_setup"
        return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")


def _aware(epoch: int):
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


# Paths the sign-in hop never interrupts: the hop itself, files, feeds, health, the API.
HOP_SKIP_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz", "/readyz", "/i18n/", "/api/")
HOP_TRIED = "suite_hop"  # set while a hop is under way: never two in a row (no loops)


def _is_page_navigation(request) -> bool:
    """A person's browser opening a page (not a script, an image, a feed reader or a load
    generator): Accept names HTML and, where the browser says so, a top-level navigation."""
    if request.method != "GET" or "text/html" not in request.META.get("HTTP_ACCEPT", ""):
        return False
    mode = request.META.get("HTTP_SEC_FETCH_MODE")
    destination = request.META.get("HTTP_SEC_FETCH_DEST")
    return mode in (None, "navigate") and destination in (None, "document")


class SignInHopMiddleware:
    """One sign-in and one sign-out across hosts that do not share cookies
    (``*.localhost`` in development, institutions' own domains).

    On an institution host, an anonymous page view:
    - of a browser this host knows (its browser cookie) that is signed in on the portal
      or another host joins that sign-in here at once (``sessions.joinable_session``);
    - of a browser this host has never seen is sent once through the portal's silent
      hop (``/accounts/sso/?prompt=none``), which comes back signed in — or just with the
      browser's id — and then to the page.
    Every response carries the browser cookie when the request gave the browser one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._hop(request)
        if response is None:
            response = self.get_response(request)
        browser.set_cookie(request, response)
        return response

    def _hop(self, request):
        institution = getattr(request, "institution", None)
        user = getattr(request, "user", None)
        if institution is None or user is None or user.is_authenticated:
            return None
        if request.method not in ("GET", "HEAD") or request.path.startswith(HOP_SKIP_PREFIXES):
            return None
        if browser.current(request):
            self._join(request)
            return None
        if not _is_page_navigation(request) or request.COOKIES.get(HOP_TRIED):
            return None
        from accounts.views import hop_url

        response = redirect(hop_url(request, request.get_full_path(), silent=True))
        # A browser refusing cookies would come back without one: try once a while only.
        response.set_cookie(HOP_TRIED, "1", max_age=300, httponly=True, samesite="Lax")
        return response

    def _join(self, request) -> None:
        from django.contrib.auth import login

        from accounts.sessions import joinable_session

        found = joinable_session(request)
        if found is None:
            return
        user, data = found
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # The same sign-in: its start (absolute limit) and its second factor carry over.
        if data.get(AUTH_AT):
            request.session[AUTH_AT] = data[AUTH_AT]
        if data.get(mfa.SESSION_KEY):
            mfa.mark_verified(request)
