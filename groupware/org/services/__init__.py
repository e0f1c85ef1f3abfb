"""The write path of the org chart: departments, profiles, absences, handover."""

from groupware.org.services.handover import handover
from groupware.org.services.structure import (
    absence_create,
    absence_delete,
    department_create,
    department_move,
    department_update,
    position_create,
    rank_create,
    staff_profile_update,
)

__all__ = [
    "absence_create",
    "absence_delete",
    "department_create",
    "department_move",
    "department_update",
    "handover",
    "position_create",
    "rank_create",
    "staff_profile_update",
]
