"""Booking managers' pages of fair booking: lottery rounds (open, watch, draw, cancel),
recurring series (every date with its clashes, approve/reject all or some, desk
payment of the bill, cancel), the waitlist, each facility's fairness rules, and
booking restrictions (impose, lift). Applicants are shown masked in lists; opening
a series unmasked is a 접속기록."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from facility_booking import permissions, selectors, selectors_fair
from facility_booking.forms import PaymentForm, RequiredReasonForm
from facility_booking.forms_fair import (
    DatesForm,
    RoundForm,
    RulesForm,
    SanctionForm,
    SeriesDecisionForm,
)
from facility_booking.models import (
    ACTIVE_BOOKING_STATES,
    ApplicationStatus,
    FacilityRules,
    LotteryRound,
    RecurringSeries,
    Sanction,
    Status,
    WaitlistEntry,
    WaitStatus,
)
from facility_booking.services import fairness, lottery, series
from facility_booking.services.reservations import reservation_record_payment
from facility_booking.views import apply_errors
from privacy.public import record_access

# Booking managers only (permissions.manager_page): anonymous → log-in; residents and other
# institutions' staff → 404 (the page does not exist for them); a member who is not a
# booking manager → 403 saying who may.
manager_required = permissions.manager_page


# -- lottery ----------------------------------------------------------------------------


@manager_required
def lottery_rounds(request):
    rounds = LotteryRound.objects.select_related("facility").annotate(
        slot_count=Count("slots", distinct=True),
        application_count=Count(
            "applications",
            filter=~Q(applications__status=ApplicationStatus.WITHDRAWN),
            distinct=True,
        ),
    )
    page = Paginator(rounds.order_by("-apply_closes_at", "-id"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request, "facility_booking/fair/manage_lottery.html", {"page": page, "now": timezone.now()}
    )


@manager_required
@require_http_methods(["GET", "POST"])
def lottery_new(request):
    form = RoundForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            planned = lottery.plan_slots(
                d["facility"],
                first=d["date_from"],
                last=d["date_to"],
                weekdays=d["weekdays"],
                day_start=d["day_start"],
                day_end=d["day_end"],
                minutes=d["slot_minutes"],
            )
            try:
                round = lottery.round_create(
                    actor=request.user,
                    facility=d["facility"],
                    title=d["title"],
                    description=d.get("description", ""),
                    apply_opens_at=d["apply_opens_at"],
                    apply_closes_at=d["apply_closes_at"],
                    slots=[(p.start, p.end) for p in planned if not p.problem],
                    residents_only=d["residents_only"],
                    max_wins=d["max_wins"],
                    max_choices=d["max_choices"],
                    institution=request.institution,
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = 400
            else:
                left_out = sum(1 for p in planned if p.problem)
                messages.success(
                    request,
                    _("추첨을 열었습니다: %(n)s개 시간 (제외 %(m)s개)")
                    % {"n": round.slots.count(), "m": left_out},
                )
                return redirect("facility_booking:manage_lottery_detail", pk=round.pk)
        else:
            status = 400
    return render(
        request, "facility_booking/fair/manage_lottery_new.html", {"form": form}, status=status
    )


@manager_required
def lottery_manage_detail(request, pk: int):
    round = selectors_fair.round_for_manager(pk)
    applications = (
        round.applications.exclude(status=ApplicationStatus.WITHDRAWN)
        .prefetch_related("choices__slot")
        .order_by("id")
    )
    slots = round.slots.annotate(
        demand=Count("choices", filter=~Q(choices__application__status=ApplicationStatus.WITHDRAWN))
    ).select_related("reservation")
    return render(
        request,
        "facility_booking/fair/manage_lottery_detail.html",
        {
            "round": round,
            "slots": slots,
            "applications": applications,
            "now": timezone.now(),
            "phase": round.phase(timezone.now()),
            "cancel_form": RequiredReasonForm(),
        },
    )


@manager_required
@require_POST
def lottery_draw(request, pk: int):
    round = selectors_fair.round_for_manager(pk)
    try:
        round = lottery.lottery_draw(
            round=round, actor=request.user, institution=request.institution
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("추첨했습니다. 당첨 %(n)s건") % {"n": len((round.result or {}).get("awards", []))},
        )
    return redirect("facility_booking:manage_lottery_detail", pk=pk)


@manager_required
@require_POST
def lottery_cancel(request, pk: int):
    round = selectors_fair.round_for_manager(pk)
    form = RequiredReasonForm(request.POST)
    if form.is_valid():
        try:
            lottery.round_cancel(
                actor=request.user,
                round=round,
                reason=form.cleaned_data["reason"],
                institution=request.institution,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("추첨을 취소했습니다. 신청자에게 알렸습니다."))
    else:
        messages.error(request, _("취소 사유를 입력해 주세요."))
    return redirect("facility_booking:manage_lottery_detail", pk=pk)


# -- recurring series -----------------------------------------------------------------------


@manager_required
def series_list(request):
    rows = RecurringSeries.objects.select_related("facility").annotate(
        pending=Count(
            "reservations",
            filter=Q(reservations__status=Status.REQUESTED, reservations__kind="booking"),
        )
    )
    page = Paginator(rows.order_by("-pending", "-created_at", "-id"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "facility_booking/fair/manage_series.html", {"page": page})


def _series_page(request, item, status=200, **forms):
    now = timezone.now()
    dates = selectors_fair.series_dates(item)
    pending = [d for d in dates if d.status == Status.REQUESTED]
    active = [d for d in dates if d.status in ACTIVE_BOOKING_STATES]
    bill = selectors_fair.series_bill(item)
    return render(
        request,
        "facility_booking/fair/manage_series_detail.html",
        {
            "series": item,
            "pattern": selectors_fair.series_pattern(item),
            "calendar": selectors_fair.series_calendar(item, now=now, booked=dates),
            "bill": bill,
            "decision_form": forms.get("decision_form")
            or SeriesDecisionForm(rows=pending, series=item),
            "cancel_form": forms.get("cancel_form") or DatesForm(rows=active),
            "payment_form": forms.get("payment_form")
            or PaymentForm(initial={"amount": bill.total_amount - bill.net_paid if bill else 0}),
            "has_pending": bool(pending),
        },
        status=status,
    )


@manager_required
def series_manage_detail(request, pk: int):
    item = selectors_fair.series_for_user(request.user, request.institution, pk)
    record_access(
        request,
        action="view",
        target=f"facility_booking.recurringseries:{item.pk}",
        purpose=_("정기대관 신청 확인·처리"),
        subject_id=item.applicant_id,
    )
    return _series_page(request, item)


@manager_required
@require_POST
def series_decide(request, pk: int):
    item = selectors_fair.series_for_user(request.user, request.institution, pk)
    pending = [d for d in selectors_fair.series_dates(item) if d.status == Status.REQUESTED]
    form = SeriesDecisionForm(request.POST, rows=pending, series=item)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "approve":
                category = d.get("discount_category")
                series.series_approve(
                    actor=request.user,
                    series=item,
                    dates=form.picked(),
                    discount_category=None if category == "keep" else category,
                    note=d.get("reason", ""),
                    institution=request.institution,
                )
                messages.success(request, _("승인했습니다."))
            else:
                series.series_reject(
                    actor=request.user,
                    series=item,
                    dates=form.picked(),
                    reason=d.get("reason", ""),
                    institution=request.institution,
                )
                messages.success(request, _("반려했습니다."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("facility_booking:manage_series_detail", pk=item.pk)
    return _series_page(request, item, status=400, decision_form=form)


@manager_required
@require_POST
def series_manage_cancel(request, pk: int):
    item = selectors_fair.series_for_user(request.user, request.institution, pk)
    active = [d for d in selectors_fair.series_dates(item) if d.status in ACTIVE_BOOKING_STATES]
    form = DatesForm(request.POST, rows=active)
    if form.is_valid():
        try:
            result = series.series_cancel(
                actor=request.user,
                series=item,
                dates=form.picked(),
                reason=form.cleaned_data.get("reason", ""),
                by_institution=True,
                institution=request.institution,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("기관 사정으로 %(n)s회를 취소했습니다(전액 환불 %(r)s원).")
                % {"n": result["cancelled"], "r": f"{result['refund']:,}"},
            )
            return redirect("facility_booking:manage_series_detail", pk=item.pk)
    return _series_page(request, item, status=400, cancel_form=form)


@manager_required
@require_POST
def series_payment(request, pk: int):
    """Record the bill paid at the desk or by bank transfer: every approved date is paid."""
    item = selectors_fair.series_for_user(request.user, request.institution, pk)
    bill = selectors_fair.series_bill(item)
    form = PaymentForm(request.POST)
    if bill is not None and form.is_valid():
        try:
            reservation_record_payment(
                actor=request.user,
                reservation=bill,
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("정기대관 결제를 기록했습니다."))
            return redirect("facility_booking:manage_series_detail", pk=item.pk)
    elif bill is None:
        form.add_error(None, _("결제할 금액이 없습니다."))
    return _series_page(request, item, status=400, payment_form=form)


# -- waitlist, rules, restrictions --------------------------------------------------------------


@manager_required
def waitlist_manage(request):
    entries = (
        WaitlistEntry.objects.filter(status__in=(WaitStatus.WAITING, WaitStatus.OFFERED))
        .select_related("facility", "reservation")
        .order_by("facility__name", "start", "created_at", "id")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.position = selectors_fair.waitlist_position(entry)
    return render(request, "facility_booking/fair/manage_waitlist.html", {"page": page})


@manager_required
@require_http_methods(["GET", "POST"])
def rules_edit(request, pk: int):
    facility = selectors.facility_for_manager(request.user, request.institution, pk)
    instance = FacilityRules.objects.filter(facility=facility).first() or FacilityRules(
        facility=facility
    )
    form = RulesForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fairness.rules_update(
                actor=request.user,
                facility=facility,
                institution=request.institution,
                **form.values(),
            )
            messages.success(request, _("공정 예약 규칙을 저장했습니다."))
            return redirect("facility_booking:manage_rules", pk=facility.pk)
        status = 400
    return render(
        request,
        "facility_booking/fair/manage_rules.html",
        {"facility": facility, "form": form},
        status=status,
    )


@manager_required
@require_http_methods(["GET", "POST"])
def sanctions(request):
    form = SanctionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            person = selectors_fair.sanctionable_person(d["email"])
            if person is None:
                form.add_error(
                    "email", _("이 기관에 예약·신청한 적이 있는 사람만 제한할 수 있습니다.")
                )
                status = 400
            else:
                try:
                    fairness.sanction_impose(
                        actor=request.user,
                        applicant=person,
                        facility=d.get("facility"),
                        days=d["days"],
                        reason=d["reason"],
                        institution=request.institution,
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                    status = 400
                else:
                    messages.success(request, _("예약 제한을 등록하고 본인에게 알렸습니다."))
                    return redirect("facility_booking:manage_sanctions")
        else:
            status = 400
    now = timezone.now()
    rows = Sanction.objects.select_related("facility").order_by("-ends_at", "-id")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    people = {
        u.pk: u for u in User.objects.filter(pk__in=[s.applicant_id for s in page.object_list])
    }
    for s in page.object_list:
        s.person = people.get(s.applicant_id)
        s.active = s.is_active(now)
    return render(
        request,
        "facility_booking/fair/manage_sanctions.html",
        {"form": form, "page": page, "lift_form": RequiredReasonForm()},
        status=status,
    )


@manager_required
@require_POST
def sanction_lift(request, pk: int):
    item = selectors_fair.sanction_for_manager(pk)
    form = RequiredReasonForm(request.POST)
    if form.is_valid():
        fairness.sanction_lift(
            actor=request.user,
            sanction=item,
            reason=form.cleaned_data["reason"],
            institution=request.institution,
        )
        messages.success(request, _("예약 제한을 해제했습니다."))
    else:
        messages.error(request, _("해제 사유를 입력해 주세요."))
    return redirect("facility_booking:manage_sanctions")
