"""The write path for institutions: onboarding (and, later, lifecycle changes)."""

from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context

from tenants.models import Domain, Institution, PlatformAuditEvent, schema_name_for


@transaction.atomic
def institution_onboard(
    *,
    actor,
    slug: str,
    name: str,
    short_name: str,
    admin_email: str | None = None,
    admin_name: str = "",
    reason: str = "",
    **profile,
) -> Institution:
    """Create the institution, its schema (cloned from the template) and primary domain,
    write default settings and invite the first admin. All or nothing."""
    from institution.settings_defaults import apply_default_settings

    institution = Institution(
        schema_name=schema_name_for(slug), slug=slug, name=name, short_name=short_name, **profile
    )
    institution.full_clean(exclude=["schema_name"])
    institution.save(verbosity=0)
    Domain.objects.create(
        domain=f"{slug}.{settings.SUITE_DOMAIN}", tenant=institution, is_primary=True
    )
    with schema_context(institution.schema_name):
        apply_default_settings()
    if admin_email:
        _invite_first_admin(institution, admin_email, admin_name)
    PlatformAuditEvent.objects.create(
        institution=institution,
        institution_slug=slug,
        action=PlatformAuditEvent.Action.ONBOARD,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=str(actor) if actor else "system",
        reason=reason,
        details={"admin_email": admin_email or ""},
    )
    return institution


def _invite_first_admin(institution: Institution, email: str, name: str) -> None:
    from accounts.models import Membership, Role
    from accounts.services import password_setup_path, user_get_or_invite
    from suite.notify import email_on_commit

    user, created = user_get_or_invite(email=email, name=name)
    Membership.objects.update_or_create(
        user=user,
        institution=institution,
        defaults={"role": Role.INSTITUTION_ADMIN, "is_active": True},
    )
    link = institution.absolute_url(
        password_setup_path(user) if not user.has_usable_password() else "/"
    )
    email_on_commit(
        to=user.email,
        subject=f"[{institution.name}] 기관 관리자로 초대되었습니다",
        template="email/member_invite",
        context={
            "institution": institution,
            "user": user,
            "link": link,
            "role": Role.INSTITUTION_ADMIN.label,
            "new_user": created,
        },
    )
