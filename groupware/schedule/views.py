"""Shared calendar: month / week / day views, events, invitations, iCalendar feeds."""

import calendar as pycal
import re
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_page
from groupware.public import chain_up, profile_of
from groupware.schedule import permissions as cal_access
from groupware.schedule import selectors as cal_selectors
from groupware.schedule import services
from groupware.schedule.forms import EventForm, OccurrenceForm, RespondForm
from groupware.schedule.ics import build_feed
from groupware.schedule.models import Attendee, Calendar, Event
from groupware.schedule.occurrences import (
    is_occurrence,
    local_midnight,
    occurrence_key,
    parse_occurrence_key,
)
from groupware.schedule.selectors import my_calendar_events
from groupware.schedule.sources import gather
from suite.forms import apply_errors

FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
WEEKDAYS = [
    pgettext_lazy("weekday", "일"),
    pgettext_lazy("weekday", "월"),
    pgettext_lazy("weekday", "화"),
    pgettext_lazy("weekday", "수"),
    pgettext_lazy("weekday", "목"),
    pgettext_lazy("weekday", "금"),
    pgettext_lazy("weekday", "토"),
]


def _day(request) -> date:
    try:
        day = datetime.strptime(request.GET.get("date", ""), "%Y-%m-%d").date()  # noqa: DTZ007
    except ValueError:
        return timezone.localdate()
    # far-away years would overflow the grid arithmetic; nobody plans there
    return day if 1900 <= day.year <= 2200 else timezone.localdate()


def ensure_calendars(request) -> list[Calendar]:
    """The person's personal, department and institution calendars (created on first use)."""
    user, institution = request.user, request.institution
    result = [services.personal_calendar(user)]
    profile = profile_of(user)
    if profile and profile.department_id:
        result.append(services.department_calendar(profile.department))
    result.append(services.institution_calendar(institution))
    return result


def _scope(request):
    """(events, selected calendar or None, overlays?, whose leave and bookings to show).

    My combined view shows the leave, absences and internal bookings of my
    department (sub-departments included) and mine; a department calendar shows
    that department's; personal and institution calendars show their events only.
    """
    from groupware.models import StaffProfile
    from groupware.public import subtree_ids

    cal_id = request.GET.get("cal", "")
    user = request.user
    if cal_id.isascii() and cal_id.isdigit() and len(cal_id) < 19:
        calendar = cal_selectors.calendar_for(user, request.institution, int(cal_id))
        events = Event.objects.filter(calendar=calendar)
        if calendar.kind == Calendar.Kind.DEPARTMENT:
            people = set(
                StaffProfile.objects.filter(
                    department_id__in=subtree_ids(calendar.department_id), is_active=True
                ).values_list("user_id", flat=True)
            )
            return events, calendar, True, people
        return events, calendar, False, None
    profile = profile_of(user)
    chain = chain_up(profile.department_id) if profile and profile.department_id else []
    people = {user.pk}
    if chain:
        people |= set(
            StaffProfile.objects.filter(
                department_id__in=subtree_ids(chain[0]), is_active=True
            ).values_list("user_id", flat=True)
        )
    return my_calendar_events(user, chain), None, True, people


def _context(request, view: str, start, end, day: date, **extra):
    events, selected, overlays, people = _scope(request)
    items = gather(request, events, start, end, overlays=overlays, user_ids=people)
    query = f"&cal={selected.pk}" if selected else ""
    return {
        "view": view,
        "day": day,
        "today": timezone.localdate(),
        "items": items,
        "selected": selected,
        "calendars": cal_selectors.readable_calendars(request.user, request.institution),
        "query": query,
        "weekdays": WEEKDAYS,
        "active": "calendar",
        **extra,
    }


def _bucket(items, days):
    per_day = {d: [] for d in days}
    for item in items:
        for d in item.days():
            if d in per_day:
                per_day[d].append(item)
    return per_day


@staff_page()
def month(request):
    day = _day(request)
    first = day.replace(day=1)
    # weeks start on Sunday, as on Korean wall calendars
    grid_start = first - timedelta(days=(first.weekday() + 1) % 7)
    last = first.replace(day=pycal.monthrange(first.year, first.month)[1])
    grid_end = last + timedelta(days=(5 - last.weekday()) % 7 + 1)
    days = [grid_start + timedelta(days=i) for i in range((grid_end - grid_start).days)]
    context = _context(request, "month", local_midnight(grid_start), local_midnight(grid_end), day)
    per_day = _bucket(context["items"], days)
    weeks = [[(d, per_day[d]) for d in days[i : i + 7]] for i in range(0, len(days), 7)]
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    context.update(weeks=weeks, month_first=first, prev=prev_month, next=next_month)
    return render(request, "schedule/month.html", context)


@staff_page()
def week(request):
    day = _day(request)
    start_day = day - timedelta(days=(day.weekday() + 1) % 7)
    days = [start_day + timedelta(days=i) for i in range(7)]
    context = _context(
        request,
        "week",
        local_midnight(start_day),
        local_midnight(start_day + timedelta(days=7)),
        day,
    )
    per_day = _bucket(context["items"], days)
    context.update(
        days=[(d, per_day[d]) for d in days],
        prev=start_day - timedelta(days=7),
        next=start_day + timedelta(days=7),
    )
    return render(request, "schedule/week.html", context)


@staff_page()
def day_view(request):
    day = _day(request)
    context = _context(
        request, "day", local_midnight(day), local_midnight(day + timedelta(days=1)), day
    )
    context.update(prev=day - timedelta(days=1), next=day + timedelta(days=1))
    return render(request, "schedule/day.html", context)


def _occurrence(event, key: str):
    """(original start, exception or None) of the occurrence ``key``; 404 if the rule has none."""
    original = parse_occurrence_key(key)
    if not event.repeat or original is None or not is_occurrence(event, original):
        raise Http404
    return original, event.exceptions.filter(original_start=original).first()


@staff_page()
def event(request, pk: int):
    event = cal_selectors.event_for(request.user, request.institution, pk)
    attendees = list(event.attendees.select_related("user"))
    mine = next((a for a in attendees if a.user_id == request.user.pk), None)
    occurrence = None
    original = parse_occurrence_key(request.GET.get("occ", "")) if event.repeat else None
    if original is not None and is_occurrence(event, original):
        exc = event.exceptions.filter(original_start=original).first()
        duration = event.ends_at - event.starts_at
        occurrence = {
            "key": occurrence_key(original),
            "original_start": original,
            "cancelled": bool(exc and exc.cancelled),
            "changed": bool(exc and not exc.cancelled),
            "title": exc.title if exc and not exc.cancelled else event.title,
            "place": exc.place if exc and not exc.cancelled else event.place,
            "description": exc.description if exc and not exc.cancelled else event.description,
            "starts_at": exc.starts_at if exc and not exc.cancelled else original,
            "ends_at": exc.ends_at if exc and not exc.cancelled else original + duration,
        }
    return render(
        request,
        "schedule/event.html",
        {
            "event": event,
            "occurrence": occurrence,
            "exceptions": list(event.exceptions.all()) if event.repeat else [],
            "attendees": attendees,
            "mine": mine,
            "can_edit": cal_access.can_write_calendar(
                request.user, request.institution, event.calendar
            ),
            "active": "calendar",
        },
    )


def _writable(request):
    calendars = ensure_calendars(request)
    ids = [
        c.pk
        for c in calendars
        if cal_access.can_write_calendar(request.user, request.institution, c)
    ]
    return Calendar.objects.filter(pk__in=ids)


def _form_data(form):
    data = dict(form.cleaned_data)
    data["repeat"] = data.get("repeat") or ""
    if not data["repeat"]:
        data["repeat_until"] = None
    return data


@staff_page()
@require_http_methods(["GET", "POST"])
def event_create(request):
    calendars = _writable(request)
    day = _day(request)
    start = local_midnight(day) + timedelta(hours=10)
    initial = {
        "starts_at": timezone.localtime(start),
        "ends_at": timezone.localtime(start + timedelta(hours=1)),
        "start_date": day,
        "end_date": day,
    }
    cal_id = request.GET.get("cal", "")
    if cal_id.isascii() and cal_id.isdigit() and len(cal_id) < 19:  # "²".isdigit() too
        initial["calendar"] = int(cal_id)
    form = EventForm(
        request.POST or None, calendars=calendars, institution=request.institution, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            data = _form_data(form)
            try:
                event = services.event_create(
                    actor=request.user, institution=request.institution, **data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("일정을 등록했습니다."))
                return redirect("schedule:event", pk=event.pk)
        return render(
            request, "schedule/event_form.html", {"form": form, "active": "calendar"}, status=400
        )
    return render(request, "schedule/event_form.html", {"form": form, "active": "calendar"})


@staff_page()
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    event = cal_selectors.event_for(request.user, request.institution, pk, write=True)
    calendars = _writable(request) | Calendar.objects.filter(pk=event.calendar_id)
    local_end_date = (timezone.localtime(event.ends_at) - timedelta(days=1)).date()
    initial = {
        "calendar": event.calendar_id,
        "title": event.title,
        "all_day": event.all_day,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "start_date": timezone.localtime(event.starts_at).date(),
        "end_date": local_end_date if event.all_day else timezone.localtime(event.ends_at).date(),
        "place": event.place,
        "description": event.description,
        "repeat": event.repeat,
        "repeat_until": event.repeat_until,
        "attendees": [a.user_id for a in event.attendees.all()],
    }
    form = EventForm(
        request.POST or None,
        calendars=calendars.distinct(),
        institution=request.institution,
        initial=initial,
    )
    if request.method == "POST":
        if form.is_valid():
            data = _form_data(form)
            try:
                services.event_update(
                    actor=request.user, institution=request.institution, event=event, **data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("일정을 수정했습니다."))
                return redirect("schedule:event", pk=event.pk)
        return render(
            request,
            "schedule/event_form.html",
            {"form": form, "event": event, "active": "calendar"},
            status=400,
        )
    return render(
        request, "schedule/event_form.html", {"form": form, "event": event, "active": "calendar"}
    )


@staff_page()
@require_POST
def event_delete(request, pk: int):
    event = cal_selectors.event_for(request.user, request.institution, pk, write=True)
    services.event_delete(actor=request.user, institution=request.institution, event=event)
    messages.success(request, _("일정을 삭제했습니다."))
    return redirect("schedule:month")


@staff_page()
@require_http_methods(["GET", "POST"])
def occurrence_edit(request, pk: int, key: str):
    """Change only this occurrence of a repeating event."""
    event = cal_selectors.event_for(request.user, request.institution, pk, write=True)
    original, exc = _occurrence(event, key)
    start = exc.starts_at if exc and not exc.cancelled else original
    end = exc.ends_at if exc and not exc.cancelled else original + (event.ends_at - event.starts_at)
    initial = {
        "title": exc.title if exc and not exc.cancelled else event.title,
        "place": exc.place if exc and not exc.cancelled else event.place,
        "description": exc.description if exc and not exc.cancelled else event.description,
        "starts_at": timezone.localtime(start),
        "ends_at": timezone.localtime(end),
        "start_date": timezone.localtime(start).date(),
        "end_date": (timezone.localtime(end) - timedelta(days=1)).date(),
    }
    form = OccurrenceForm(request.POST or None, all_day=event.all_day, initial=initial)
    context = {"form": form, "event": event, "original": original, "active": "calendar"}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.occurrence_update(
                    actor=request.user,
                    institution=request.institution,
                    event=event,
                    original_start=original,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("이 일정만 수정했습니다."))
                return redirect(
                    f"{reverse('schedule:event', args=[event.pk])}?occ={occurrence_key(original)}"
                )
        return render(request, "schedule/occurrence_form.html", context, status=400)
    return render(request, "schedule/occurrence_form.html", context)


@staff_page()
@require_POST
def occurrence_delete(request, pk: int, key: str):
    """Delete only this occurrence of a repeating event; the rest of the series stays."""
    event = cal_selectors.event_for(request.user, request.institution, pk, write=True)
    original, _exc = _occurrence(event, key)
    services.occurrence_cancel(
        actor=request.user, institution=request.institution, event=event, original_start=original
    )
    messages.success(request, _("이 일정만 삭제했습니다. 나머지 반복 일정은 그대로입니다."))
    return redirect(f"{reverse('schedule:month')}?date={timezone.localtime(original):%Y-%m-%d}")


@staff_page()
@require_POST
def event_respond(request, pk: int):
    event = cal_selectors.event_for(request.user, request.institution, pk)
    form = RespondForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    try:
        attendee = services.invitation_respond(
            actor=request.user, institution=request.institution, event=event, answer=answer
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("참석으로 응답했습니다.")
            if attendee.status == Attendee.Status.ACCEPTED
            else _("불참으로 응답했습니다."),
        )
    return redirect("schedule:event", pk=event.pk)


@staff_page()
def calendars(request):
    """My calendars and the shared ones, with their secret subscription URLs."""
    ensure_calendars(request)
    rows = []
    for calendar in cal_selectors.readable_calendars(request.user, request.institution):
        rows.append(
            {
                "calendar": calendar,
                "feed_url": request.build_absolute_uri(
                    f"/staff/calendar/feed/{calendar.feed_token}.ics"
                ),
                "can_reset": cal_access.can_write_calendar(
                    request.user, request.institution, calendar
                ),
            }
        )
    return render(request, "schedule/calendars.html", {"rows": rows, "active": "calendar"})


@staff_page()
@require_POST
def calendar_reset_feed(request, pk: int):
    calendar = cal_selectors.calendar_for(request.user, request.institution, pk)
    if not cal_access.can_write_calendar(request.user, request.institution, calendar):
        raise PermissionDenied
    services.calendar_reset_feed(
        actor=request.user, institution=request.institution, calendar=calendar
    )
    messages.success(
        request, _("구독 주소를 새로 만들었습니다. 이전 주소는 더 이상 쓸 수 없습니다.")
    )
    return redirect("schedule:calendars")


def feed(request, token: str):
    """The iCalendar feed: the secret token is the credential (calendar apps cannot log in)."""
    # tokens are token_urlsafe(); anything else (a NUL byte included) is no token at all
    if not FEED_TOKEN.fullmatch(token):
        raise Http404
    calendar = Calendar.objects.filter(feed_token=token).first()
    if calendar is None:
        raise Http404
    response = HttpResponse(
        build_feed(calendar, host=request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="calendar-{calendar.pk}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
