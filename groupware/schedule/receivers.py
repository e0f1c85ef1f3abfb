"""Hooks other apps call (lazily) into the calendar.

``groupware.approval.leave.on_leave_approved`` calls ``leave_approved`` when a
휴가신청서 is approved. The calendar itself reads approved leave on every view
(``sources.leave_items``); here the leave also becomes an Absence so the
dashboard's "away today" and the directory show it.
"""

from datetime import timedelta

from groupware.models import Absence
from groupware.schedule.occurrences import local_midnight


def leave_approved(*, leave) -> Absence | None:
    """Record the approved leave as an absence unless one already covers that period."""
    starts_at = local_midnight(leave.start_date)
    ends_at = local_midnight(leave.end_date + timedelta(days=1))
    if Absence.objects.filter(
        user_id=leave.user_id, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        return None
    kind = Absence.Kind.SICK if getattr(leave, "kind", "") == "sick" else Absence.Kind.LEAVE
    label = leave.get_kind_display() if hasattr(leave, "get_kind_display") else ""
    return Absence.objects.create(
        user_id=leave.user_id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=f"휴가신청 승인 ({label})".strip()[:200],
    )
