"""Who may do what in an institution: named capabilities, one place.

Views, DRF permissions and services call these; none of them look at roles
themselves. Memberships are cached on the user object per request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import Promise
from rest_framework.permissions import BasePermission

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


# --- the one way views ask ------------------------------------------------------------

Capability = Callable[[Any, Any], bool]


class Refused(PermissionDenied):
    """403 for a member who lacks a capability, with the reason shown to them (the error
    page's heading, the API error's ``message``). ``reason`` is Korean, translatable."""

    def __init__(self, reason: str | Promise) -> None:
        super().__init__(reason)
        self.reason = reason


def require_member(user, institution) -> None:
    """Staff areas: raise unless ``user`` is an active member of ``institution``.

    Anyone who is not staff here — another institution's staff or a resident —
    gets 404: an institution's staff area does not exist for outsiders.
    """
    if institution is None or not is_member(user, institution):
        raise Http404


def require(
    capability: Capability | None, user, institution, reason: str | Promise | None = None
) -> None:
    """Members only (404 for others), then ``capability`` (403 for a member without it,
    with ``reason`` when given — see ``Refused``)."""
    require_member(user, institution)
    if capability is not None and not capability(user, institution):
        raise Refused(reason) if reason else PermissionDenied


def staff_page(capability: Capability | None = None, *, reason: str | Promise | None = None):
    """Decorator for staff pages: anonymous → log-in, outsiders → 404, a member without
    ``capability(user, institution)`` → 403 (saying ``reason`` when given). Checks that
    depend on the object (someone's profile, a board) stay in the view, through the app's
    permissions module."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(capability, request.user, getattr(request, "institution", None), reason)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class StaffPermission(BasePermission):
    """DRF permission for the staff API: anonymous → 401, outsiders → 404, a member
    without the class's ``capability`` → 403 (with ``reason``, when given).
    ``StaffPermission.requiring(cap, reason=…)`` gives the class for one capability."""

    capability: Capability | None = None
    reason: str | Promise | None = None

    @classmethod
    def requiring(
        cls, capability: Capability, *, reason: str | Promise | None = None
    ) -> type[StaffPermission]:
        return type(
            f"Requires_{capability.__name__}",
            (cls,),
            {"capability": staticmethod(capability), "reason": reason},
        )

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        require(
            type(self).capability,
            request.user,
            getattr(request, "institution", None),
            type(self).reason,
        )
        return True
