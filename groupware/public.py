"""groupware's public face: what approval, boards, the calendar and other apps use.

- org chart reads (``profile_of``, ``absence_at``, ``acting_deputy``, the department
  tree, ``department_chain_of``, ``member_user_ids``, ``directory_profiles``, ``away_on``);
- ``Department``, ``StaffProfile`` (the public site's 조직도; approval's line and register
  queries);
- ``internal_bookings_between(start, end, …)`` — bookings of rooms and vehicles
  (the calendar shows them);
- the dashboard's section registry (``dashboard_sections``, ``Section``,
  ``DashboardRequest``) that apps fill in ``AppConfig.ready``.

인계인수's contract is ``accounts.handover`` (facility booking takes part too).
"""

from groupware.dashboard.sections import DashboardRequest, Section, dashboard_sections
from groupware.org.models import Department, StaffProfile
from groupware.org.selectors import (
    absence_at,
    acting_deputy,
    away_on,
    chain_up,
    department_chain_of,
    department_parents,
    department_tree,
    directory_profiles,
    member_user_ids,
    profile_of,
    subtree_ids,
)
from groupware.rooms.selectors import bookings_between as internal_bookings_between

__all__ = [
    "DashboardRequest",
    "Department",
    "Section",
    "StaffProfile",
    "absence_at",
    "acting_deputy",
    "away_on",
    "chain_up",
    "dashboard_sections",
    "department_chain_of",
    "department_parents",
    "department_tree",
    "internal_bookings_between",
    "directory_profiles",
    "member_user_ids",
    "profile_of",
    "subtree_ids",
]
