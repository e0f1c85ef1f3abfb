"""Booking managers' pages (institution admin, facility manager): the queue and
decisions, walk-in bookings, blocks, facility settings and monthly reports. Every page is
behind ``permissions.manager_page`` (accounts.access.staff_page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from facility_booking import reports, selectors, services
from facility_booking.forms import (
    ApplyForm,
    ApproveForm,
    BlockForm,
    BookingSearchForm,
    ClosedDateForm,
    DiscountDecisionForm,
    DiscountsForm,
    EquipmentForm,
    FacilityForm,
    HoursForm,
    PaymentForm,
    PhotoForm,
    ReasonForm,
    RefundTiersForm,
    ReportForm,
    RequiredReasonForm,
)
from facility_booking.models import ClosedDate, Facility, FacilityPhoto, Kind, Reservation, Status
from facility_booking.permissions import manager_page
from facility_booking.state import allowed_actions
from facility_booking.views import apply_errors
from privacy.public import record_access


def _booking(pk, *, money: bool = False) -> Reservation:
    """The booking or 404; ``money``: its ledger sums read along (pages that show them)."""
    rows = Reservation.objects.select_related("facility")
    if money:
        rows = rows.with_money()
    try:
        return rows.get(pk=int(pk), kind=Kind.BOOKING)
    except (Reservation.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


# Rows per page on the booking managers' page: the requests awaiting a decision and those
# awaiting payment, and the searchable list of all bookings.
QUEUE_PAGE = 10
LIST_PAGE = 20


@manager_page
def queue(request):
    """Requests awaiting a decision (oldest first), then a searchable list of all bookings."""
    form = BookingSearchForm(request.GET or None)
    bookings = Reservation.objects.filter(kind=Kind.BOOKING).select_related("facility")
    if form.is_valid():
        d = form.cleaned_data
        if d.get("status"):
            bookings = bookings.filter(status=d["status"])
        if d.get("facility"):
            bookings = bookings.filter(facility=d["facility"])
        if d.get("date_from"):
            bookings = bookings.filter(start__date__gte=d["date_from"])
        if d.get("date_to"):
            bookings = bookings.filter(start__date__lte=d["date_to"])
        if d.get("q"):
            term = d["q"].strip()
            condition = Q(applicant_name__icontains=term) | Q(organisation__icontains=term)
            digits = term.rsplit("-", 1)[-1]
            # ASCII digits only: "²".isdigit() is True but int("²") fails.
            if digits.isascii() and digits.isdigit() and len(digits) <= 18:
                condition |= Q(pk=int(digits))
            bookings = bookings.filter(condition)
    # Each list is paged on its own (a phone shows a row as a card): its own page parameter,
    # the search filters kept in every page link (includes/pagination.html).
    page = Paginator(bookings.order_by("-start", "-id"), LIST_PAGE).get_page(
        request.GET.get("page")
    )
    pending = Paginator(selectors.queue(), QUEUE_PAGE).get_page(request.GET.get("pending_page"))
    awaiting_payment = Paginator(
        Reservation.objects.filter(kind=Kind.BOOKING, status=Status.APPROVED, total_amount__gt=0)
        .select_related("facility")
        .order_by("payment_due", "id"),
        QUEUE_PAGE,
    ).get_page(request.GET.get("pay_page"))
    # Lists show applicants masked (홍*동); a search by name or number is still recorded.
    if form.is_valid() and form.cleaned_data.get("q"):
        record_access(
            request,
            action="search",
            target="facility_booking.reservation:list",
            purpose=_("대관 신청 검색"),
            row_count=len(page.object_list),
        )
    return render(
        request,
        "facility_booking/manage/queue.html",
        {
            "pending": pending,
            "awaiting_payment": awaiting_payment,
            "form": form,
            "page": page,
        },
    )


@manager_page
def booking_detail(request, pk: int):
    r = _booking(pk, money=True)
    # Opening a booking shows the applicant unmasked: recorded in the 접속기록.
    record_access(
        request,
        action="view",
        target=f"facility_booking.reservation:{r.pk}",
        purpose=_("대관 신청 확인·처리"),
        subject_id=r.applicant_id,
    )
    return render(
        request, "facility_booking/manage/booking.html", _detail_context(r, request.institution)
    )


def _detail_context(r, institution, **forms):
    from notifications.public import messages_about
    from payments.public import ManualRefundForm

    ref = f"facility_booking.reservation:{r.pk}"
    now = timezone.now()
    return {
        "r": r,
        "actions": allowed_actions(r, staff=True, now=now),
        "events": r.events.all(),
        "approve_form": forms.get("approve_form") or ApproveForm(reservation=r),
        "reject_form": forms.get("reject_form") or RequiredReasonForm(),
        "payment_form": forms.get("payment_form")
        or PaymentForm(initial={"amount": r.total_amount - r.net_paid}),
        "cancel_form": forms.get("cancel_form") or RequiredReasonForm(),
        "discount_form": forms.get("discount_form") or DiscountDecisionForm(),
        "refund_form": ManualRefundForm(),
        "refund_if_cancelled": r.net_paid,
        "entries": r.ledger_entries.all(),
        "orders": r.payment_orders.all()[:10],
        "refunds": r.refunds.all(),
        "proofs": r.proofs.all(),
        # booking ids repeat across institutions: only this institution's messages
        "notices": messages_about(ref, institution=institution)[:20],
        "staff_view": True,
        "now": now,
    }


def _act(request, pk, form_class, form_key, action, form_kwargs=None):
    r = _booking(pk)
    form = form_class(request.POST, **(form_kwargs(r) if form_kwargs else {}))
    if form.is_valid():
        try:
            action(r, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("facility_booking:manage_booking", pk=r.pk)
    r.refresh_from_db()
    context = _detail_context(r, request.institution, **{form_key: form})
    context["action_errors"] = [e for errors in form.errors.values() for e in errors]
    return render(request, "facility_booking/manage/booking.html", context, status=400)


@manager_page
@require_POST
def approve(request, pk: int):
    def action(r, d):
        services.reservation_approve(
            actor=request.user,
            institution=request.institution,
            reservation=r,
            discount_category=d.get("discount_category") or "",
            fee=d.get("fee"),
            note=d.get("note", ""),
        )
        messages.success(request, _("승인했습니다."))

    return _act(request, pk, ApproveForm, "approve_form", action, lambda r: {"reservation": r})


@manager_page
@require_POST
def reject(request, pk: int):
    def action(r, d):
        services.reservation_reject(
            actor=request.user, institution=request.institution, reservation=r, reason=d["reason"]
        )
        messages.success(request, _("반려했습니다."))

    return _act(request, pk, RequiredReasonForm, "reject_form", action)


@manager_page
@require_POST
def record_payment(request, pk: int):
    def action(r, d):
        services.reservation_record_payment(
            actor=request.user,
            institution=request.institution,
            reservation=r,
            amount=d["amount"],
            method=d["method"],
            note=d.get("note", ""),
        )
        messages.success(request, _("결제를 기록했습니다."))

    return _act(request, pk, PaymentForm, "payment_form", action)


@manager_page
@require_POST
def cancel(request, pk: int):
    def action(r, d):
        services.reservation_cancel(
            actor=request.user,
            institution=request.institution,
            reservation=r,
            reason=d["reason"],
            by_institution=True,
        )
        messages.success(request, _("기관 사정으로 취소했습니다(전액 환불)."))

    return _act(request, pk, RequiredReasonForm, "cancel_form", action)


@manager_page
@require_POST
def discount(request, pk: int):
    """Accept or refuse the claimed 감면 after checking the proof; the fee is recomputed."""

    def action(r, d):
        services.discount_decide(
            actor=request.user,
            institution=request.institution,
            reservation=r,
            accept=d["decision"] == "accept",
            reason=d.get("reason", ""),
        )
        messages.success(request, _("감면 확인 결과를 저장하고 신청자에게 알렸습니다."))

    return _act(request, pk, DiscountDecisionForm, "discount_form", action)


@manager_page
@require_POST
def complete(request, pk: int):
    def action(r, d):
        services.reservation_complete(
            actor=request.user, institution=request.institution, reservation=r
        )
        messages.success(request, _("이용 완료로 처리했습니다."))

    return _act(request, pk, ReasonForm, "reject_form", action)


@manager_page
@require_POST
def no_show(request, pk: int):
    def action(r, d):
        services.reservation_mark_no_show(
            actor=request.user, institution=request.institution, reservation=r
        )
        messages.success(request, _("미이용(노쇼)으로 처리했습니다."))

    return _act(request, pk, ReasonForm, "reject_form", action)


@manager_page
@require_http_methods(["GET", "POST"])
def walk_in(request):
    """Book for a walk-in or phone applicant (skips the booking window)."""
    facilities = Facility.objects.filter(is_active=True)
    facility = None
    facility_id = request.POST.get("facility") or request.GET.get("facility")
    if facility_id:
        valid = facility_id.isascii() and facility_id.isdigit() and len(facility_id) <= 18
        facility = facilities.filter(pk=int(facility_id)).first() if valid else None
        if facility is None:
            raise Http404
    form = None
    status = 200
    if facility is not None:
        form = ApplyForm(
            request.POST or None,
            facility=facility,
            on_behalf=True,
            initial={"date": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            email = (form.cleaned_data.get("applicant_email") or "").strip()
            applicant = User.objects.filter(email__iexact=email).first() if email else None
            try:
                r = services.reservation_request(
                    actor=request.user,
                    institution=request.institution,
                    facility=facility,
                    on_behalf=True,
                    applicant=applicant,
                    applicant_name=form.cleaned_data["applicant_name"],
                    applicant_email=email,
                    **form.service_kwargs(),
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = 400
            else:
                messages.success(request, _("접수했습니다. 예약번호 %(n)s") % {"n": r.number})
                return redirect("facility_booking:manage_booking", pk=r.pk)
        elif request.method == "POST":
            status = 400
    return render(
        request,
        "facility_booking/manage/walk_in.html",
        {"facilities": facilities, "facility": facility, "form": form},
        status=status,
    )


@manager_page
@require_http_methods(["GET", "POST"])
def blocks(request):
    """Block time for maintenance or internal use; list upcoming blocks."""
    form = BlockForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.block_create(
                    actor=request.user,
                    institution=request.institution,
                    facility=d["facility"],
                    start=d["start"],
                    end=d["end"],
                    reason=d["reason"],
                    note=d.get("note", ""),
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = 409 if getattr(error, "booking_code", "") == "slot_taken" else 400
            else:
                messages.success(request, _("사용 제한을 등록했습니다."))
                return redirect("facility_booking:manage_blocks")
        else:
            status = 400
    upcoming = (
        Reservation.objects.filter(kind=Kind.BLOCK, status=Status.BLOCKED, end__gte=timezone.now())
        .select_related("facility", "created_by")
        .order_by("start")
    )
    return render(
        request,
        "facility_booking/manage/blocks.html",
        {"form": form, "blocks": upcoming},
        status=status,
    )


@manager_page
@require_POST
def block_remove(request, pk: int):
    block = get_object_or_404(Reservation, pk=pk, kind=Kind.BLOCK, status=Status.BLOCKED)
    services.block_remove(actor=request.user, institution=request.institution, block=block)
    messages.success(request, _("사용 제한을 해제했습니다."))
    return redirect("facility_booking:manage_blocks")


# -- facilities ----------------------------------------------------------------------


@manager_page
def facilities(request):
    return render(
        request,
        "facility_booking/manage/facilities.html",
        {"facilities": Facility.objects.all().prefetch_related("hours")},
    )


def _facility_forms(request, facility):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    return {
        "form": FacilityForm(data, files, instance=facility, prefix="f"),
        "hours_form": HoursForm(data, facility=facility, prefix="h"),
        "discounts_form": DiscountsForm(data, facility=facility, prefix="d"),
        "refunds_form": RefundTiersForm(data, facility=facility, prefix="r"),
        "equipment_form": EquipmentForm(data, facility=facility, prefix="e"),
    }


@manager_page
@require_http_methods(["GET", "POST"])
def facility_edit(request, pk: int | None = None):
    """Create or edit a facility with its hours, discounts, refund tiers and equipment."""
    facility = get_object_or_404(Facility, pk=pk) if pk is not None else None
    forms = _facility_forms(request, facility)
    status = 200
    if request.method == "POST":
        if all(f.is_valid() for f in forms.values()):
            fields = {
                name: forms["form"].cleaned_data[name]
                for name in forms["form"].Meta.fields
                if name in forms["form"].cleaned_data
            }
            who = {"actor": request.user, "institution": request.institution}
            with transaction.atomic():
                if facility is None:
                    facility = services.facility_create(**who, **fields)
                else:
                    facility = services.facility_update(**who, facility=facility, **fields)
                services.facility_set_hours(
                    **who, facility=facility, hours=forms["hours_form"].hours()
                )
                services.facility_set_discounts(
                    **who, facility=facility, discounts=forms["discounts_form"].discounts()
                )
                services.facility_set_refund_tiers(
                    **who, facility=facility, tiers=forms["refunds_form"].tiers()
                )
                services.facility_set_equipment(
                    **who, facility=facility, items=forms["equipment_form"].cleaned_data["items"]
                )
            messages.success(request, _("저장했습니다."))
            return redirect("facility_booking:manage_facility_edit", pk=facility.pk)
        status = 400
    return render(
        request,
        "facility_booking/manage/facility_form.html",
        {"facility": facility, **forms},
        status=status,
    )


def _posted_id(request) -> int:
    """The row id a remove button posts; garbage becomes 0 (no row → 404)."""
    value = request.POST.get("id") or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else 0


@manager_page
@require_http_methods(["GET", "POST"])
def facility_extras(request, pk: int):
    """Closed dates and photos of a facility."""
    facility = get_object_or_404(Facility, pk=pk)
    closed_form = ClosedDateForm(request.POST if request.POST.get("what") == "closed" else None)
    photo_form = PhotoForm(
        request.POST if request.POST.get("what") == "photo" else None,
        request.FILES if request.POST.get("what") == "photo" else None,
    )
    status = 200
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "closed" and closed_form.is_valid():
            services.closed_date_add(
                actor=request.user,
                institution=request.institution,
                facility=facility,
                **closed_form.cleaned_data,
            )
            messages.success(request, _("휴관일을 지정했습니다."))
            affected = Reservation.objects.filter(
                facility=facility,
                kind=Kind.BOOKING,
                status__in=[Status.REQUESTED, Status.APPROVED, Status.PAID],
                start__date=closed_form.cleaned_data["date"],
            ).count()
            if affected:
                messages.warning(
                    request,
                    _(
                        "그날 진행 중인 예약이 %(n)s건 있습니다. 신청 관리에서 "
                        "기관 사정 취소(전액 환불)로 처리해 주세요."
                    )
                    % {"n": affected},
                )
            return redirect("facility_booking:manage_facility_extras", pk=facility.pk)
        if what == "photo" and photo_form.is_valid():
            services.photo_add(
                actor=request.user,
                institution=request.institution,
                facility=facility,
                **photo_form.cleaned_data,
            )
            messages.success(request, _("사진을 올렸습니다."))
            return redirect("facility_booking:manage_facility_extras", pk=facility.pk)
        if what == "remove_closed":
            closed = get_object_or_404(ClosedDate, pk=_posted_id(request), facility=facility)
            services.closed_date_remove(
                actor=request.user, institution=request.institution, closed=closed
            )
            return redirect("facility_booking:manage_facility_extras", pk=facility.pk)
        if what == "remove_photo":
            photo = get_object_or_404(FacilityPhoto, pk=_posted_id(request), facility=facility)
            services.photo_remove(actor=request.user, institution=request.institution, photo=photo)
            return redirect("facility_booking:manage_facility_extras", pk=facility.pk)
        status = 400
    return render(
        request,
        "facility_booking/manage/facility_extras.html",
        {
            "facility": facility,
            "closed_form": closed_form,
            "photo_form": photo_form,
            "closed_dates": facility.closed_dates.filter(date__gte=timezone.localdate()),
            "photos": facility.photos.all(),
        },
        status=status,
    )


# -- reports ----------------------------------------------------------------------


def _report(request):
    form = ReportForm(request.GET or None)
    month = timezone.localdate().replace(day=1)
    facility = None
    if form.is_valid():
        month = form.cleaned_data["month"]
        facility = form.cleaned_data.get("facility")
    return form, month, facility, reports.monthly(month, facility)


@manager_page
def report(request):
    form, month, facility, rows = _report(request)
    query = request.GET.urlencode()
    return render(
        request,
        "facility_booking/manage/report.html",
        {
            "form": form,
            "month": month,
            "rows": rows,
            "totals": reports.totals(rows),
            "query": query,
        },
    )


@manager_page
def report_csv(request):
    _form, month, _facility, rows = _report(request)
    response = HttpResponse(reports.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="facility-report-{month:%Y-%m}.csv"'
    return response


@manager_page
def report_xlsx(request):
    _form, month, _facility, rows = _report(request)
    response = HttpResponse(
        reports.as_xlsx(rows, title=f"{month:%Y-%m}"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="facility-report-{month:%Y-%m}.xlsx"'
    return response
