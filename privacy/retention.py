"""Retention periods per kind of personal data, and the destruction run that applies them.

Each kind is declared by its app (privacy.registry.RetentionKind) with a default; an
institution admin (or the operator, for platform kinds) may set another period, never
below the kind's minimum. ``destroy_due`` runs in one schema and writes a
DestructionRecord per kind that destroyed anything (what, how many, when — no content).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tenants.utils import get_public_schema_name, schema_context

from privacy import registry
from privacy.models import DestructionRecord, RetentionSetting


def in_public_schema() -> bool:
    return connection.schema_name == get_public_schema_name()


def kinds_here() -> list[registry.RetentionKind]:
    return registry.retention_kinds(tenant=not in_public_schema())


def days_for(key: str) -> int:
    kind = registry.retention_kind(key)
    row = RetentionSetting.objects.filter(kind=key).first()
    if row is not None:
        return row.days
    return kind.default_days if kind else 0


def human_period(days: int) -> str:
    if days % 365 == 0:
        n = days // 365
        return ngettext("%(n)d년", "%(n)d년", n) % {"n": n}
    if days % 30 == 0:
        n = days // 30
        return ngettext("%(n)d개월", "%(n)d개월", n) % {"n": n}
    return ngettext("%(n)d일", "%(n)d일", days) % {"n": days}


def describe(key: str, *, fallback: str = "") -> str:
    """E.g. "이용일로부터 3년" with this schema's setting."""
    kind = registry.retention_kind(key)
    if kind is None:
        return str(fallback)
    return f"{kind.basis} {human_period(days_for(key))}".strip()


def settings_rows() -> list[dict]:
    """Every kind here with its current period, for the settings page."""
    stored = {r.kind: r for r in RetentionSetting.objects.all()}
    return [
        {
            "kind": kind,
            "days": stored[kind.key].days if kind.key in stored else kind.default_days,
            "custom": kind.key in stored,
            "period": human_period(
                stored[kind.key].days if kind.key in stored else kind.default_days
            ),
        }
        for kind in kinds_here()
    ]


@transaction.atomic
def retention_set(*, actor, key: str, days: int) -> RetentionSetting:
    """Change one kind's period here (ValueError for an unknown kind or below the minimum)."""
    from django.core.exceptions import ValidationError

    kind = registry.retention_kind(key)
    if kind is None or kind not in kinds_here():
        raise ValidationError(_("알 수 없는 보유 항목입니다."), code="unknown_kind")
    if days < kind.min_days or days > 365 * 50:
        raise ValidationError(
            _("보유 기간은 %(min)d일 이상 18250일 이하로 정해 주세요.") % {"min": kind.min_days},
            code="out_of_range",
        )
    row, _created = RetentionSetting.objects.update_or_create(
        kind=key, defaults={"days": days, "updated_by_id": getattr(actor, "pk", None)}
    )
    return row


def destroy_due(*, now: dt.datetime | None = None, actor=None) -> dict[str, int]:
    """Destroy what is past its period in the current schema; one record per kind."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for kind in kinds_here():
        days = days_for(kind.key)
        cutoff = now - dt.timedelta(days=days)
        with transaction.atomic():
            count = kind.destroy(cutoff=cutoff, now=now)
            if count:
                DestructionRecord.objects.create(
                    kind=kind.key,
                    label=str(kind.label),
                    count=count,
                    method=kind.method,
                    cutoff=cutoff,
                    reason=_("보유 기간(%(period)s) 경과") % {"period": human_period(days)},
                    run_by_id=getattr(actor, "pk", None),
                )
        done[kind.key] = count
    return done


def destroy_everywhere(*, now: dt.datetime | None = None) -> dict[str, dict[str, int]]:
    """The daily run: every institution schema, then the public schema."""
    from privacy.erasure import institution_schemas

    result = {}
    for schema in institution_schemas():
        with schema_context(schema):
            result[schema] = destroy_due(now=now)
    with schema_context(get_public_schema_name()):
        result["public"] = destroy_due(now=now)
    return result
