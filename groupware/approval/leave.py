"""휴가 (leave) read through approved 휴가신청서 documents, and the rules of annual leave.

- **Accrual** (근로기준법 제60조) from the hire date: in the first year one day per full
  month worked (up to 11); at each anniversary 15 days, one more for every two years of
  service after the first, up to 25. ``annual_grants(hire_date, year)`` lists the grants
  dated in a calendar year; without a hire date the profile's ``annual_leave_days`` is
  the yearly grant (as before).
- **Spent**: approved 연차·반차·시간 단위 연차 not taken back by an approved
  휴가취소신청서 (the days come back then).
- **Hourly leave** in the unit the institution sets (``approval`` setting
  ``leave_hour_unit``, hours; ``work_hours_per_day`` turns hours into days).

For the shared calendar (groupware.schedule): ``approved_leaves(start, end)`` returns the
approved, not cancelled leave overlapping [start, end] in the current schema. When a leave
request is approved (or cancelled), ``on_leave_approved`` / ``on_leave_cancelled`` tell the
receivers registered in ``groupware.approval.public``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import holidays
from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from groupware.approval.models import ANNUAL_KINDS, Document, Form, LeaveKind, LeaveRequest, State
from suite.request_cache import memo

HALF_DAY = Decimal("0.5")
OPEN = (State.IN_APPROVAL, State.ON_HOLD)
FIRST_YEAR_MAX = 11
BASE_DAYS = 15
MAX_DAYS = 25
HOUR_UNITS = (Decimal("0.5"), Decimal("1"), Decimal("2"), Decimal("4"))
DEFAULT_HOUR_UNIT = Decimal("1")
DEFAULT_WORK_HOURS = Decimal("8")


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
    """1, 0.5, 2.5, 0.125 — days as a person writes them (no trailing zeros)."""
    value = Decimal(value)
    if value % 1 == 0:
        return str(int(value))
    return format(value.normalize(), "f")


# --- the institution's settings -------------------------------------------------------


def _setting() -> dict:
    from institution.models import Setting

    def read() -> dict:
        setting = Setting.objects.filter(key="approval").first()
        return setting.value if setting is not None and isinstance(setting.value, dict) else {}

    return memo("approval_setting", read)  # once per read-only request


def hour_unit() -> Decimal:
    """시간 단위 연차: the smallest step in hours (0.5, 1, 2 or 4; 1 by default)."""
    try:
        value = Decimal(str(_setting().get("leave_hour_unit", DEFAULT_HOUR_UNIT)))
    except ArithmeticError:
        return DEFAULT_HOUR_UNIT
    return value if value in HOUR_UNITS else DEFAULT_HOUR_UNIT


def work_hours_per_day() -> Decimal:
    try:
        value = Decimal(str(_setting().get("work_hours_per_day", DEFAULT_WORK_HOURS)))
    except ArithmeticError:
        return DEFAULT_WORK_HOURS
    return value if Decimal("1") <= value <= Decimal("12") else DEFAULT_WORK_HOURS


def hours_to_days(hours) -> Decimal:
    days = Decimal(hours) / work_hours_per_day()
    return days.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def leave_days(kind: str, start: datetime.date, end: datetime.date, hours=None) -> Decimal:
    """Days a request counts for: a half day 0.5, hourly leave hours ÷ a working day's
    hours, otherwise the working days."""
    if kind == LeaveKind.HALF:
        return HALF_DAY
    if kind == LeaveKind.HOURLY:
        return hours_to_days(hours or 0)
    return Decimal(workdays(start, end))


# --- 근로기준법 제60조 ------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    on: datetime.date
    days: int
    why: str  # "monthly" (first year) or "annual"


def anniversary_days(years_of_service: int) -> int:
    """At the n-th anniversary: 15 days, +1 for every two years after the first, ≤ 25."""
    return min(BASE_DAYS + (years_of_service - 1) // 2, MAX_DAYS)


def annual_grants(hire_date: datetime.date, year: int) -> list[Grant]:
    """The grants dated in calendar ``year`` for someone hired on ``hire_date``."""
    grants = []
    for month in range(1, FIRST_YEAR_MAX + 1):
        on = hire_date + relativedelta(months=month)
        if on.year == year:
            grants.append(Grant(on, 1, "monthly"))
    first = max(1, year - hire_date.year - 1)
    for n in range(first, year - hire_date.year + 1):
        on = hire_date + relativedelta(years=n)
        if on.year == year:
            grants.append(Grant(on, anniversary_days(n), "annual"))
    return sorted(grants, key=lambda g: g.on)


def granted_days(user, year: int | None = None, *, as_of: datetime.date | None = None) -> Decimal:
    """Annual leave granted to ``user`` in ``year`` (up to ``as_of`` when given)."""
    from groupware.public import profile_of

    profile = profile_of(user)
    if profile is None:
        return Decimal("0")
    if profile.hire_date is None:
        return profile.annual_leave_days
    year = year or timezone.localdate().year
    grants = annual_grants(profile.hire_date, year)
    if as_of is not None:
        grants = [g for g in grants if g.on <= as_of]
    return Decimal(sum(g.days for g in grants))


# --- what was spent -------------------------------------------------------------------


def _cancelled() -> Exists:
    """An approved 휴가취소신청서 took the leave back."""
    return Exists(
        Document.objects.filter(
            cancels=OuterRef("document"), form=Form.LEAVE_CANCEL, state=State.APPROVED
        )
    )


def _annual(user, year: int):
    return LeaveRequest.objects.filter(user=user, kind__in=ANNUAL_KINDS, start_date__year=year)


def leave_balance(user, year: int | None = None, *, exclude_document_id=None, as_of=None) -> dict:
    """{"granted", "used", "pending", "remaining", "available"} for the user's annual leave.

    ``used`` counts approved requests not cancelled; ``pending`` those still on their way;
    ``available`` = remaining − pending. ``as_of``: only leave granted by that day.
    """
    year = year or timezone.localdate().year
    rows = _annual(user, year)
    if exclude_document_id is not None:
        rows = rows.exclude(document_id=exclude_document_id)
    granted = granted_days(user, year, as_of=as_of)
    sums = rows.annotate(cancelled=_cancelled()).aggregate(  # used and pending: one query
        used=Sum("days", filter=Q(document__state=State.APPROVED, cancelled=False)),
        pending=Sum("days", filter=Q(document__state__in=OPEN)),
    )
    used = sums["used"] or Decimal("0")
    pending = sums["pending"] or Decimal("0")
    remaining = granted - used
    return {
        "year": year,
        "granted": granted,
        "used": used,
        "pending": pending,
        "remaining": remaining,
        "available": remaining - pending,
    }


def is_cancelled(leave: LeaveRequest) -> bool:
    return Document.objects.filter(
        cancels_id=leave.document_id, form=Form.LEAVE_CANCEL, state=State.APPROVED
    ).exists()


def approved_leaves(start: datetime.date, end: datetime.date, *, user=None):
    """Approved, not cancelled leave overlapping [start, end] (for the calendar)."""
    rows = (
        LeaveRequest.objects.filter(
            Q(start_date__lte=end) & Q(end_date__gte=start), document__state=State.APPROVED
        )
        .exclude(_cancelled())
        .select_related("document")
    )
    if user is not None:
        rows = rows.filter(user=user)
    return rows.order_by("start_date", "id")


# the states of a 휴가취소신청 that take its leave back (or are on their way to)
TAKEN_BACK_STATES = (State.APPROVED, *OPEN, State.DRAFT, State.RETURNED, State.RECALLED)


def cancellable_leaves(user):
    """The user's approved leave with no cancellation approved or on its way."""
    taken_back = Document.objects.filter(
        cancels=OuterRef("document"),
        form=Form.LEAVE_CANCEL,
        state__in=TAKEN_BACK_STATES,
    )
    return (
        LeaveRequest.objects.filter(user=user, document__state=State.APPROVED)
        .exclude(Exists(taken_back))
        .select_related("document")
        .order_by("-start_date", "-id")
    )


def _payload(leave: LeaveRequest):
    from groupware.approval.public import LeaveApproved

    return LeaveApproved(
        leave_id=leave.pk,
        user_id=leave.user_id,
        kind=leave.kind,
        kind_label=str(leave.get_kind_display()),
        start_date=leave.start_date,
        end_date=leave.end_date,
    )


def on_leave_approved(leave: LeaveRequest) -> None:
    """Tell the apps that react to an approved leave (called after the approval commits)."""
    from groupware.approval.public import leave_approved

    leave_approved.send(_payload(leave))


def on_leave_cancelled(leave: LeaveRequest) -> None:
    """Tell the apps that react to a cancelled leave (after the cancellation commits)."""
    from groupware.approval.public import leave_cancelled

    leave_cancelled.send(_payload(leave))
