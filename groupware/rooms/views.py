"""회의실·차량 예약 page: internal facilities, the day's bookings, book through the engine."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_page
from groupware.rooms import permissions, selectors, services
from groupware.rooms.forms import InternalBookingForm
from suite.forms import apply_errors


def _parse_day(value: str):
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date
    except (TypeError, ValueError):
        return timezone.localdate()
    return day if 1900 <= day.year <= 2200 else timezone.localdate()


@staff_page(permissions.can_book_internal)
@require_http_methods(["GET", "POST"])
def resources(request):
    """회의실·차량 예약: internal facilities, the day's bookings, book through the engine."""
    day = _parse_day(request.GET.get("date", ""))
    facilities = list(selectors.internal_facilities(request.user, request.institution))
    form = InternalBookingForm(request.POST or None, facilities=facilities, initial={"date": day})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                reservation = services.book(
                    actor=request.user,
                    institution=request.institution,
                    facility=data["facility"],
                    start=data["start"],
                    end=data["end"],
                    purpose=data["purpose"],
                    headcount=data["headcount"] or 1,
                )
            except ValidationError as error:
                apply_errors(form, services.form_error(error))
                status = 409 if services.is_conflict(error) else 400
            else:
                label = reservation.get_status_display()
                messages.success(
                    request,
                    _("%(facility)s 예약을 신청했습니다. (%(status)s)")
                    % {"facility": data["facility"].name, "status": label},
                )
                return redirect(f"{request.path}?date={data['start']:%Y-%m-%d}")
        else:
            status = 400
        # a refused booking shows the day it asked for, so another free time can be picked
        asked = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
        if asked and 1900 <= asked.year <= 2200:
            day = asked
    day_start = timezone.make_aware(datetime.combine(day, time.min))
    rows = selectors.bookings_between(day_start, day_start + timedelta(days=1), internal_only=True)
    by_facility: dict = {f.pk: [] for f in facilities}
    for row in rows:
        by_facility.setdefault(row.facility_id, []).append(row)
    return render(
        request,
        "groupware/resources.html",
        {
            "facilities": [(f, by_facility.get(f.pk, [])) for f in facilities],
            "day": day,
            "prev_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "form": form,
            "mine": selectors.my_bookings(request.user, timezone.now()),
            "active": "resources",
        },
        status=status,
    )


@staff_page(permissions.can_book_internal)
@require_POST
def resource_cancel(request, reservation_id: int):
    try:
        services.cancel(
            actor=request.user,
            institution=request.institution,
            reservation_id=reservation_id,
            reason=_("직원 본인 취소"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("예약을 취소했습니다."))
    return redirect("groupware:resources")
