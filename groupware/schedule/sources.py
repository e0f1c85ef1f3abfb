"""Everything that appears on a calendar view: events, absences, approved leave, bookings."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from groupware.approval.public import approved_leaves
from groupware.models import Absence
from groupware.public import away_on, internal_bookings_between
from groupware.schedule.occurrences import Item, events_overlapping, expand, local_midnight


def _approved_leaves(start, end):
    """Leave approved in 전자결재 overlapping the window [start, end) (aware datetimes)."""
    first = timezone.localtime(start).date()
    last = (timezone.localtime(end) - timedelta(microseconds=1)).date()
    return list(approved_leaves(first, last))


def leave_items(start, end, user_ids=None) -> list[Item]:
    """Approved leave (from approval) and recorded absences, one item per person and period."""
    leaves = [
        leave
        for leave in _approved_leaves(start, end)
        if user_ids is None or leave.user_id in user_ids
    ]
    names = (
        dict(
            User.objects.filter(pk__in={leave.user_id for leave in leaves}).values_list(
                "pk", "name"
            )
        )
        if leaves
        else {}
    )
    items, covered = [], {}
    for leave in leaves:
        leave_start = local_midnight(leave.start_date)
        leave_end = local_midnight(leave.end_date + timedelta(days=1))
        covered.setdefault(leave.user_id, []).append((leave_start, leave_end))
        label = leave.get_kind_display()
        items.append(
            Item(
                title=f"{names.get(leave.user_id, '')} {label}".strip(),
                start=leave_start,
                end=leave_end,
                all_day=True,
                kind="leave",
                url="/staff/approval/",
            )
        )
    for absence in away_on(start, end, user_ids):
        if any(
            s <= absence.starts_at and absence.ends_at <= e
            for s, e in covered.get(absence.user_id, [])
        ):
            continue  # the approved leave already shows this period
        kind = "leave" if absence.kind in (Absence.Kind.LEAVE, Absence.Kind.SICK) else "absence"
        items.append(
            Item(
                title=f"{absence.user.name} {absence.get_kind_display()}",
                start=absence.starts_at,
                end=absence.ends_at,
                kind=kind,
                url="/staff/absences/",
                extra={"deputy": absence.deputy.name if absence.deputy else ""},
            )
        )
    return items


def booking_items(request, start, end, user_ids=None) -> list[Item]:
    """Internal rooms and vehicles booked in the window (facility_booking), by ``user_ids``."""
    rows = internal_bookings_between(start, end, internal_only=True)
    if user_ids is not None:
        rows = rows.filter(applicant_id__in=user_ids)
    return [
        Item(
            title=f"{row.facility.name} · {row.purpose or row.applicant_name}",
            start=row.start,
            end=row.end,
            kind="booking",
            url="/staff/resources/?date=" + row.start.strftime("%Y-%m-%d"),
            place=row.facility.name,
        )
        for row in rows
    ]


def gather(request, events_qs, start, end, *, overlays: bool = True, user_ids=None) -> list[Item]:
    """Events expanded in the window; with ``overlays``, the leave, absences and internal
    bookings of ``user_ids`` (everyone when None)."""
    events = list(events_overlapping(events_qs, start, end).select_related("calendar"))
    items = expand(events, start, end)
    if overlays:
        items += leave_items(start, end, user_ids)
        items += booking_items(request, start, end, user_ids)
    items.sort(key=lambda i: (i.local_start.date(), not i.all_day, i.start, i.title))
    return items
