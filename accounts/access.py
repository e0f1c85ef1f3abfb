"""Who may do what in an institution: named capabilities, one place.

Views, DRF permissions and services call these; none of them look at roles
themselves. Memberships are cached on the user object per request.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Membership, Role


def active_membership(user, institution) -> Membership | None:
    """The person's active membership in the institution, or None."""
    if institution is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cache = user.__dict__.setdefault("_membership_cache", {})
    if institution.pk not in cache:
        cache[institution.pk] = (
            Membership.objects.filter(user=user, institution=institution, is_active=True)
            .select_related("institution")
            .first()
        )
    return cache[institution.pk]


def forget_memberships(user) -> None:
    user.__dict__.pop("_membership_cache", None)


def role_in(user, institution) -> str | None:
    membership = active_membership(user, institution)
    return membership.role if membership else None


def is_member(user, institution) -> bool:
    return active_membership(user, institution) is not None


def has_role(user, institution, *roles: str) -> bool:
    return role_in(user, institution) in roles


def is_institution_admin(user, institution) -> bool:
    return has_role(user, institution, Role.INSTITUTION_ADMIN)


def can_manage_members(user, institution) -> bool:
    return is_institution_admin(user, institution)


def can_edit_institution_profile(user, institution) -> bool:
    return is_institution_admin(user, institution)


def can_view_audit_log(user, institution) -> bool:
    return is_institution_admin(user, institution)


def can_manage_facilities(user, institution) -> bool:
    return has_role(user, institution, Role.INSTITUTION_ADMIN, Role.FACILITY_MANAGER)


def can_use_workspace(user, institution) -> bool:
    """Staff area (groupware) of the institution: any active member."""
    return is_member(user, institution)


def institutions_of(user):
    """Institutions the person works at (active memberships only)."""
    from tenants.models import Institution

    if not getattr(user, "is_authenticated", False):
        return Institution.objects.none()
    return Institution.objects.filter(memberships__user=user, memberships__is_active=True).order_by(
        "name"
    )


def refuse_outsider(user, institution) -> None:
    """Raise for someone who is not staff here.

    People who work at *another* institution get 404 — an institution's staff
    area does not exist for outsiders; residents (no membership anywhere) get
    403 so they can be told the page is for staff.
    """
    if is_member(user, institution):
        return
    if Membership.objects.filter(user=user, is_active=True).exists():
        raise Http404
    raise PermissionDenied
