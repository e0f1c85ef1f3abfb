"""Everything that appears on a calendar view: events, absences, approved leave, bookings."""

import importlib
import logging

from django.utils.translation import gettext as _

from groupware.schedule.occurrences import Item, events_overlapping, expand

logger = logging.getLogger(__name__)


def _approved_leaves(start, end):
    """Leave approved in electronic approval (groupware.approval.leave), if that exists."""
    try:
        module = importlib.import_module("groupware.approval.leave")
    except ImportError:
        return []
    func = getattr(module, "approved_leaves", None)
    if func is None:
        return []
    try:
        return list(func(start, end))
    except Exception:  # a parallel app's failure must not take the calendar down  # noqa: BLE001
        logger.exception("approved_leaves failed")
        return []


def _get(obj, *names, default=None):
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


def leave_items(start, end, user_ids=None) -> list[Item]:
    from groupware.models import Absence
    from groupware.org import away_on

    items, seen = [], set()
    for leave in _approved_leaves(start, end):
        user = _get(leave, "user", "drafter", "applicant")
        user_id = _get(leave, "user_id", default=getattr(user, "pk", None))
        if user_ids is not None and user_id not in user_ids:
            continue
        leave_start = _get(leave, "starts_at", "start")
        leave_end = _get(leave, "ends_at", "end")
        if leave_start is None or leave_end is None:
            continue
        name = getattr(user, "name", "") if user is not None else ""
        label = _get(leave, "label", "kind_label", default=_("휴가"))
        seen.add((user_id, leave_start, leave_end))
        items.append(
            Item(
                title=f"{name} {label}".strip(),
                start=leave_start,
                end=leave_end,
                all_day=bool(_get(leave, "all_day", default=False)),
                kind="leave",
                url=str(_get(leave, "url", default="") or ""),
            )
        )
    for absence in away_on(start, end, user_ids):
        if (absence.user_id, absence.starts_at, absence.ends_at) in seen:
            continue
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


def booking_items(request, start, end) -> list[Item]:
    """Internal rooms and vehicles booked in the window (facility_booking)."""
    from groupware import booking

    try:
        rows = booking.bookings_between(request, start, end, internal_only=True)
        return [
            Item(
                title=f"{row.facility.name} · {row.purpose or row.applicant_name}",
                start=row.start,
                end=row.end,
                kind="booking",
                url="/staff/resources/?date=" + row.start.strftime("%Y-%m-%d"),
                place=row.facility.name,
            )
            for row in rows or []
        ]
    except Exception:  # the booking engine is optional here  # noqa: BLE001
        logger.exception("booking items failed")
        return []


def gather(request, events_qs, start, end, *, overlays: bool = True, user_ids=None) -> list[Item]:
    events = list(events_overlapping(events_qs, start, end).select_related("calendar"))
    items = expand(events, start, end)
    if overlays:
        items += leave_items(start, end, user_ids)
        items += booking_items(request, start, end)
    items.sort(key=lambda i: (not i.all_day, i.start, i.title))
    return items
