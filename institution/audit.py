"""Write the institution's audit log (current schema). Call inside the service."""

from institution.models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    summary: str,
    target=None,
    reason: str = "",
    data: dict | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one row; the caller's transaction decides whether it stays."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=str(actor) if authenticated else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        reason=reason,
        data=data or {},
        ip_address=ip_address,
    )
