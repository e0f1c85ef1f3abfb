"""Signed-in browsers: recorded at sign-in, listed on 내 정보, ended one by one or all."""

from __future__ import annotations

from django.contrib.auth import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from accounts import browser
from accounts.models import Membership, User, UserSession
from suite.net import client_ip

# When the session was signed into, and the last activity (epoch seconds), for the idle
# and absolute limits (accounts.middleware).
AUTH_AT = "auth_at"
SEEN_AT = "seen_at"
PRIVILEGED = "privileged"


@receiver(user_logged_in)
def _remember_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    request.session[AUTH_AT] = int(now.timestamp())
    request.session[SEEN_AT] = int(now.timestamp())
    # Staff or operator (idle limit applies): decided here so pages need no query for it.
    request.session[PRIVILEGED] = bool(
        user.is_superuser or Membership.objects.filter(user_id=user.pk, is_active=True).exists()
    )
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "browser": browser.digest(browser.ensure(request)),
            "user": user,
            "host": request.get_host()[:200] if request.META.get("HTTP_HOST") else "",
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "last_seen_at": now,
        },
    )
    if user.dormant_notified_at is not None:
        User.objects.filter(pk=user.pk).update(dormant_notified_at=None)
    _adopt_language(request, user)


def _adopt_language(request, user) -> None:
    """Signing in on the portal: a language the visitor chose in this browser before
    becomes the account's (it then follows the person to every host and device)."""
    from django.conf import settings

    if getattr(request, "institution", None) is not None:
        return  # a hop or a join: the account's choice stands
    chosen = browser.language(request) or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    supported = {code for code, _name in settings.LANGUAGES}
    if chosen in supported and chosen != user.preferred_language:
        User.objects.filter(pk=user.pk).update(preferred_language=chosen)
        user.preferred_language = chosen


@receiver(user_logged_out)
def _forget_session(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def active_sessions(user) -> list[UserSession]:
    """The person's browsers whose session is still alive, newest activity first."""
    rows = list(UserSession.objects.filter(user=user))
    alive = set(
        Session.objects.filter(
            session_key__in=[r.session_key for r in rows], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    dead = [r.pk for r in rows if r.session_key not in alive]
    if dead:
        UserSession.objects.filter(pk__in=dead).delete()
    return [r for r in rows if r.session_key in alive]


@transaction.atomic
def session_end(*, user, pk: int) -> bool:
    row = UserSession.objects.filter(user=user, pk=pk).first()
    if row is None:
        return False
    Session.objects.filter(session_key=row.session_key).delete()
    row.delete()
    return True


@transaction.atomic
def sessions_end_all(*, user, keep_key: str | None = None) -> int:
    """End every session of the person (except ``keep_key``), tracked or not.

    Raising ``session_version`` changes the session hash, so even a session this table
    never saw (signed in before it existed) is refused at its next request.
    """
    rows = UserSession.objects.filter(user=user).exclude(session_key=keep_key or "")
    keys = list(rows.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    rows.delete()
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    return len(keys)


@transaction.atomic
def browser_sign_out(request) -> int:
    """Sign this browser out everywhere: every session it holds on the portal and on every
    institution host (whoever they belong to), then this one. Returns how many ended
    besides this one."""
    from django.contrib.auth import logout

    current = browser.current(request)
    ended = 0
    if current:
        rows = UserSession.objects.filter(browser=browser.digest(current)).exclude(
            session_key=request.session.session_key or ""
        )
        keys = list(rows.values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        rows.delete()
        ended = len(keys)
    logout(request)
    return ended


def joinable_session(request):
    """(user, session data) of a live sign-in of this browser on another host — the
    portal, usually — that this host may join, or None.

    Live means: the session row exists and is not expired, it belongs to an active person
    whose password and session version are unchanged, and it is within the absolute and
    (for staff) idle limits.
    """
    import time

    from django.conf import settings
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import constant_time_compare

    current = browser.current(request)
    if current is None:
        return None
    rows = list(
        UserSession.objects.filter(browser=browser.digest(current))
        .select_related("user")
        .order_by("-last_seen_at")[:5]
    )
    now = int(time.time())
    absolute = int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", 12 * 3600))
    idle = int(getattr(settings, "SESSION_IDLE_SECONDS", 30 * 60))
    alive = {
        s.session_key: s
        for s in Session.objects.filter(
            session_key__in=[r.session_key for r in rows], expire_date__gt=timezone.now()
        )
    }
    for row in rows:
        session = alive.get(row.session_key)
        data = session.get_decoded() if session is not None else {}
        user = row.user
        if not data or not user.is_active or data.get(SESSION_KEY) != str(user.pk):
            continue
        if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
            continue
        if now - int(data.get(AUTH_AT) or now) > absolute:
            continue
        if data.get(PRIVILEGED) and now - int(data.get(SEEN_AT) or now) > idle:
            continue
        return user, data
    return None


def describe_agent(user_agent: str) -> str:
    """ "Chrome · Windows" from a User-Agent header, good enough to recognise a device."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("Whale/", "Whale"),
                ("SamsungBrowser", "Samsung Internet"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        "",
    )
    system = next(
        (
            name
            for token, name in (
                ("Windows", "Windows"),
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Mac OS X", "macOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    return " · ".join(p for p in (browser, system) if p) or (ua[:60] or "-")
