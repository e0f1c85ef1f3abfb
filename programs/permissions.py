"""Who may run programs: named capabilities."""

from accounts import access
from accounts.models import Role


def can_manage_programs(user, institution) -> bool:
    """Create, publish, cancel programs; see and export rosters: admins and facility managers."""
    return access.has_role(user, institution, Role.INSTITUTION_ADMIN, Role.FACILITY_MANAGER)
