"""Recurring club bookings (정기대관): a weekly pattern over a period.

Applying holds every date that can be held (a ``Reservation`` per date, ``series`` set,
the same exclusion constraint as any booking); dates that clash (closed, holiday,
another booking, a lottery slot) are recorded with the reason. Staff approve or reject
the dates — all at once or one by one — and once none is left undecided the approved
dates' fees (each priced on its own, 감면 included) become one bill: a ``Reservation``
of kind ``series`` that holds no slot and is paid through payments like a booking.
Paying the bill pays every approved date; cancelling dates refunds each by the
facility's tiers (the institution: in full) out of the bill's payment.

Locks: ``lock_facility`` first, then the series row, the bill, the dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from facility_booking import permissions, pricing, rules
from facility_booking.errors import BookingError, InvalidTransition
from facility_booking.models import (
    ACTIVE_BOOKING_STATES,
    Discount,
    Facility,
    Kind,
    Origin,
    RecurringSeries,
    Reservation,
    SeriesStatus,
    Status,
)
from facility_booking.portal import publish_booking
from facility_booking.services import fairness, waitlist
from facility_booking.services.holding import (
    held,
    hold_period,
    insert_booking,
    lock_facility,
    payment_due,
)
from facility_booking.state import record_event, transition
from institution.audit import audit_record
from suite.dates import kdate_weekday

# Refusals about one date (skip it) rather than about the pattern (refuse the series).
DATE_CODES = frozenset({"closed_date", "holiday", "closed_weekday", "past"})


def _audit(actor, action: str, series: RecurringSeries, summary: str, reason: str = "", data=None):
    audit_record(
        actor=actor,
        action=f"facility_booking.{action}",
        summary=f"{series.number} {summary}",
        target=series,
        reason=reason,
        data=data or {},
    )


def _require_manager(actor, institution) -> None:
    if not permissions.can_manage_bookings(actor, institution):
        raise PermissionDenied


def _date_label(reservation: Reservation) -> str:
    start, end = rules.local(reservation.start), rules.local(reservation.end)
    return f"{kdate_weekday(start)} {start:%H:%M}–{end:%H:%M}"


# -- planning --------------------------------------------------------------------------------


@dataclass
class PlannedDate:
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    problem: str = ""


def series_plan(
    facility: Facility,
    *,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    first_date: dt.date,
    last_date: dt.date,
    now=None,
) -> list[PlannedDate]:
    """Every date of the pattern with the reason it cannot be held ("" when it can).
    Raises ``BookingError`` when the pattern itself breaks a rule (length, alignment,
    hours, period)."""
    now = now or timezone.now()
    rule = fairness.rules_of(facility)
    if not 0 <= int(weekday) <= 6:
        raise BookingError("series_weekday", field="weekday")
    if last_date < first_date:
        raise BookingError("series_dates", field="last_date")
    if (last_date - first_date).days >= 7 * rule.series_max_weeks:
        raise BookingError("series_too_long", field="last_date", weeks=rule.series_max_weeks)
    probe = RecurringSeries(
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        first_date=first_date,
        last_date=last_date,
    )
    days = probe.pattern_dates()
    if len(days) < 2:
        raise BookingError("series_too_few", field="last_date")
    from facility_booking.selectors_fair import open_round_slot

    out = []
    for day in days:
        start, end = rules.aware(day, start_time), rules.aware(day, end_time)
        planned = PlannedDate(day, start, end)
        try:
            rules.validate_times(facility, start, end, now=now)
        except BookingError as error:
            if error.booking_code not in DATE_CODES:
                raise
            planned.problem = error.messages[0]
        if not planned.problem and start < now + dt.timedelta(hours=facility.window_close_hours):
            planned.problem = gettext("신청 마감(이용 %(h)s시간 전)이 지난 날짜") % {
                "h": facility.window_close_hours
            }
        if not planned.problem and open_round_slot(facility, start, end) is not None:
            planned.problem = gettext("추첨으로 배정하는 시간")
        if not planned.problem and held(facility, *hold_period(facility, start, end)):
            planned.problem = gettext("다른 예약과 겹침")
        out.append(planned)
    return out


# -- applying --------------------------------------------------------------------------------


def series_apply(
    *,
    actor,
    facility: Facility,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    first_date: dt.date,
    last_date: dt.date,
    organisation: str,
    purpose: str,
    contact_phone: str,
    headcount: int = 1,
    discount_categories=(),
    institution=None,
    now=None,
) -> RecurringSeries:
    """A club applies for a weekly slot over a period: every date that can be held is
    held (requested) at once; the rest are recorded with the reason."""
    institution = fairness._institution(institution)
    now = now or timezone.now()
    if not facility.is_public or not permissions.can_book_facility(actor, institution, facility):
        raise BookingError("facility_unavailable")
    if not fairness.rules_of(facility).series_enabled:
        raise BookingError("series_off")
    organisation, purpose = (organisation or "").strip(), (purpose or "").strip()
    contact_phone = (contact_phone or "").strip()
    if not organisation:
        raise BookingError("series_organisation", field="organisation")
    if not purpose:
        raise BookingError("purpose_required", field="purpose")
    if not contact_phone:
        raise BookingError("contact_required", field="contact_phone")
    rules.validate_headcount(facility, headcount)
    categories = list(dict.fromkeys(discount_categories or ()))
    rules.validate_discounts(facility, categories)
    rules.validate_discount_eligibility(actor, categories, day=first_date, institution=institution)
    plan = series_plan(
        facility,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        first_date=first_date,
        last_date=last_date,
        now=now,
    )
    with transaction.atomic():
        waitlist._lock_person(actor.pk)
        fairness.check_sanction(actor, facility, now)
        lock_facility(facility.pk)
        series = RecurringSeries.objects.create(
            facility=facility,
            applicant=actor,
            applicant_name=actor.get_full_name()[:60],
            applicant_email=actor.email,
            contact_phone=contact_phone[:30],
            organisation=organisation[:100],
            purpose=purpose[:300],
            headcount=headcount,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            first_date=first_date,
            last_date=last_date,
            discount_categories=categories,
            created_by=actor,
        )
        skipped, held_count = [], 0
        for planned in plan:
            problem = planned.problem
            if not problem and held(facility, *hold_period(facility, planned.start, planned.end)):
                problem = gettext("다른 예약과 겹침")
            if problem:
                skipped.append({"date": planned.date.isoformat(), "reason": problem})
                continue
            reservation = insert_booking(
                facility=facility,
                start=planned.start,
                end=planned.end,
                applicant=actor,
                actor=actor,
                origin=Origin.SERIES,
                series=series,
                applicant_name=series.applicant_name,
                contact_phone=contact_phone,
                organisation=organisation,
                purpose=purpose,
                headcount=headcount,
                discount_categories=categories,
                reason=gettext("정기대관 신청 %(number)s") % {"number": series.number},
                now=now,
            )
            publish_booking(reservation)
            held_count += 1
        if not held_count:
            raise BookingError("series_no_dates", field="first_date")
        series.skipped = skipped
        series.save(update_fields=["skipped", "updated_at"])
        _audit(actor, "series_apply", series, f"정기대관 신청 ({held_count}회)")
        from facility_booking.portal_fair import publish_activity

        publish_activity(
            user=actor,
            what="series",
            text=gettext("정기대관 신청 %(number)s: %(facility)s")
            % {"number": series.number, "facility": facility.name},
            institution=institution,
        )
        from facility_booking.notify_fair import notify_series

        notify_series(
            series,
            gettext("신청이 접수되었습니다: %(n)s회 심사 중, 신청할 수 없는 날짜 %(m)s회")
            % {"n": held_count, "m": len(skipped)},
            institution=institution,
            key="received",
        )
    return series


# -- staff decisions -------------------------------------------------------------------------


def _lock_series(series: RecurringSeries) -> RecurringSeries:
    return (
        RecurringSeries.objects.select_for_update(of=("self",))
        .select_related("facility")
        .get(pk=series.pk)
    )


def _dates(series: RecurringSeries, ids, *, statuses) -> list[Reservation]:
    qs = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("facility")
        .filter(series=series, kind=Kind.BOOKING)
        .order_by("start", "id")
    )
    if ids is not None:
        ids = {int(i) for i in ids}
        if not ids:
            raise BookingError("series_no_selection", field="dates")
        rows = list(qs.filter(pk__in=ids))
        if len(rows) != len(ids):
            raise BookingError("series_date_unknown", field="dates")
        if any(r.status not in statuses for r in rows):
            raise BookingError("series_not_pending", field="dates")
        return rows
    return list(qs.filter(status__in=statuses))


def _override(facility: Facility, discount_category):
    if discount_category is None:
        return None
    if not discount_category:
        return ("", 0)
    offer = Discount.objects.filter(facility=facility, category=discount_category).first()
    if offer is None:
        raise BookingError("discount_not_offered", field="discount_category")
    return (offer.category, offer.percent)


def series_approve(
    *,
    actor,
    series: RecurringSeries,
    dates: list[int] | None = None,
    discount_category: str | None = None,
    note: str = "",
    institution=None,
    now=None,
) -> RecurringSeries:
    """Approve the chosen dates (``None``: every date still to decide; dates already
    over are then rejected). ``discount_category`` sets the 감면 of those dates
    (``""`` none, ``None`` the claimed one). When nothing is left to decide, the bill."""
    institution = fairness._institution(institution)
    _require_manager(actor, institution)
    now = now or timezone.now()
    with transaction.atomic():
        lock_facility(series.facility_id)
        series = _lock_series(series)
        rows = _dates(series, dates, statuses=(Status.REQUESTED,))
        override = _override(series.facility, discount_category)
        approved = 0
        for r in rows:
            if r.end <= now:
                if dates is not None:
                    raise BookingError("approve_over")
                _reject_date(actor, r, gettext("이용 시간이 지나 처리할 수 없음"), institution, now)
                continue
            _approve_date(actor, r, override, note, now)
            approved += 1
        _audit(actor, "series_approve", series, f"정기대관 {approved}회 승인", note)
        _finalise_if_decided(series, actor=actor, institution=institution, now=now)
    return series


def _approve_date(actor, r: Reservation, override, note: str, now) -> None:
    quote = pricing.check_total(
        pricing.quote(
            r.facility,
            r.start,
            r.end,
            discount_override=override or (r.discount_category, r.discount_percent),
        )
    )
    quote.apply_to(r)
    r.discount_confirmed = True
    r.adjustment_amount = 0
    r.payment_due = None  # paid with the series' bill, never alone
    r.decided_at = now
    r.staff_note = (note or "").strip()
    transition(
        r,
        Status.APPROVED,
        actor=actor,
        reason=(note or "").strip() or gettext("정기대관 승인"),
        data={"total": quote.total},
        fields=pricing.APPROVAL_FIELDS,
    )
    publish_booking(r)


def _reject_date(actor, r: Reservation, reason: str, institution, now) -> None:
    r.decided_at = now
    transition(r, Status.REJECTED, actor=actor, reason=reason, fields=("decided_at",))
    publish_booking(r)
    waitlist.after_change(r, institution=institution, now=now)


def series_reject(
    *,
    actor,
    series: RecurringSeries,
    reason: str,
    dates: list[int] | None = None,
    institution=None,
    now=None,
) -> RecurringSeries:
    """Reject the chosen dates (``None``: every date still to decide), reason required;
    their slots pass to the waitlist."""
    institution = fairness._institution(institution)
    _require_manager(actor, institution)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise BookingError("reason_required", field="reason")
    with transaction.atomic():
        lock_facility(series.facility_id)
        series = _lock_series(series)
        rows = _dates(series, dates, statuses=(Status.REQUESTED,))
        for r in rows:
            _reject_date(actor, r, reason, institution, now)
        _audit(actor, "series_reject", series, f"정기대관 {len(rows)}회 반려", reason)
        _finalise_if_decided(series, actor=actor, institution=institution, now=now)
    return series


def _bill_lines(dates: list[Reservation]) -> list[dict]:
    return [{"label": _date_label(r), "amount": r.total_amount} for r in dates]


def _finalise_if_decided(series: RecurringSeries, *, actor, institution, now) -> None:
    """Once no date waits for a decision: the series is decided (or rejected), the
    bill for the approved dates is issued, and the club is told."""
    from facility_booking.notify_fair import notify_series

    dates = list(
        Reservation.objects.filter(series=series, kind=Kind.BOOKING).order_by("start", "id")
    )
    if any(r.status == Status.REQUESTED for r in dates) or series.status != SeriesStatus.REQUESTED:
        return
    approved = [r for r in dates if r.status == Status.APPROVED]
    rejected = [r for r in dates if r.status == Status.REJECTED]
    if not approved and not rejected:  # every date withdrawn before a decision
        series.status = SeriesStatus.CANCELLED
        series.save(update_fields=["status", "updated_at"])
        return
    series.status = SeriesStatus.DECIDED if approved else SeriesStatus.REJECTED
    series.decided_at = now
    series.save(update_fields=["status", "decided_at", "updated_at"])
    total = sum(r.total_amount for r in approved)
    bill = None
    if total:
        first = approved[0]
        bill = Reservation.objects.create(
            facility=series.facility,
            kind=Kind.SERIES,
            origin=Origin.SERIES,
            series=series,
            status=Status.REQUESTED,
            start=first.start,
            end=first.end,
            hold_start=first.start,
            hold_end=first.end,
            applicant_id=series.applicant_id,
            applicant_name=series.applicant_name,
            applicant_email=series.applicant_email,
            contact_phone=series.contact_phone,
            organisation=series.organisation,
            purpose=gettext("정기대관 %(n)s회 이용료") % {"n": len(approved)},
            headcount=series.headcount,
            price_lines=_bill_lines(approved),
            base_amount=total,
            total_amount=total,
            created_by=actor,
        )
        record_event(bill, "", Status.REQUESTED, actor=actor, data={"dates": len(approved)})
        bill.decided_at = now
        bill.discount_confirmed = True
        bill.payment_due = payment_due(series.facility, first.start, now)
        transition(
            bill,
            Status.APPROVED,
            actor=actor,
            reason=gettext("정기대관 승인, 일괄 결제"),
            data={"total": total},
            fields=("decided_at", "discount_confirmed", "payment_due"),
        )
    lines = [
        f"- {_date_label(r)} {r.get_status_display()}"
        + (f" {r.total_amount:,}원" if r.status == Status.APPROVED and r.total_amount else "")
        for r in dates
        if r.status in (Status.APPROVED, Status.REJECTED)
    ]
    if approved:
        headline = gettext("심사가 끝났습니다: %(a)s회 승인, %(r)s회 반려") % {
            "a": len(approved),
            "r": len(rejected),
        }
        if not total:
            headline += " " + gettext("이용료가 없어 바로 이용하실 수 있습니다.")
    else:
        headline = gettext("정기대관 신청이 반려되었습니다.")
    notify_series(
        series,
        headline,
        lines=lines,
        total=total,
        due=bill.payment_due if bill else None,
        institution=institution,
        key="decided",
    )


# -- the bill ----------------------------------------------------------------------------------


def bill_changed(bill: Reservation, event: str | None, *, institution=None, now=None) -> None:
    """The series bill moved (paid online or at the desk, expired, cancelled): the
    approved dates follow. Called by the booking services in the same transaction,
    which hold ``lock_facility`` and the bill row."""
    from facility_booking.notify_fair import notify_series

    institution = fairness._institution(institution)
    now = now or timezone.now()
    series = bill.series
    assert series is not None  # a bill always has its series (fb_res_bill_has_series)
    if bill.status == Status.PAID:
        rows = list(
            Reservation.objects.select_for_update(of=("self",))
            .select_related("facility")
            .filter(series=series, kind=Kind.BOOKING, status=Status.APPROVED)
            .order_by("start")
        )
        for r in rows:
            transition(
                r,
                Status.PAID,
                reason=gettext("정기대관 일괄 결제 (%(n)s)") % {"n": bill.number},
                data={"bill": bill.pk},
            )
            publish_booking(r)
        notify_series(
            series,
            gettext("결제가 완료되었습니다(%(n)s회).") % {"n": len(rows)},
            total=bill.total_amount,
            institution=institution,
            key=f"paid:{bill.pk}",
        )
    elif bill.status == Status.EXPIRED:
        rows = list(
            Reservation.objects.select_for_update(of=("self",))
            .select_related("facility")
            .filter(series=series, kind=Kind.BOOKING, status=Status.APPROVED)
            .order_by("start")
        )
        for r in rows:
            transition(r, Status.EXPIRED, reason=gettext("정기대관 결제 기한 경과"))
            publish_booking(r)
            waitlist.after_change(r, institution=institution, now=now)
        series.status = SeriesStatus.CANCELLED
        series.save(update_fields=["status", "updated_at"])
        notify_series(
            series,
            gettext("결제 기한이 지나 정기대관 %(n)s회가 취소되었습니다.") % {"n": len(rows)},
            institution=institution,
            key=f"expired:{bill.pk}",
        )


def series_pay_refused() -> BookingError:
    """A date of a series is paid with its bill, never alone."""
    return BookingError("series_pay_single")


# -- cancelling --------------------------------------------------------------------------------


def series_cancel(
    *,
    actor,
    series: RecurringSeries,
    dates: list[int] | None = None,
    reason: str = "",
    by_institution: bool = False,
    institution=None,
    now=None,
) -> dict:
    """Cancel chosen dates, or (``dates=None``) every date still ahead. The applicant's
    paid dates are refunded by the facility's tiers, the institution's in full, out of
    the bill's payment; unpaid dates come off the bill. Returns the refund and count."""
    from facility_booking.notify_fair import notify_series
    from facility_booking.services.reservations import lock_reservation
    from payments.public import OrderStatus, close_open_orders, refund_request

    institution = fairness._institution(institution)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if by_institution:
        _require_manager(actor, institution)
        if not reason:
            raise BookingError("reason_required", field="reason")
    elif series.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    with transaction.atomic():
        lock_facility(series.facility_id)
        series = _lock_series(series)
        bill = Reservation.objects.filter(series=series, kind=Kind.SERIES).first()
        if bill is not None:
            bill = lock_reservation(bill)
        rows = _dates(series, dates, statuses=ACTIVE_BOOKING_STATES)
        if not by_institution:
            if dates is not None and any(r.start <= now for r in rows):
                raise BookingError("already_started")
            rows = [r for r in rows if r.start > now]
        if not rows:
            raise BookingError("series_nothing_to_cancel", field="dates")
        if (
            bill is not None
            and bill.payment_orders.filter(
                status__in=(OrderStatus.CONFIRMING, OrderStatus.WAITING_FOR_DEPOSIT)
            ).exists()
            and any(r.status == Status.APPROVED for r in rows)
        ):
            raise BookingError("payment_online_open")
        refund_total, unpaid_total = 0, 0
        why = reason or gettext("정기대관 일부 취소")
        for r in rows:
            refund = 0
            if r.status == Status.PAID:
                refund = (
                    r.total_amount
                    if by_institution
                    else pricing.pct(
                        r.total_amount, pricing.refund_percent(r.facility, r.start, now)
                    )
                )
            elif r.status == Status.APPROVED:
                unpaid_total += r.total_amount
            r.refund_due = refund
            r.cancelled_by_institution = by_institution
            transition(
                r,
                Status.CANCELLED,
                actor=actor,
                reason=why,
                data={"refund": refund, "by_institution": by_institution, "series": series.pk},
                fields=("refund_due", "cancelled_by_institution"),
            )
            refund_total += refund
            publish_booking(r)
            waitlist.after_change(r, institution=institution, now=now)
        if bill is not None:
            _adjust_bill(
                bill, refund_total, unpaid_total, actor, why, refund_request, close_open_orders
            )
        _finalise_if_decided(series, actor=actor, institution=institution, now=now)
        remaining = Reservation.objects.filter(
            series=series,
            kind=Kind.BOOKING,
            status__in=(*ACTIVE_BOOKING_STATES, Status.COMPLETED, Status.NO_SHOW),
        )
        if not remaining.exists():
            series.status = SeriesStatus.CANCELLED
            series.save(update_fields=["status", "updated_at"])
        summary = gettext("정기대관 %(n)s회 취소") % {"n": len(rows)}
        if by_institution or dates is None:
            _audit(actor, "series_cancel", series, summary, reason, {"refund": refund_total})
        notify_series(
            series,
            summary + (gettext(" (기관 사정)") if by_institution else ""),
            lines=[f"- {_date_label(r)}" for r in rows],
            refund=refund_total,
            institution=institution,
        )
    return {"cancelled": len(rows), "refund": refund_total}


def _adjust_bill(
    bill, refund_total, unpaid_total, actor, reason, refund_request, close_open_orders
):
    """Cancelled dates leave the bill: refunds of paid dates go out of its payment,
    unpaid dates come off what is still owed (nothing left → the bill is cancelled)."""
    if refund_total:
        bill.refund_due += refund_total
        bill.save(update_fields=["refund_due", "updated_at"])
        refund_request(reservation=bill, amount=refund_total, reason=reason, actor=actor)
    if unpaid_total and bill.status == Status.APPROVED:
        bill.total_amount = max(0, bill.total_amount - unpaid_total)
        bill.base_amount = bill.total_amount
        active = Reservation.objects.filter(
            series_id=bill.series_id, kind=Kind.BOOKING, status=Status.APPROVED
        ).order_by("start")
        bill.price_lines = _bill_lines(list(active))
        if bill.total_amount == 0:
            transition(
                bill,
                Status.CANCELLED,
                actor=actor,
                reason=reason,
                fields=("total_amount", "base_amount", "price_lines"),
            )
            close_open_orders(reservation=bill, reason=reason)
        else:
            bill.save(update_fields=["total_amount", "base_amount", "price_lines", "updated_at"])


def series_date_guard(reservation: Reservation, action: str) -> None:
    """Single-booking actions that a series date must not take alone."""
    if reservation.series_id and reservation.kind == Kind.BOOKING and action == "pay":
        raise series_pay_refused()
    if reservation.kind == Kind.SERIES and action in ("approve", "reject", "cancel"):
        raise InvalidTransition(reservation.get_status_display())
