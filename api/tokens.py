"""Personal API tokens: create, list, revoke, authenticate. The one write path for ApiToken.

A token looks like ``acs_<prefix>_<secret>``: ``acs_`` marks it for secret scanners,
``prefix`` (10 characters) finds the row, and the SHA-256 of the whole string is
compared in constant time. The plain token exists only in the creation response.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from api.models import ApiToken
from suite import queries

TOKEN_KIND = "acs"
PREFIX_LENGTH = 10
SECRET_BYTES = 32
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token, so a busy token costs one
# UPDATE a minute, not one per request.
TOUCH_INTERVAL = timedelta(seconds=60)
EXPIRY_CHOICES_DAYS = (30, 90, 365)

_PREFIX_ALPHABET = string.ascii_lowercase + string.digits


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    return prefix, f"{TOKEN_KIND}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def split_token(raw: str) -> str | None:
    """The prefix of a well-formed token string, else None."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_KIND or len(parts[1]) != PREFIX_LENGTH:
        return None
    if not parts[2] or any(c not in _PREFIX_ALPHABET for c in parts[1]):
        return None
    return parts[1]


def tokens_for(user):
    """The person's tokens for the profile page: usable ones first, newest first."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return (
        ApiToken.objects.filter(user=user)
        .select_related("institution")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at")
    )


def token_for_user(*, user, token_id, institution=None) -> ApiToken:
    """The person's own token, or 404 — the same for "no such token" and "not yours".

    With ``institution`` (the caller used a token scoped to it), only tokens of that
    scope are visible.
    """
    queryset = ApiToken.objects.filter(user=user)
    if institution is not None:
        queryset = queryset.filter(institution=institution)
    try:
        return queryset.select_related("institution").get(pk=int(token_id))
    except (ApiToken.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def _audit(token: ApiToken, *, action: str, summary: str, actor) -> None:
    """Tokens scoped to an institution leave a row in that institution's audit log."""
    if token.institution_id is None:
        return
    from institution.audit import audit_record

    with schema_context(token.institution.schema_name):
        audit_record(
            actor=actor,
            action=action,
            summary=summary,
            target=token,
            data={"prefix": token.display_prefix, "name": token.name},
        )


def token_create(
    *, user, name: str, institution=None, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the plain token (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("토큰 이름을 입력해 주세요.")})
    if len(name) > 60:
        raise ValidationError({"name": _("토큰 이름은 60자 이내로 입력해 주세요.")})
    if expires_in_days is not None and expires_in_days not in EXPIRY_CHOICES_DAYS:
        raise ValidationError({"expires_in_days": _("만료 기간을 목록에서 골라 주세요.")})
    if institution is not None and not institution.is_active:
        raise ValidationError({"institution": _("운영 중인 기관만 고를 수 있습니다.")})
    now = timezone.now()
    with transaction.atomic():
        # One person's creations are serialised so the cap cannot be raced past.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(
            expires_at__lte=now
        )
        if active.count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _(
                    "사용 중인 토큰은 %(max)d개까지 만들 수 있습니다. 쓰지 않는 토큰을 폐기해 주세요."
                )
                % {"max": MAX_ACTIVE_TOKENS}
            )
        for _attempt in range(5):
            prefix, raw = _new_secret()
            try:
                with transaction.atomic():
                    token = ApiToken.objects.create(
                        user=user,
                        name=name,
                        prefix=prefix,
                        token_hash=hash_token(raw),
                        institution=institution,
                        created_at=now,
                        expires_at=now + timedelta(days=expires_in_days)
                        if expires_in_days
                        else None,
                    )
                break
            except IntegrityError:  # a prefix collision: draw again
                continue
        else:  # pragma: no cover - 36^10 prefixes
            raise RuntimeError("could not draw a unique token prefix")
        _audit(
            token,
            action="api_token.create",
            summary=_("API 토큰 '%(name)s'을(를) 만들었습니다.") % {"name": name},
            actor=user,
        )
    return token, raw


def token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Revoke the person's token (idempotent: a revoked token stays as it was)."""
    if token.user_id != user.pk:
        raise Http404
    with transaction.atomic():
        locked = (
            ApiToken.objects.select_for_update(of=("self",))
            .select_related("institution")
            .get(pk=token.pk)
        )
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            _audit(
                locked,
                action="api_token.revoke",
                summary=_("API 토큰 '%(name)s'을(를) 폐기했습니다.") % {"name": locked.name},
                actor=user,
            )
    return locked


def token_lookup(raw: str) -> ApiToken | None:
    """The usable token for a presented string, or None (unknown, revoked, expired, inactive user)."""
    prefix = split_token(raw)
    if prefix is None:
        return None
    token = _token_with_user(prefix)
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(raw)):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    return token


def _token_with_user(prefix: str) -> ApiToken | None:
    """The token of this prefix and its person, in one statement of constant SQL (every
    API request asks: the ORM would compile the join anew each time). Its institution is
    read only if asked for (a scoped token used on another host)."""
    user_model = get_user_model()
    connection = connections[router.db_for_read(ApiToken)]
    sql = _TOKEN_SQL.get(connection.alias)
    if sql is None:
        sql = _TOKEN_SQL[connection.alias] = (
            f"SELECT {queries.columns(ApiToken, 't')}, {queries.columns(user_model, 'u')} "  # noqa: S608 - model names only
            f'FROM "{ApiToken._meta.db_table}" t JOIN "{user_model._meta.db_table}" u '
            f'ON u."{user_model._meta.pk.column}" = t."{ApiToken._meta.get_field("user").column}" '
            f'WHERE t."{ApiToken._meta.get_field("prefix").column}" = %s'
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    token = queries.from_row(ApiToken, row, 0, connection)
    token._state.fields_cache["user"] = queries.from_row(
        user_model, row, queries.width(ApiToken), connection
    )
    return token


_TOKEN_SQL: dict[str, str] = {}


def token_touch_sql(token: ApiToken, *, ip_address: str | None, now) -> tuple[str, list] | None:
    """``token_touch`` as an ``UPDATE`` for a statement of the caller's own (a WITH part,
    so noting the use costs no round trip: the waiting room's join), or None when the
    use was noted within TOUCH_INTERVAL. Notes the use on ``token`` too."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return None
    meta = ApiToken._meta
    used_at = meta.get_field("last_used_at").column
    used_ip = meta.get_field("last_used_ip").column
    sql = (
        f'UPDATE "{meta.db_table}" SET "{used_at}" = %s, "{used_ip}" = %s '  # noqa: S608 - model names only
        f'WHERE "{meta.pk.column}" = %s AND ("{used_at}" IS NULL OR "{used_at}" < %s) '
        "RETURNING 1"
    )
    params = [now, ip_address, token.pk, now - TOUCH_INTERVAL]
    token.last_used_at = now
    token.last_used_ip = ip_address
    return sql, params


def token_touch(token: ApiToken, *, ip_address: str | None = None) -> None:
    """Record use, at most once per TOUCH_INTERVAL (one conditional UPDATE, no lock)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    # The condition makes concurrent requests of one token write once per interval.
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_INTERVAL)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now, last_used_ip=ip_address)
    token.last_used_at = now
    token.last_used_ip = ip_address
