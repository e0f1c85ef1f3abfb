"""How the calendar reacts to other apps' events (registered in ScheduleConfig.ready).

An approved 휴가신청서 (``groupware.approval.public.leave_approved``) becomes an Absence
so the dashboard's "away today" and the directory show it, and goes again when an approved
휴가취소신청서 takes it back (``leave_cancelled``); the calendar itself reads approved,
not cancelled leave on every view (``sources.leave_items``).
"""

from datetime import timedelta

from groupware.approval.public import LeaveApproved
from groupware.models import Absence
from groupware.schedule.occurrences import local_midnight


def leave_approved(leave: LeaveApproved) -> Absence | None:
    """Record the approved leave as an absence unless one already covers that period."""
    starts_at = local_midnight(leave.start_date)
    ends_at = local_midnight(leave.end_date + timedelta(days=1))
    if Absence.objects.filter(
        user_id=leave.user_id, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        return None
    kind = Absence.Kind.SICK if leave.kind == "sick" else Absence.Kind.LEAVE
    return Absence.objects.create(
        user_id=leave.user_id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=f"휴가신청 승인 ({leave.kind_label})".strip()[:200],
    )


def leave_cancelled(leave: LeaveApproved) -> int:
    """An approved 휴가취소신청서 took the leave back: the absence recorded for it goes."""
    starts_at = local_midnight(leave.start_date)
    ends_at = local_midnight(leave.end_date + timedelta(days=1))
    deleted, _ = Absence.objects.filter(
        user_id=leave.user_id,
        starts_at=starts_at,
        ends_at=ends_at,
        reason__startswith="휴가신청 승인",
    ).delete()
    return deleted
