"""휴가신청 (leave requests) read through approved 휴가신청서 documents.

For the shared calendar (groupware.schedule): ``approved_leaves(start, end)``
returns the approved leave overlapping [start, end] in the current schema.
When a leave request is approved, ``on_leave_approved`` tells the receivers registered
in ``groupware.approval.public.leave_approved`` (the calendar records an absence).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import holidays
from django.db.models import Q, Sum
from django.utils import timezone

from groupware.approval.models import LeaveKind, LeaveRequest, State

HALF_DAY = Decimal("0.5")
OPEN = (State.IN_APPROVAL, State.ON_HOLD)


def is_workday(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays("KR", years=day.year)


def workdays(start: datetime.date, end: datetime.date) -> int:
    """Working days in [start, end], without weekends and Korean public holidays."""
    kr = holidays.country_holidays("KR", years=range(start.year, end.year + 1))
    count, day = 0, start
    while day <= end:
        if day.weekday() < 5 and day not in kr:
            count += 1
        day += datetime.timedelta(days=1)
    return count


def format_days(value) -> str:
    """1, 0.5, 2.5 — days as a person writes them (no trailing .0)."""
    value = Decimal(value)
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def leave_days(kind: str, start: datetime.date, end: datetime.date) -> Decimal:
    """Days a request counts for: a half day is 0.5, otherwise the working days."""
    if kind == LeaveKind.HALF:
        return HALF_DAY
    return Decimal(workdays(start, end))


def _sum(rows) -> Decimal:
    return rows.aggregate(total=Sum("days"))["total"] or Decimal("0")


def _annual(user, year: int):
    return LeaveRequest.objects.filter(
        user=user,
        kind__in=(LeaveKind.ANNUAL, LeaveKind.HALF),
        start_date__year=year,
    )


def granted_days(user) -> Decimal:
    from groupware.public import profile_of

    profile = profile_of(user)
    return profile.annual_leave_days if profile is not None else Decimal("0")


def leave_balance(user, year: int | None = None, *, exclude_document_id=None) -> dict:
    """{"granted", "used", "pending", "remaining", "available"} for the user's annual leave.

    ``used`` counts approved requests; ``pending`` those still on their way;
    ``available`` = remaining − pending.
    """
    year = year or timezone.localdate().year
    rows = _annual(user, year)
    if exclude_document_id is not None:
        rows = rows.exclude(document_id=exclude_document_id)
    granted = granted_days(user)
    used = _sum(rows.filter(document__state=State.APPROVED))
    pending = _sum(rows.filter(document__state__in=OPEN))
    remaining = granted - used
    return {
        "year": year,
        "granted": granted,
        "used": used,
        "pending": pending,
        "remaining": remaining,
        "available": remaining - pending,
    }


def approved_leaves(start: datetime.date, end: datetime.date, *, user=None):
    """Approved leave overlapping [start, end] (for the calendar), with the document."""
    rows = LeaveRequest.objects.filter(
        Q(start_date__lte=end) & Q(end_date__gte=start), document__state=State.APPROVED
    ).select_related("document")
    if user is not None:
        rows = rows.filter(user=user)
    return rows.order_by("start_date", "id")


def on_leave_approved(leave: LeaveRequest) -> None:
    """Tell the apps that react to an approved leave (called after the approval commits)."""
    from groupware.approval.public import LeaveApproved, leave_approved

    leave_approved.send(
        LeaveApproved(
            leave_id=leave.pk,
            user_id=leave.user_id,
            kind=leave.kind,
            kind_label=str(leave.get_kind_display()),
            start_date=leave.start_date,
            end_date=leave.end_date,
        )
    )
