"""What a staff member sees first: a fixed number of queries whatever the data size.

Blocks that belong to other apps (approval, rooms and vehicles) come from the
section registry (groupware.dashboard.sections) they fill in ``AppConfig.ready``.
"""

from datetime import timedelta

from django.utils import timezone

from groupware.boards.public import Post, readable_boards
from groupware.dashboard.sections import DashboardRequest, dashboard_sections
from groupware.org.models import Absence, StaffProfile
from groupware.org.selectors import chain_up, profile_of
from groupware.schedule.public import (
    Attendee,
    events_overlapping,
    expand,
    local_midnight,
    my_calendar_events,
    next_start,
    still_running,
)


# One function on purpose: the dashboard's fixed query budget (tests compare two data
# sizes) is easiest to keep when every read of the page is in one place.
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
        invitation.next_start = next_start(invitation.event, now)  # type: ignore[attr-defined]

    unread = list(
        Post.objects.live()
        .filter(
            is_important=True,
            board__in=readable_boards(user, institution),
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
        "today_items": today_items,
        "week_items": upcoming_week,
        "invitations": invitations,
        "unread_notices": unread[:20],
        "unread_more": len(unread) > 20,
        "away": away,
        **dashboard_sections.send(DashboardRequest(request, day_start, day_end)),
    }
