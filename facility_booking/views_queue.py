"""Pages of the waiting room at an opening (대기열): the resident's line page, the piece
of it that refreshes itself, and the booking managers' setting per facility."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from facility_booking import selectors
from facility_booking import waiting_room as wr
from facility_booking.forms import DATE_INPUT
from facility_booking.models import Facility
from facility_booking.models_queue import WaitingRoom
from facility_booking.permissions import manager_page
from suite import ratelimit
from suite.forms import apply_errors

TEMPLATES = "facility_booking/queue"


def _standing_context(request, facility, state, place, now) -> dict:
    standing = wr.standing(state, place, now)
    token = wr.place_token(state, request.user, place) if (state and place) else ""
    return {
        "facility": facility,
        "room": state,
        "standing": standing,
        "token": token,
        "wait_text": wait_text(standing.estimate_seconds or 0),
        "before_opening": bool(state and now < state.opens_at),
    }


def wait_text(seconds: int) -> str:
    """ "약 2분 30초", "1분 미만"."""
    if seconds < 60:
        return _("1분 미만") if seconds > 10 else _("곧 입장")
    minutes, rest = divmod(int(seconds), 60)
    if minutes >= 60:
        return _("약 %(h)d시간 %(m)d분") % {"h": minutes // 60, "m": minutes % 60}
    return _("약 %(m)d분 %(s)d초") % {"m": minutes, "s": rest - rest % 10}


@login_required
@require_http_methods(["GET", "POST"])
def queue_page(request, pk: int):
    """The line: join (POST), then watch the place move until admitted or sold out."""
    facility = selectors.facility_for_user(request.user, request.institution, pk)
    now = timezone.now()
    state = wr.room_state(facility.pk, now=now)
    if state is None or not state.active(now):
        messages.info(request, _("지금은 대기열 없이 바로 예약할 수 있습니다."))
        return redirect("facility_booking:apply", pk=facility.pk)
    status = 200
    if request.method == "POST":
        refusal = ratelimit.check(request, action="queue")
        if refusal is not None:
            messages.error(request, ratelimit.form_message(refusal))
            context = _standing_context(
                request, facility, state, wr.place_of(state, request.user), now
            )
            return ratelimit.retry_headers(
                render(request, f"{TEMPLATES}/room.html", context), refusal
            )
        if not state.sold_out:
            try:
                wr.place_join(user=request.user, state=state, now=now)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        return redirect("facility_booking:queue", pk=facility.pk)
    place = wr.place_of(state, request.user)
    return render(
        request,
        f"{TEMPLATES}/room.html",
        _standing_context(request, facility, state, place, now),
        status=status,
    )


@login_required
@require_GET
def queue_status(request, pk: int):
    """The self-refreshing part of the line page (htmx asks again after ``poll_after``).
    Answers from the room's snapshot and the signed place (``t``): no database per poll
    beyond the session."""
    facility_id = int(pk)
    now = timezone.now()
    state = wr.room_state(facility_id, now=now)
    place = None
    if state is not None:
        place = wr.place_from_token(request.GET.get("t", ""), state, request.user)
    if place is None:
        # No (valid) token: the person's place from the database, once.
        selectors.facility_for_user(request.user, request.institution, pk)
        place = wr.place_of(state, request.user) if state is not None else None
    context = _standing_context(request, _FacilityRef(facility_id), state, place, now)
    return render(request, f"{TEMPLATES}/_status.html", context)


class _FacilityRef:
    """Just the id, for the fragment's links (no facility row read per poll)."""

    def __init__(self, pk: int):
        self.pk = pk


# -- booking managers ------------------------------------------------------------------


LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WaitingRoomForm(forms.ModelForm):
    opens_at = forms.DateTimeField(
        label=gettext_lazy("예약 오픈 시각"),
        widget=LOCAL_DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("대기열 종료 시각"),
        widget=LOCAL_DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=gettext_lazy("이 시각부터는 대기열 없이 바로 예약합니다."),
    )

    class Meta:
        model = WaitingRoom
        fields = [
            "enabled",
            "opens_at",
            "closes_at",
            "queue_minutes",
            "admit_per_minute",
            "ticket_minutes",
            "use_from",
            "use_to",
        ]
        widgets = {"use_from": DATE_INPUT, "use_to": DATE_INPUT}
        help_texts = {
            "use_from": gettext_lazy("이번 오픈으로 열리는 이용일. 이 기간이 모두 예약되면 마감."),
        }

    def clean(self):
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("종료 시각은 오픈 시각보다 뒤여야 합니다."))
        first, last = data.get("use_from"), data.get("use_to")
        if first and last and last < first:
            self.add_error("use_to", _("끝 날짜는 시작 날짜보다 같거나 뒤여야 합니다."))
        rate = data.get("admit_per_minute")
        if rate is not None and not 1 <= rate <= 60000:
            self.add_error("admit_per_minute", _("1명에서 60,000명 사이로 입력해 주세요."))
        minutes = data.get("ticket_minutes")
        if minutes is not None and not 1 <= minutes <= 60:
            self.add_error("ticket_minutes", _("1분에서 60분 사이로 입력해 주세요."))
        before = data.get("queue_minutes")
        if before is not None and before > 24 * 60:
            self.add_error("queue_minutes", _("1,440분(하루)까지 입력할 수 있습니다."))
        return data

    def _post_clean(self):
        # The service validates the model itself (with the facility set).
        pass


def _suggested(facility: Facility) -> dict:
    """A first opening to fill in: the facility's next window opening, the day it opens."""
    now = timezone.localtime()
    opens = now.replace(
        hour=facility.window_open_time.hour,
        minute=facility.window_open_time.minute,
        second=0,
        microsecond=0,
    )
    if opens <= now:
        opens += dt.timedelta(days=1)
    day = opens.date() + dt.timedelta(days=facility.window_open_days)
    return {
        "enabled": True,
        "opens_at": opens,
        "closes_at": opens + dt.timedelta(hours=1),
        "queue_minutes": 30,
        "admit_per_minute": 600,
        "ticket_minutes": 5,
        "use_from": day,
        "use_to": day,
    }


@manager_page
@require_http_methods(["GET", "POST"])
def manage_room(request, pk: int):
    """One facility's waiting room: when it runs, how fast it admits, the days it guards."""
    facility = get_object_or_404(Facility, pk=pk)
    room = WaitingRoom.objects.filter(facility=facility).first()
    initial = None if room else _suggested(facility)
    if room is not None:
        room.opens_at = timezone.localtime(room.opens_at)
        room.closes_at = timezone.localtime(room.closes_at)
    form = WaitingRoomForm(request.POST or None, instance=room, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                wr.waiting_room_configure(
                    actor=request.user,
                    institution=request.institution,
                    facility=facility,
                    **fields,
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = 400
            else:
                messages.success(request, _("저장했습니다."))
                return redirect("facility_booking:manage_queue_room", pk=facility.pk)
        else:
            status = 400
    now = timezone.now()
    state = wr.room_state(facility.pk, now=now) if room else None
    return render(
        request,
        f"{TEMPLATES}/manage.html",
        {
            "facility": facility,
            "form": form,
            "room": room,
            "active": bool(state and state.active(now)),
            "admitted": state.admitted_count(now) if state else 0,
            "sold_out": bool(state and state.sold_out),
        },
        status=status,
    )


# -- the booking form's guard -------------------------------------------------------------


def guard_apply(view):
    """Wraps the apply page: while the facility's waiting room runs, only an admitted
    person gets the form (the others are sent to the line, with the reason); every
    submission counts against the booking rate limits (Korean message, 429 with
    Retry-After); after a submission the room re-counts its free slots."""

    @wraps(view)
    def wrapped(request, pk: int, *args, **kwargs):
        user = request.user
        submitting = request.method == "POST" and request.POST.get("action") == "submit"
        now = timezone.now()
        state = wr.room_state(int(pk), now=now) if user.is_authenticated else None
        running = bool(state and state.active(now))
        if running:
            try:
                wr.admission_check(
                    user=user, institution=request.institution, facility_id=int(pk), now=now
                )
            except wr.AdmissionRequired as refusal:
                # Visible facility first: an unknown or hidden one answers 404 as before.
                selectors.facility_for_user(user, request.institution, pk)
                messages.warning(request, refusal.message)
                return redirect("facility_booking:queue", pk=int(pk))
        if submitting and user.is_authenticated:
            spent = ratelimit.check(request)
            if spent is not None:
                return _rate_limited_form(request, view, pk, spent, *args, **kwargs)
        response = view(request, pk, *args, **kwargs)
        if running and submitting and response.status_code == 302:
            wr.note_booking_attempt(selectors.facility_for_user(user, request.institution, pk))
        return response

    return wrapped


def _rate_limited_form(request, view, pk, refusal, *args, **kwargs):
    """The form as it was (a preview, nothing stored), the wait above it, 429."""
    post = request.POST.copy()
    post["action"] = "preview"
    request.POST = post
    messages.error(request, ratelimit.form_message(refusal))
    response = view(request, pk, *args, **kwargs)
    return ratelimit.retry_headers(response, refusal)
