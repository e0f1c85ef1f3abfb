"""Signed-in browsers: recorded at sign-in, listed on 내 정보, ended one by one or all."""

from __future__ import annotations

from django.contrib.auth import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

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
            "user": user,
            "host": request.get_host()[:200] if request.META.get("HTTP_HOST") else "",
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "last_seen_at": now,
        },
    )
    if user.dormant_notified_at is not None:
        User.objects.filter(pk=user.pk).update(dormant_notified_at=None)


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
