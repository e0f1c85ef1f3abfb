"""What a staff member sees first: a fixed number of queries whatever the data size.

Sections that belong to apps built in parallel (approval, facility booking)
are read through optional hooks and degrade to a clear empty state.
"""

import importlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from groupware.boards import access as board_access
from groupware.boards.models import Post
from groupware.models import Absence, StaffProfile
from groupware.org import chain_up, profile_of
from groupware.schedule.models import Attendee, Calendar, Event
from groupware.schedule.occurrences import (
    events_overlapping,
    expand,
    local_midnight,
    next_start,
    still_running,
)

logger = logging.getLogger(__name__)


@dataclass
class Section:
    """One block of the dashboard: items to show, a total count, availability."""

    items: list = field(default_factory=list)
    count: int = 0
    available: bool = True
    url: str = ""


def optional(module_name: str, *names: str):
    """The first of ``names`` that ``module_name`` provides, or None if absent."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    for name in names:
        func = getattr(module, name, None)
        if callable(func):
            return func
    return None


def _as_section(result, limit: int, url: str) -> Section:
    if result is None:
        return Section(available=False, url=url)
    if hasattr(result, "count") and hasattr(result, "__getitem__") and not isinstance(result, list):
        items = list(result[:limit])
        count = result.count() if len(items) == limit else len(items)
    else:
        items = list(result)
        count = len(items)
        items = items[:limit]
    return Section(items=items, count=count, url=url)


def approval_section(user, kind: str, limit: int = 5) -> Section:
    """Documents waiting for me (``kind="waiting"``) or my drafts en route (``"en_route"``)."""
    names = {
        "waiting": ("waiting_for", "documents_waiting"),
        "en_route": ("in_progress_of", "drafts_en_route", "en_route"),
    }[kind]
    url = {
        "waiting": "/staff/approval/box/waiting/",
        "en_route": "/staff/approval/box/in_progress/",
    }[kind]
    func = optional("groupware.approval.selectors", *names)
    if func is None:
        return Section(available=False, url="/staff/approval/")
    try:
        return _as_section(func(user), limit, url)
    except Exception:  # a parallel app's bug must not take the dashboard down  # noqa: BLE001
        logger.exception("approval selector failed")
        return Section(available=False, url="/staff/approval/")


def my_calendar_events(user, dept_chain):
    """Events of my calendars (personal, department chain, institution) and my invitations."""
    return Event.objects.filter(
        Q(calendar__kind=Calendar.Kind.PERSONAL, calendar__owner=user)
        | Q(calendar__kind=Calendar.Kind.INSTITUTION)
        | Q(calendar__kind=Calendar.Kind.DEPARTMENT, calendar__department_id__in=dept_chain)
        | Q(
            pk__in=Attendee.objects.filter(user=user)
            .exclude(status=Attendee.Status.DECLINED)
            .values("event_id")
        )
    ).select_related("calendar")


def build(request) -> dict:
    user, institution = request.user, request.institution
    now = timezone.now()
    today = timezone.localdate()
    day_start = local_midnight(today)
    day_end = day_start + timedelta(days=1)
    week_start = local_midnight(today - timedelta(days=today.weekday()))
    week_end = week_start + timedelta(days=7)

    profile = profile_of(user)
    dept_chain = chain_up(profile.department_id) if profile and profile.department_id else []
    user.__dict__["_gw_dept_chain"] = {"chain": dept_chain}  # shared with the board/calendar checks

    events = list(events_overlapping(my_calendar_events(user, dept_chain), week_start, week_end))
    week_items = sorted(expand(events, week_start, week_end), key=lambda i: (i.start, i.title))
    today_items = [i for i in week_items if i.start < day_end and i.end > day_start]
    upcoming_week = [i for i in week_items if i.end > now]

    invitations = list(
        Attendee.objects.filter(user=user, status=Attendee.Status.PENDING)
        # a repeating event whose first meeting is past still has meetings to come
        .filter(still_running(now, "event__"))
        .select_related("event", "event__calendar")[:20]
    )
    for invitation in invitations:
        invitation.next_start = next_start(invitation.event, now)

    unread = list(
        Post.objects.live()
        .filter(
            is_important=True,
            board__in=board_access.readable_boards(user, institution),
        )
        .exclude(reads__user=user)
        .exclude(author=user)  # one's own notice needs no reading
        .select_related("board")
        .order_by("-created_at")[:21]
    )

    away = []
    if profile and profile.department_id:
        colleagues = StaffProfile.objects.filter(
            department_id=profile.department_id, is_active=True
        ).values("user_id")
        away = list(
            Absence.objects.filter(
                user_id__in=colleagues, starts_at__lt=day_end, ends_at__gt=day_start
            )
            .select_related("user", "deputy")
            .order_by("starts_at")
        )

    return {
        "profile": profile,
        "today": today,
        "waiting": approval_section(user, "waiting"),
        "en_route": approval_section(user, "en_route"),
        "today_items": today_items,
        "week_items": upcoming_week,
        "invitations": invitations,
        "unread_notices": unread[:20],
        "unread_more": len(unread) > 20,
        "away": away,
        "bookings_today": facility_section(request, "today", day_start, day_end),
        "booking_requests": facility_section(request, "requests", day_start, day_end),
    }


def facility_section(request, kind: str, day_start, day_end, limit: int = 10) -> Section:
    """Today's bookings at the institution, or (facility managers) requests waiting."""
    from groupware import booking

    try:
        if kind == "today":
            result = booking.bookings_between(request, day_start, day_end)
            return _as_section(result, limit, "/staff/resources/")
        if not booking.can_see_requests(request):
            return Section(available=False)
        return _as_section(booking.requests_waiting(request), limit, "/facilities/manage/")
    except Exception:  # the booking engine is optional here  # noqa: BLE001
        logger.exception("facility booking section failed")
        return Section(available=False)
