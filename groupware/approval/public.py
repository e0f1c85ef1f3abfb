"""전자결재's public face: what the calendar, the dashboard and other apps use.

- ``approved_leaves(start, end)`` — approved leave overlapping local dates [start, end];
- ``leave_approved`` — the registry of reactions to an approved 휴가신청서 (the calendar
  records an absence); receivers get a ``LeaveApproved`` after the approval commits;
- ``leave_balance(user, year)`` and ``format_days``;
- ``waiting_for`` / ``in_progress_of`` — the dashboard's sections read these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from groupware.approval.leave import approved_leaves, format_days, leave_balance
from groupware.approval.selectors import in_progress_of, waiting_for
from suite.registry import Registry

__all__ = [
    "LeaveApproved",
    "approved_leaves",
    "format_days",
    "in_progress_of",
    "leave_approved",
    "leave_balance",
    "waiting_for",
]


@dataclass(frozen=True)
class LeaveApproved:
    """An approved leave request: who, which kind (and its label), which local dates."""

    leave_id: int
    user_id: int
    kind: str
    kind_label: str
    start_date: dt.date
    end_date: dt.date


leave_approved: Registry[LeaveApproved, object] = Registry("approval.leave_approved")
