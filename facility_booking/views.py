"""Resident pages: browse facilities, availability, apply, my bookings, documents, feeds."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from facility_booking import availability, documents, ics, pricing, rules, selectors, services
from facility_booking.forms import ApplyForm, FacilityFilterForm, ProofForm, ReasonForm
from facility_booking.models import (
    HOLDING_STATES,
    CalendarFeed,
    Kind,
    Reservation,
    Status,
)
from facility_booking.state import allowed_actions
from facility_booking.views_queue import guard_apply
from privacy.public import record_access, record_consents
from suite.forms import apply_errors as shared_apply_errors

# Refusals about the day itself (not the time of day) sit on the form's date field.
DAY_CODES = frozenset(
    {"closed_date", "holiday", "closed_weekday", "window_not_open", "too_far", "multi_day"}
)


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's Korean messages on the form next to the field that is wrong: the
    service's ``start`` errors on the start time (the date when the day is the problem),
    its ``end`` errors on the end time."""
    if not hasattr(error, "error_dict") or "date" not in form.fields:
        shared_apply_errors(form, error, aliases={"start": "start_time", "end": "end_time"})
        return
    for field, errors in error.error_dict.items():
        for item in errors:
            target = {"start": "start_time", "end": "end_time"}.get(field, field)
            if field in ("start", "end") and item.code in DAY_CODES:
                target = "date"
            form.add_error(target if target in form.fields else None, item.messages)


def _day_param(request, default: dt.date) -> dt.date:
    """?date=YYYY-MM-DD within today ± 2 years, else ``default``."""
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return default
    return day if rules.in_range(day) else default


def facility_list(request):
    """Facilities of this institution, with filters: kind, capacity, a date with free time."""
    form = FacilityFilterForm(request.GET or None)
    facilities = selectors.facilities_visible(request.user, request.institution).prefetch_related(
        "photos", "hours"
    )
    day = None
    if form.is_valid():
        data = form.cleaned_data
        if data.get("kind"):
            facilities = facilities.filter(kind=data["kind"])
        if data.get("capacity"):
            facilities = facilities.filter(capacity__gte=data["capacity"])
        day = data.get("date")
    facilities = list(facilities)
    if day:
        facilities = [f for f in facilities if availability.has_free_time(f, day)]
    return render(
        request,
        "facility_booking/facility_list.html",
        {"form": form, "facilities": facilities, "day": day},
    )


def facility_detail(request, pk: int):
    """Rules, fees and the availability calendar (week or month) of one facility; a
    signed-in resident also sees their bookings counting against the per-person limit."""
    facility = selectors.facility_for_user(request.user, request.institution, pk)
    today = timezone.localdate()
    day = _day_param(request, today)
    view = "month" if request.GET.get("view") == "month" else "week"
    context = {
        "facility": facility,
        "view": view,
        "day": day,
        "discounts": facility.discounts.all(),
        "refund_tiers": facility.refund_tiers.all(),
        "equipment": facility.equipment.all(),
        "photos": facility.photos.all(),
        "hours": facility.hours.all(),
        "closed_dates": facility.closed_dates.filter(date__gte=today)[:10],
        "person_limit": selectors.person_limit(request.user, facility, timezone.now()),
    }
    if view == "month":
        first = day.replace(day=1)
        context["weeks"] = availability.month(facility, first.year, first.month)
        context["prev"] = (first - dt.timedelta(days=1)).replace(day=1)
        context["next"] = (first + dt.timedelta(days=32)).replace(day=1)
    else:
        days = availability.week(facility, day)
        context["days"] = days
        context["prev"] = days[0].date - dt.timedelta(days=7)
        context["next"] = days[0].date + dt.timedelta(days=7)
    return render(request, "facility_booking/facility_detail.html", context)


def _preview(form, facility, institution, user=None):
    """The request's rules checked (the per-person limit too) and its price, storing
    nothing: the same ``reservation_quote`` the request itself passes."""
    data = form.service_kwargs()
    try:
        return services.reservation_quote(
            facility=facility,
            institution=institution,
            applicant=user,
            start=data["start"],
            end=data["end"],
            headcount=data["headcount"],
            discount_categories=data["discount_categories"],
            equipment_ids=data["equipment_ids"],
        )
    except ValidationError as error:
        apply_errors(form, error)
        return None


@guard_apply  # the opening's waiting room and the booking rate limits (views_queue.py)
@login_required
@require_http_methods(["GET", "POST"])
def facility_apply(request, pk: int):
    """Apply: the itemised price is shown (preview) before the request is submitted."""
    facility = selectors.facility_for_user(request.user, request.institution, pk)
    initial = {"contact_phone": request.user.phone}
    if request.method != "POST":  # a posted form shows what was posted: no default day
        initial["date"] = _day_param(request, _first_free_day(facility))
    start = request.GET.get("start", "")
    if len(start) == 5 and start[2] == ":" and start.replace(":", "").isdigit():
        initial["start_time"] = start
        minutes = int(start[:2]) * 60 + int(start[3:]) + facility.min_minutes
        if minutes < 24 * 60:
            initial["end_time"] = f"{minutes // 60:02d}:{minutes % 60:02d}"
    previewing = request.POST.get("action") == "preview"
    form = ApplyForm(
        request.POST or None,
        request.FILES or None,
        facility=facility,
        initial=initial,
        slot_menus=True,
        # The page refreshing itself (htmx) after the date or start changed: the times
        # follow the new menus instead of keeping one they no longer offer.
        fit=bool(getattr(request, "htmx", False)) and previewing,
    )
    quote = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if request.POST.get("action") == "submit" and not form.check_consents():
                status = 400
            elif request.POST.get("action") == "submit":
                data = form.service_kwargs()
                try:
                    reservation = services.reservation_request(
                        actor=request.user,
                        institution=request.institution,
                        facility=facility,
                        # a taken slot is refused from this one read (no rules, no locks)
                        taken=services.slot_taken(facility, data["start"], data["end"]),
                        **data,
                    )
                    record_consents(
                        user=request.user,
                        form=form,
                        request=request,
                        context=f"booking:{reservation.pk}",
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                    status = 409 if getattr(error, "booking_code", "") == "slot_taken" else 400
                else:
                    proof = form.cleaned_data.get("discount_proof")
                    if proof and reservation.claimed_discounts:
                        # Checked by content already (the form); the booking stands either way.
                        try:
                            services.proof_add(
                                actor=request.user,
                                institution=request.institution,
                                reservation=reservation,
                                category=reservation.discount_category
                                or reservation.claimed_discounts[0],
                                upload=proof,
                            )
                        except ValidationError as error:
                            messages.warning(request, " ".join(error.messages))
                    messages.success(
                        request,
                        _("신청이 접수되었습니다. 예약번호 %(number)s")
                        % {"number": reservation.number},
                    )
                    return redirect("facility_booking:my_booking", pk=reservation.pk)
            else:
                quote = _preview(form, facility, request.institution, request.user)
                if quote is None:
                    status = 400
        else:
            status = 400
    if getattr(request, "htmx", False) and previewing:
        # htmx swaps only 2xx answers: the price box carries the errors itself, and the
        # time menus come along (out of band) for the date and start now chosen.
        return render(
            request,
            "facility_booking/_quote.html",
            {"facility": facility, "form": form, "quote": quote, "partial": True},
        )
    return render(
        request,
        "facility_booking/apply.html",
        {
            "facility": facility,
            "form": form,
            "quote": quote,
            "person_limit": selectors.person_limit(request.user, facility, timezone.now()),
        },
        status=status,
    )


def _first_free_day(facility) -> dt.date:
    """The apply form's default date: the first day from today with a time one can still
    book (within the booking window), else tomorrow."""
    today = timezone.localdate()
    ahead = min(max(int(facility.window_open_days), 1) + 1, 62)
    for day in availability.days(facility, today, ahead):
        if day.state == availability.FREE:
            return day.date
    return today + dt.timedelta(days=1)


@login_required
def my_bookings(request):
    """The person's bookings at this institution, newest first."""
    bookings = selectors.reservations_of(request.user)
    page = Paginator(bookings, 20).get_page(request.GET.get("page"))
    return render(request, "facility_booking/my_bookings.html", {"page": page})


def _own(request, pk) -> Reservation:
    """Only the applicant sees 'my' pages; others get the same 404 as a missing id."""
    reservation = selectors.reservation_for_user(request.user, request.institution, pk)
    if reservation.applicant_id != request.user.pk or reservation.kind != Kind.BOOKING:
        raise Http404
    return reservation


def _my_booking_context(reservation, **extra) -> dict:
    actions = allowed_actions(reservation, staff=False)
    return {
        "r": reservation,
        "actions": actions,
        "events": reservation.events.all(),
        "can_cancel": "cancel" in actions,
        "entries": reservation.ledger_entries.all(),
        "orders": reservation.payment_orders.all()[:10],
        "refunds": reservation.refunds.all(),
        "proofs": reservation.proofs.all(),
        "payable": "pay" in actions,
        **extra,
    }


@login_required
def my_booking(request, pk: int):
    reservation = _own(request, pk)
    return render(
        request,
        "facility_booking/my_booking.html",
        _my_booking_context(reservation, proof_form=ProofForm(reservation=reservation)),
    )


@login_required
@require_http_methods(["POST"])
def my_booking_proof(request, pk: int):
    """Attach a 감면 proof (PDF, JPG, PNG) to one's own booking."""
    reservation = _own(request, pk)
    form = ProofForm(request.POST, request.FILES, reservation=reservation)
    if form.is_valid():
        try:
            services.proof_add(
                actor=request.user,
                institution=request.institution,
                reservation=reservation,
                category=form.cleaned_data["category"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("증빙을 올렸습니다. 담당자가 확인한 뒤 알려 드립니다."))
            return redirect("facility_booking:my_booking", pk=reservation.pk)
    return render(
        request,
        "facility_booking/my_booking.html",
        _my_booking_context(reservation, proof_form=form),
        status=400,
    )


def proof_response(proof) -> FileResponse:
    """A proof file to someone allowed to see it: never cached, never run as a page."""
    response = FileResponse(
        proof.file.open("rb"),
        content_type=proof.content_type,
        as_attachment=proof.content_type == "application/pdf",
        filename=f"proof-{proof.pk}"
        + {"application/pdf": ".pdf", "image/png": ".png"}.get(proof.content_type, ".jpg"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def proof_file(request, pk: int, proof_pk: int):
    """A proof, to the applicant or the institution's booking managers (404 otherwise)."""
    reservation = _document_reservation(request, pk)
    proof = reservation.proofs.filter(pk=proof_pk, purged_at__isnull=True).first()
    if proof is None or not proof.file:
        raise Http404
    if reservation.applicant_id != request.user.pk:
        record_access(
            request,
            action="download",
            target=f"facility_booking.discountproof:{proof.pk}",
            purpose=_("감면 증빙 확인"),
            subject_id=reservation.applicant_id,
        )
    return proof_response(proof)


@login_required
@require_http_methods(["GET", "POST"])
def my_booking_cancel(request, pk: int):
    """Confirm page shows the refund; POST cancels."""
    reservation = _own(request, pk)
    if request.method == "GET" and "cancel" not in allowed_actions(reservation, staff=False):
        # No confirm page (and no refund figure) for something that cannot be cancelled.
        messages.info(request, _("이 예약은 지금 취소할 수 없습니다."))
        return redirect("facility_booking:my_booking", pk=reservation.pk)
    refund = services.cancellation_refund(reservation, by_institution=False)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.reservation_cancel(
                actor=request.user,
                institution=request.institution,
                reservation=reservation,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
            status = 409
        else:
            messages.success(request, _("예약을 취소했습니다."))
            return redirect("facility_booking:my_booking", pk=reservation.pk)
    percent = (
        pricing.refund_percent(reservation.facility, reservation.start, timezone.now())
        if reservation.net_paid
        else None
    )
    return render(
        request,
        "facility_booking/cancel_confirm.html",
        {"r": reservation, "refund": refund, "percent": percent, "form": form},
        status=status,
    )


def _document_reservation(request, pk) -> Reservation:
    """The applicant or the institution's booking managers may download."""
    reservation = selectors.reservation_for_user(request.user, request.institution, pk)
    if reservation.kind != Kind.BOOKING:
        raise Http404
    return reservation


@login_required
def permit_pdf(request, pk: int):
    """대관 허가서, once approved (approved, paid or completed)."""
    reservation = _document_reservation(request, pk)
    if "permit" not in allowed_actions(reservation, staff=False):
        raise Http404
    _record_staff_download(request, reservation, "permit")
    return documents.file_response(reservation, documents.PERMIT)  # stored, rendered once


@login_required
def receipt_pdf(request, pk: int):
    """영수증, once anything was paid (refunds show on it too)."""
    reservation = _document_reservation(request, pk)
    if not reservation.ledger_entries.exists():
        raise Http404
    _record_staff_download(request, reservation, "receipt")
    return documents.file_response(reservation, documents.RECEIPT)  # stored, rendered once


def _record_staff_download(request, reservation, kind: str) -> None:
    """Staff downloading a resident's document is a 접속기록 (the resident's own is not)."""
    if reservation.applicant_id != request.user.pk:
        record_access(
            request,
            action="download",
            target=f"facility_booking.reservation:{reservation.pk}:{kind}",
            purpose=_("대관 서류 발급"),
            subject_id=reservation.applicant_id,
        )


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def booking_ics(request, pk: int):
    reservation = _document_reservation(request, pk)
    return _ics_response(
        ics.single_booking(reservation, institution=request.institution),
        f"{reservation.number}.ics",
    )


@login_required
@require_http_methods(["GET", "POST"])
def feed_manage(request):
    """Show the private feed URL; POST issues a new one (the old URL stops working)."""
    if request.method == "POST":
        services.feed_rotate(user=request.user)
        messages.success(
            request, _("새 주소를 발급했습니다. 이전 주소는 더 이상 동작하지 않습니다.")
        )
        return redirect("facility_booking:feed_manage")
    feed = services.feed_for(request.user)
    url = request.build_absolute_uri(f"/facilities/feed/{feed.token}.ics")
    return render(request, "facility_booking/feed.html", {"feed_url": url})


def feed_private(request, token: str):
    """A person's bookings here as iCalendar, at a secret URL (no log-in)."""
    feed = get_object_or_404(CalendarFeed, token=token)
    bookings = (
        Reservation.objects.filter(applicant_id=feed.user_id, kind=Kind.BOOKING)
        .exclude(status__in=[Status.REJECTED, Status.EXPIRED])
        .select_related("facility")
        .order_by("start")
    )
    return _ics_response(
        ics.personal_feed(
            bookings, name=f"{request.institution.name} 내 예약", institution=request.institution
        ),
        "my-bookings.ics",
    )


def facility_feed(request, pk: int):
    """Public feed of busy periods of a public facility (no personal data)."""
    facility = selectors.facility_for_user(None, request.institution, pk)
    since = timezone.now() - dt.timedelta(days=30)
    busy = Reservation.objects.filter(
        facility=facility, status__in=HOLDING_STATES, end__gte=since
    ).order_by("start")
    return _ics_response(ics.facility_feed(facility, busy), f"facility-{facility.pk}.ics")
