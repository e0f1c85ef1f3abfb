"""Who may do what in the org chart: named capabilities, one place.

Views and the API ask through ``accounts.access.staff_page`` / ``StaffPermission``
(members only: outsiders 404) and then these (403 for a member without the right).
"""

from __future__ import annotations

from accounts import access
from accounts.handover import can_handover

__all__ = [
    "can_edit_profile",
    "can_handover",
    "can_manage_absence",
    "can_manage_org",
    "can_use_workspace",
]


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
