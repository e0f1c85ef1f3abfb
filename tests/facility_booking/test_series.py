"""Recurring club bookings (정기대관): a weekly pattern is held date by date with the
clashing dates marked, staff approve the whole or date by date, the fees (per date,
감면 included) become one bill paid as one, and cancelling one date or the rest
refunds by the facility's tiers out of that payment."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from facility_booking import services as fb
from facility_booking.errors import BookingError, message
from facility_booking.models import (
    ClosedDate,
    FacilityRules,
    Kind,
    Reservation,
    SeriesStatus,
    Status,
)
from facility_booking.selectors_fair import series_bill, series_calendar, series_dates
from facility_booking.services import series as svc
from notifications.models import Notification
from payments.models import Refund
from tests.facility_booking.conftest import (
    add_discounts,
    add_refund_tiers,
    make_facility,
    request_kwargs,
)

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int, weeks_ahead: int = 1) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def club_facility():
    facility = make_facility(base_fee=10000)
    FacilityRules.objects.create(facility=facility, series_enabled=True)
    return facility


def apply_series(person, facility, *, weeks=4, weekday=1, **overrides):
    first = next_weekday(weekday)
    values = {
        "actor": person,
        "facility": facility,
        "weekday": weekday,
        "start_time": dt.time(19),
        "end_time": dt.time(21),
        "first_date": first,
        "last_date": first + dt.timedelta(days=7 * (weeks - 1)),
        "organisation": "가나 배드민턴 클럽",
        "purpose": "정기 연습",
        "contact_phone": "010-3333-4444",
        "headcount": 12,
    }
    values.update(overrides)
    return svc.series_apply(**values)


def test_every_date_is_held_and_clashes_are_marked(world, schema_a):
    facility = club_facility()
    first = next_weekday(1)
    ClosedDate.objects.create(facility=facility, date=first + dt.timedelta(days=7), reason="점검")
    other = fb.reservation_request(
        **request_kwargs(
            facility,
            world.resident2,
            start=timezone.make_aware(
                dt.datetime.combine(first + dt.timedelta(days=14), dt.time(20))
            ),
            end=timezone.make_aware(
                dt.datetime.combine(first + dt.timedelta(days=14), dt.time(22))
            ),
        )
    )
    series = apply_series(world.resident, facility, weeks=4)
    rows = series_calendar(series)
    assert len(rows) == 4
    held = [r for r in rows if r["reservation"]]
    assert len(held) == 2 and all(r["reservation"].status == Status.REQUESTED for r in held)
    clashes = {r["date"]: r["clash"] for r in rows if not r["reservation"]}
    assert "점검" in clashes[first + dt.timedelta(days=7)]
    assert clashes[first + dt.timedelta(days=14)] == "다른 예약과 겹침"
    assert other.status == Status.REQUESTED
    # Series dates hold their slots like any booking: the same exclusion constraint.
    date = held[0]["reservation"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            facility=facility,
            start=date.start,
            end=date.end,
            hold_start=date.start,
            hold_end=date.end,
            status=Status.REQUESTED,
        )
    assert Notification.objects.filter(
        event="series_update", recipient_id=world.resident.pk
    ).exists()


def test_a_pattern_that_breaks_the_rules_is_refused_with_nothing_stored(world, schema_a):
    facility = club_facility()
    with pytest.raises(BookingError) as too_long:
        apply_series(world.resident, facility, weeks=40)
    assert message("series_too_long", weeks=26) in too_long.value.messages
    with pytest.raises(BookingError):
        apply_series(world.resident, facility, start_time=dt.time(19, 30))  # not on the unit
    with pytest.raises(BookingError) as no_club:
        apply_series(world.resident, facility, organisation=" ")
    assert message("series_organisation") in no_club.value.messages
    FacilityRules.objects.filter(facility=facility).update(series_enabled=False)
    facility.__dict__.pop("_fair_rules_cache", None)
    with pytest.raises(BookingError):
        apply_series(world.resident, facility)
    assert not Reservation.objects.filter(facility=facility).exists()


def test_approving_the_whole_series_issues_one_bill_paid_as_one(world, schema_a):
    facility = club_facility()
    add_discounts(facility, multi_child=30)
    series = apply_series(world.resident, facility, weeks=3)
    svc.series_approve(actor=world.manager_a, series=series, discount_category="multi_child")
    series.refresh_from_db()
    assert series.status == SeriesStatus.DECIDED
    dates = series_dates(series)
    assert all(d.status == Status.APPROVED and d.payment_due is None for d in dates)
    per_date = dates[0].total_amount
    assert per_date == 14000  # 2 units × 10,000 with 30 % off
    bill = series_bill(series)
    assert bill.kind == Kind.SERIES and bill.status == Status.APPROVED
    assert bill.total_amount == per_date * 3 and bill.payment_due
    # A date alone cannot be paid.
    with pytest.raises(BookingError) as alone:
        fb.reservation_record_payment(
            actor=world.manager_a, reservation=dates[0], amount=per_date, method="cash"
        )
    assert message("series_pay_single") in alone.value.messages
    fb.reservation_record_payment(
        actor=world.manager_a, reservation=bill, amount=bill.total_amount, method="bank_transfer"
    )
    assert {d.status for d in series_dates(series)} == {Status.PAID}


def test_date_by_date_decisions_bill_only_the_approved_dates(world, schema_a):
    facility = club_facility()
    series = apply_series(world.resident, facility, weeks=3)
    dates = series_dates(series)
    svc.series_approve(actor=world.manager_a, series=series, dates=[dates[0].pk])
    assert series_bill(series) is None  # still undecided dates
    with pytest.raises(BookingError):
        svc.series_reject(actor=world.manager_a, series=series, dates=[dates[1].pk], reason="")
    fb.reservation_reject(actor=world.manager_a, reservation=dates[1], reason="대회 일정")
    svc.series_approve(actor=world.manager_a, series=series, dates=[dates[2].pk])
    bill = series_bill(series)
    assert bill.total_amount == dates[0].total_amount + dates[2].total_amount
    with pytest.raises(BookingError):
        svc.series_approve(actor=world.manager_a, series=series, dates=[dates[1].pk])


def test_expired_bill_frees_every_unpaid_date(world, schema_a):
    facility = club_facility()
    series = apply_series(world.resident, facility, weeks=2)
    svc.series_approve(actor=world.manager_a, series=series)
    bill = series_bill(series)
    from facility_booking.tasks_fair import fair_work_here

    fair_work_here(now=bill.payment_due + dt.timedelta(minutes=1))
    assert {d.status for d in series_dates(series)} == {Status.EXPIRED}
    series.refresh_from_db()
    assert series.status == SeriesStatus.CANCELLED


def test_cancelling_one_paid_date_refunds_by_tier_and_the_rest_after(world, schema_a):
    facility = club_facility()
    add_refund_tiers(facility, ((7, 100), (3, 50), (0, 0)))
    series = apply_series(world.resident, facility, weeks=3)
    svc.series_approve(actor=world.manager_a, series=series)
    bill = series_bill(series)
    fb.reservation_record_payment(
        actor=world.manager_a, reservation=bill, amount=bill.total_amount, method="bank_transfer"
    )
    dates = series_dates(series)
    # The first date is 7–13 days away; cancelling it 5 days before its day → 50 %.
    now = dates[0].start - dt.timedelta(days=5)
    fb.reservation_cancel(actor=world.resident, reservation=dates[0], now=now)
    first = Reservation.objects.get(pk=dates[0].pk)
    assert first.status == Status.CANCELLED and first.refund_due == first.total_amount // 2
    bill.refresh_from_db()
    assert bill.refund_due == first.refund_due
    assert Refund.objects.filter(reservation=bill, amount=first.refund_due).exists()
    result = svc.series_cancel(actor=world.resident, series=series, now=now)
    assert result["cancelled"] == 2
    assert result["refund"] == 2 * dates[1].total_amount  # both ≥ 7 days away
    series.refresh_from_db()
    assert series.status == SeriesStatus.CANCELLED


def test_cancelling_an_unpaid_date_takes_it_off_the_bill(world, schema_a):
    facility = club_facility()
    series = apply_series(world.resident, facility, weeks=2)
    svc.series_approve(actor=world.manager_a, series=series)
    dates = series_dates(series)
    bill = series_bill(series)
    total = bill.total_amount
    fb.reservation_cancel(actor=world.resident, reservation=dates[1])
    bill.refresh_from_db()
    assert bill.total_amount == total - dates[1].total_amount and bill.status == Status.APPROVED
    svc.series_cancel(actor=world.manager_a, series=series, reason="시설 보수", by_institution=True)
    bill.refresh_from_db()
    assert bill.status == Status.CANCELLED and bill.total_amount == 0


def test_only_the_applicant_or_managers_cancel(world, schema_a):
    from django.core.exceptions import PermissionDenied

    facility = club_facility()
    series = apply_series(world.resident, facility, weeks=2)
    with pytest.raises(PermissionDenied):
        svc.series_cancel(actor=world.resident2, series=series)
    with pytest.raises(PermissionDenied):
        svc.series_approve(actor=world.staff_a, series=series)
    assert {d.status for d in series_dates(series)} == {Status.REQUESTED}
