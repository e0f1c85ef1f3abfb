"""The one way to write an audit row.

``audit_record(...)`` appends to the log of the institution whose schema is current
(``institution.AuditEvent``: member changes, approvals, bookings, tokens …). With
``institution=`` it appends instead to the platform's log in the public schema
(``tenants.PlatformAuditEvent``: onboarding, suspension, export, deletion — things
done *to* an institution). Either way the row joins the caller's transaction, so a
rolled-back change leaves no trace, and the actor is recorded the same way: a signed-in
person (with their label), a management command's string (``cli:<os user>``) or
"system".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

from institution.audit_labels import action_label, register_action_labels
from institution.models import AuditEvent

__all__ = ["action_label", "actor_fields", "audit_record", "register_action_labels"]

if TYPE_CHECKING:
    from tenants.models import Institution, PlatformAuditEvent


def actor_fields(actor: Any) -> dict[str, Any]:
    """``actor`` (a User, a ``cli:…`` string or None) as the actor and actor_label columns."""
    if isinstance(actor, str):
        return {"actor": None, "actor_label": actor[:200]}
    if actor is not None and getattr(actor, "is_authenticated", False):
        return {"actor": actor, "actor_label": str(actor)[:200]}
    return {"actor": None, "actor_label": "system"}


@overload
def audit_record(
    *,
    actor: Any,
    action: str,
    summary: str = "",
    target: Any = None,
    reason: str = "",
    data: dict | None = None,
    ip_address: str | None = None,
    institution: None = None,
) -> AuditEvent: ...


@overload
def audit_record(
    *,
    actor: Any,
    action: str,
    summary: str = "",
    target: Any = None,
    reason: str = "",
    data: dict | None = None,
    ip_address: str | None = None,
    institution: Institution,
) -> PlatformAuditEvent: ...


def audit_record(
    *,
    actor: Any,
    action: str,
    summary: str = "",
    target: Any = None,
    reason: str = "",
    data: dict | None = None,
    ip_address: str | None = None,
    institution: Institution | None = None,
) -> AuditEvent | PlatformAuditEvent:
    """Append one audit row; the caller's transaction decides whether it stays.

    Without ``institution``: the current schema's log (``summary`` is required there).
    With it: the platform log about that institution (``summary``, ``target`` and
    ``ip_address`` are not kept there; ``data`` becomes its ``details``).
    """
    if institution is not None:
        from tenants.models import PlatformAuditEvent

        return PlatformAuditEvent.objects.create(
            institution=institution,
            institution_slug=institution.slug,
            action=action,
            reason=reason,
            details=data or {},
            **actor_fields(actor),
        )
    return AuditEvent.objects.create(
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        reason=reason,
        data=data or {},
        ip_address=ip_address,
        **actor_fields(actor),
    )
