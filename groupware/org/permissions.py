"""Who may do what in the staff workspace: named capabilities, one place.

Views, DRF permissions and services call these. Reads that depend on who asks
answer the same 404 for "does not exist" and "not in this institution";
members who lack a right get 403 (``PermissionDenied``).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts import access


def can_use_workspace(user, institution) -> bool:
    return access.can_use_workspace(user, institution)


def can_manage_org(user, institution) -> bool:
    """Departments, positions, everyone's profile, absences of others, handover."""
    return access.is_institution_admin(user, institution)


def can_edit_profile(user, institution, profile) -> bool:
    """Admins edit anyone's; a member edits their own contact fields."""
    if can_manage_org(user, institution):
        return True
    return access.is_member(user, institution) and profile.user_id == user.pk


def can_manage_absence(user, institution, absence_user_id: int) -> bool:
    """The absent person records their own absence; admins record anyone's."""
    if can_manage_org(user, institution):
        return True
    return access.is_member(user, institution) and absence_user_id == user.pk


def can_handover(user, institution) -> bool:
    return access.is_institution_admin(user, institution)


def can_see_facility_requests(user, institution) -> bool:
    return access.can_manage_facilities(user, institution)


def require_workspace(request) -> None:
    """Outsiders: other institutions' staff → 404, residents → 403 (see refuse_outsider)."""
    access.refuse_outsider(request.user, request.institution)


def workspace_view(view):
    """Decorator: log-in, then members of this institution only."""
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require_workspace(request)
        return view(request, *args, **kwargs)

    return wrapped


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
