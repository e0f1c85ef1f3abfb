"""The ``groupware`` app's models module, as Django looks for it: the org chart's models
live in groupware/org/models.py (departments, positions, ranks, profiles, absences)."""

from groupware.org.models import Absence, Department, Position, Rank, StaffProfile

__all__ = ["Absence", "Department", "Position", "Rank", "StaffProfile"]
