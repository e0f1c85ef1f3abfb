"""Resident pages of fair booking: lottery rounds and their public results, applying,
the waitlist with one's place in line, recurring club bookings (apply, see every date,
pay as one, cancel), and one's booking restrictions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from facility_booking import selectors, selectors_fair
from facility_booking.forms_fair import DatesForm, LotteryApplyForm, SeriesForm, WaitlistForm
from facility_booking.models import (
    ACTIVE_BOOKING_STATES,
    ApplicationStatus,
    RoundStatus,
    SlotOutcome,
    Status,
)
from facility_booking.services import fairness, lottery, series, waitlist
from facility_booking.views import apply_errors
from privacy.public import record_consents
from suite import ratelimit


def _status_for(error: ValidationError) -> int:
    code = getattr(error, "booking_code", "")
    return 409 if code in ("slot_taken", "invalid_transition", "round_finished") else 400


def _rate_limited(request) -> ratelimit.Refusal | None:
    """A submission counts against the booking budgets, per account and per IP, shared with
    the booking form and the API (suite/ratelimit.py). Over a limit: the Korean message
    with the time to wait; the caller shows the form as typed (nothing stored), 429."""
    refusal = ratelimit.check(request)
    if refusal is not None:
        messages.error(request, ratelimit.form_message(refusal))
    return refusal


def _answer(response, refusal: ratelimit.Refusal | None):
    return ratelimit.retry_headers(response, refusal) if refusal is not None else response


# -- lottery ----------------------------------------------------------------------------


def lottery_list(request):
    """Rounds open or to come, then drawn ones with their results."""
    now = timezone.now()
    rounds = selectors_fair.rounds_visible(request.user, request.institution)
    current = [r for r in rounds.filter(status=RoundStatus.OPEN)]
    past = Paginator(rounds.exclude(status=RoundStatus.OPEN), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "facility_booking/fair/lottery_list.html",
        {"current": current, "page": past, "now": now},
    )


def _round_context(request, round, **extra) -> dict:
    now = timezone.now()
    slots = round.slots.annotate(
        demand=Count("choices", filter=Q(choices__application__status=ApplicationStatus.APPLIED))
    )
    if round.status == RoundStatus.DRAWN:
        slots = round.slots.annotate(
            demand=Count(
                "choices",
                filter=Q(
                    choices__application__status__in=(ApplicationStatus.WON, ApplicationStatus.LOST)
                ),
            )
        )
    numbers = (round.result or {}).get("numbers", {})
    rows = [
        {"slot": s, "number": numbers.get(str(s.pk), "")} for s in slots.order_by("start", "id")
    ]
    return {
        "round": round,
        "rows": rows,
        "phase": round.phase(now),
        "phase_label": round.phase_label(now),
        "mine": selectors_fair.application_of(request.user, round),
        "now": now,
        **extra,
    }


def lottery_detail(request, pk: int):
    """The round: its rules, slots and demand, the seed's commitment; after the draw the
    winners by booking number, the revealed secret and the inputs to re-run it."""
    round = selectors_fair.round_for_user(request.user, request.institution, pk)
    return render(
        request, "facility_booking/fair/lottery_detail.html", _round_context(request, round)
    )


@login_required
@require_http_methods(["GET", "POST"])
def lottery_apply(request, pk: int):
    round = selectors_fair.round_for_user(request.user, request.institution, pk)
    mine = selectors_fair.application_of(request.user, round)
    initial = {"contact_phone": request.user.phone}
    if mine is not None and mine.status == ApplicationStatus.APPLIED:
        initial.update(
            {
                "purpose": mine.purpose,
                "headcount": mine.headcount,
                "organisation": mine.organisation,
                "contact_phone": mine.contact_phone,
                **{f"choice_{c.rank}": str(c.slot_id) for c in mine.choices.all()},
            }
        )
    form = LotteryApplyForm(request.POST or None, round=round, initial=initial)
    status, refusal = 200, None
    if request.method == "POST":
        refusal = _rate_limited(request)
        if refusal is not None:
            pass  # the form as typed, the wait above it
        elif form.is_valid():
            try:
                application = lottery.lottery_apply(
                    actor=request.user,
                    round=round,
                    choices=form.choices(),
                    purpose=form.cleaned_data["purpose"],
                    contact_phone=form.cleaned_data["contact_phone"],
                    headcount=form.cleaned_data["headcount"],
                    organisation=form.cleaned_data.get("organisation", ""),
                    discount_categories=form.cleaned_data.get("discount_categories", []),
                    institution=request.institution,
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = _status_for(error)
            else:
                record_consents(
                    user=request.user,
                    form=form,
                    request=request,
                    context=f"lottery:{application.pk}",
                )
                messages.success(
                    request, _("추첨 신청을 저장했습니다. 마감 전까지 바꾸거나 취소할 수 있습니다.")
                )
                return redirect("facility_booking:lottery_detail", pk=round.pk)
        else:
            status = 400
    response = render(
        request,
        "facility_booking/fair/lottery_apply.html",
        {
            "round": round,
            "form": form,
            "mine": mine,
            "phase": round.phase(timezone.now()),
            "phase_label": round.phase_label(timezone.now()),
        },
        status=status,
    )
    return _answer(response, refusal)


@login_required
@require_POST
def lottery_withdraw(request, pk: int):
    round = selectors_fair.round_for_user(request.user, request.institution, pk)
    mine = selectors_fair.application_of(request.user, round)
    if mine is None:
        raise Http404
    try:
        lottery.lottery_withdraw(
            actor=request.user, application=mine, institution=request.institution
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("facility_booking:lottery_detail", pk=round.pk)
    messages.success(request, _("추첨 신청을 취소했습니다."))
    return redirect("facility_booking:lottery_detail", pk=round.pk)


def lottery_inputs(request, pk: int):
    """The draw's inputs and result as a file (after the draw): re-run it with
    ``python -m facility_booking.draw inputs.json`` or ``manage.py lottery_verify``."""
    round = selectors_fair.round_for_user(request.user, request.institution, pk)
    data = lottery.published_inputs(round)
    if not data:
        raise Http404
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="lottery-{round.pk}-inputs.json"'
    return response


@login_required
def my_lottery(request):
    return render(
        request,
        "facility_booking/fair/my_lottery.html",
        {"applications": selectors_fair.applications_of(request.user)[:100], "now": timezone.now()},
    )


# -- waitlist -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def waitlist_join(request, pk: int):
    """Queue for a taken time of a facility (the calendar links here from taken slots)."""
    facility = selectors.facility_for_user(request.user, request.institution, pk)
    initial = {"contact_phone": request.user.phone}
    for key in ("date", "start_time", "end_time"):
        if request.GET.get(key):
            initial[key] = request.GET[key][:10]
    form = WaitlistForm(request.POST or None, facility=facility, initial=initial)
    status, refusal = 200, None
    if request.method == "POST":
        refusal = _rate_limited(request)
        if refusal is not None:
            pass  # the form as typed, the wait above it
        elif form.is_valid():
            d = form.cleaned_data
            try:
                entry = waitlist.waitlist_join(
                    actor=request.user,
                    facility=facility,
                    start=d["start"],
                    end=d["end"],
                    purpose=d["purpose"],
                    contact_phone=d["contact_phone"],
                    headcount=d["headcount"],
                    organisation=d.get("organisation", ""),
                    institution=request.institution,
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = _status_for(error)
            else:
                record_consents(
                    user=request.user, form=form, request=request, context=f"waitlist:{entry.pk}"
                )
                messages.success(
                    request,
                    _("예약대기를 신청했습니다. 현재 %(n)s번째입니다.")
                    % {"n": selectors_fair.waitlist_position(entry)},
                )
                return redirect("facility_booking:my_waitlist")
        else:
            status = 400
    response = render(
        request,
        "facility_booking/fair/waitlist_join.html",
        {"facility": facility, "form": form, "rules": fairness.rules_of(facility)},
        status=status,
    )
    return _answer(response, refusal)


@login_required
def my_waitlist(request):
    return render(
        request,
        "facility_booking/fair/my_waitlist.html",
        {"entries": selectors_fair.waitlist_of(request.user)},
    )


@login_required
@require_POST
def my_waitlist_cancel(request, entry: int):
    item = selectors_fair.waitlist_entry_for(request.user, entry)
    try:
        waitlist.waitlist_cancel(actor=request.user, entry=item, institution=request.institution)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("예약대기를 취소했습니다."))
    return redirect("facility_booking:my_waitlist")


# -- recurring series -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def series_apply(request, pk: int):
    """A club's weekly slot over a period: "날짜 확인" lists every date (and why some
    cannot be held); "신청" holds the dates that can be."""
    facility = selectors.facility_for_user(request.user, request.institution, pk)
    rule = fairness.rules_of(facility)
    form = SeriesForm(
        request.POST or None, facility=facility, initial={"contact_phone": request.user.phone}
    )
    plan, status, refusal = None, 200, None
    if request.method == "POST":
        # "날짜 확인" counts too: it works out every date of the period.
        refusal = _rate_limited(request)
        if refusal is not None:
            pass  # the form as typed, the wait above it
        elif not form.is_valid() or (
            request.POST.get("action") == "submit" and not form.check_consents()
        ):
            status = 400
        else:
            kwargs = form.service_kwargs()
            try:
                if request.POST.get("action") == "submit":
                    created = series.series_apply(
                        actor=request.user,
                        facility=facility,
                        institution=request.institution,
                        **kwargs,
                    )
                    record_consents(
                        user=request.user,
                        form=form,
                        request=request,
                        context=f"series:{created.pk}",
                    )
                    messages.success(
                        request,
                        _("정기대관을 신청했습니다. 신청번호 %(n)s") % {"n": created.number},
                    )
                    return redirect("facility_booking:my_series_detail", pk=created.pk)
                plan = series.series_plan(
                    facility,
                    **{
                        k: kwargs[k]
                        for k in ("weekday", "start_time", "end_time", "first_date", "last_date")
                    },
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = _status_for(error)
    response = render(
        request,
        "facility_booking/fair/series_apply.html",
        {"facility": facility, "form": form, "plan": plan, "rules": rule},
        status=status,
    )
    return _answer(response, refusal)


@login_required
def my_series(request):
    return render(
        request,
        "facility_booking/fair/my_series.html",
        {
            "page": Paginator(selectors_fair.series_of(request.user), 20).get_page(
                request.GET.get("page")
            )
        },
    )


def _own_series(request, pk):
    item = selectors_fair.series_for_user(request.user, request.institution, pk)
    if item.applicant_id != request.user.pk:
        raise Http404
    return item


def _series_context(item, **extra) -> dict:
    now = timezone.now()
    dates = selectors_fair.series_dates(item)
    bill = selectors_fair.series_bill(item)
    cancellable = [d for d in dates if d.status in ACTIVE_BOOKING_STATES and d.start > now]
    return {
        "series": item,
        "pattern": selectors_fair.series_pattern(item),
        "calendar": selectors_fair.series_calendar(item, now=now, booked=dates),
        "bill": bill,
        "payable": bool(
            bill
            and bill.status == Status.APPROVED
            and bill.total_amount
            and bill.payment_due
            and bill.payment_due > now
        ),
        "cancellable": cancellable,
        "cancel_form": extra.pop("cancel_form", None) or DatesForm(rows=cancellable),
        **extra,
    }


@login_required
def my_series_detail(request, pk: int):
    item = _own_series(request, pk)
    return render(request, "facility_booking/fair/my_series_detail.html", _series_context(item))


@login_required
@require_POST
def my_series_cancel(request, pk: int):
    """Cancel the chosen dates (none chosen: every date still ahead); refunds by tier."""
    item = _own_series(request, pk)
    now = timezone.now()
    rows = [
        d
        for d in selectors_fair.series_dates(item)
        if d.status in ACTIVE_BOOKING_STATES and d.start > now
    ]
    form = DatesForm(request.POST, rows=rows)
    if form.is_valid():
        try:
            result = series.series_cancel(
                actor=request.user,
                series=item,
                dates=form.picked(),
                reason=form.cleaned_data.get("reason", ""),
                institution=request.institution,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(n)s회를 취소했습니다. 환불 예정 금액 %(r)s원")
                % {"n": result["cancelled"], "r": f"{result['refund']:,}"},
            )
            return redirect("facility_booking:my_series_detail", pk=item.pk)
    return render(
        request,
        "facility_booking/fair/my_series_detail.html",
        _series_context(item, cancel_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_series_pay(request, pk: int):
    """Pay the series' bill (every approved date at once) through the payment window."""
    from payments.public import Place, pay_page

    item = _own_series(request, pk)
    bill = selectors_fair.series_bill(item)
    if bill is None:
        raise Http404
    place = Place(
        booking_url=reverse("facility_booking:my_series_detail", args=[item.pk]),
        success_url=request.build_absolute_uri(reverse("payments:success")),
        fail_url=request.build_absolute_uri(reverse("payments:fail")),
    )
    return pay_page(request, bill, place)


# -- restrictions ---------------------------------------------------------------------------


@login_required
def my_standing(request):
    """The person's booking restrictions here: in force (reason, end) and past."""
    now = timezone.now()
    sanctions = list(selectors_fair.sanctions_of(request.user, now=now))
    return render(
        request,
        "facility_booking/fair/my_standing.html",
        {
            "active": [s for s in sanctions if s.is_active(now)],
            "past": [s for s in sanctions if not s.is_active(now)],
            "outcome_awarded": SlotOutcome.AWARDED,
        },
    )
