"""Fees in whole won: slots, surcharges, equipment, only the highest discount, refunds."""

import datetime as dt
from types import SimpleNamespace

from facility_booking import pricing
from facility_booking.models import Equipment, Reservation
from tests.facility_booking.conftest import (
    add_discounts,
    add_refund_tiers,
    local_dt,
    make_facility,
)

WEEKDAY = dt.date(2026, 12, 2)  # Wednesday, no holiday
SATURDAY = dt.date(2026, 12, 5)
CHRISTMAS = dt.date(2026, 12, 25)  # Friday, public holiday


def test_base_fee_per_slot_unit(schema_a):
    facility = make_facility(base_fee=12345, slot_minutes=30, min_minutes=30)
    q = pricing.quote(facility, local_dt(WEEKDAY, 10), local_dt(WEEKDAY, 11, 30))
    assert (q.slots, q.base, q.surcharge, q.discount, q.total) == (3, 37035, 0, 0, 37035)
    assert q.lines[0].label == "기본 사용료 12,345원 × 3단위"


def test_evening_and_weekend_surcharges(schema_a):
    facility = make_facility(
        base_fee=10000, evening_surcharge_percent=20, weekend_surcharge_percent=30
    )
    q = pricing.quote(facility, local_dt(SATURDAY, 17), local_dt(SATURDAY, 20))
    # 3 units; evening on 18:00 and 19:00 (2 × 2,000); weekend on all 3 (3 × 3,000)
    assert q.base == 30000
    assert q.surcharge == 4000 + 9000
    assert q.total == 43000


def test_holiday_uses_larger_of_weekend_and_holiday(schema_a):
    facility = make_facility(
        base_fee=10000, weekend_surcharge_percent=20, holiday_surcharge_percent=50
    )
    q = pricing.quote(facility, local_dt(CHRISTMAS, 10), local_dt(CHRISTMAS, 12))
    assert q.surcharge == 10000
    assert q.total == 30000


def test_only_the_highest_discount_applies(schema_a):
    facility = make_facility(base_fee=10000)
    add_discounts(facility, senior=30, disability=50, city_resident=10)
    q = pricing.quote(
        facility,
        local_dt(WEEKDAY, 10),
        local_dt(WEEKDAY, 12),
        discount_categories=["senior", "disability", "city_resident"],
    )
    assert (q.discount_category, q.discount_percent, q.discount, q.total) == (
        "disability",
        50,
        10000,
        10000,
    )
    assert q.lines[-1].amount == -10000


def test_discount_does_not_apply_to_equipment_and_rounds_down(schema_a):
    facility = make_facility(base_fee=3333)
    add_discounts(facility, senior=30)
    projector = Equipment.objects.create(facility=facility, name="빔프로젝터", fee=5000)
    q = pricing.quote(
        facility,
        local_dt(WEEKDAY, 10),
        local_dt(WEEKDAY, 11),
        equipment_ids=[projector.pk],
        discount_categories=["senior"],
    )
    assert q.base == 3333 and q.equipment == 5000
    assert q.discount == 999  # 3333 × 30 % = 999.9 → 999 won
    assert q.total == 3333 + 5000 - 999
    assert all(isinstance(line.amount, int) for line in q.lines)


def test_internal_facilities_are_free(schema_a):
    facility = make_facility(visibility="internal", base_fee=50000)
    assert pricing.quote(facility, local_dt(WEEKDAY, 10), local_dt(WEEKDAY, 12)).total == 0


def test_refund_tiers_by_days_before_use(schema_a):
    facility = make_facility()
    add_refund_tiers(facility)
    start = local_dt(dt.date(2026, 12, 20), 10)
    # What the ledger says is paid and not yet refunded (Reservation.net_paid).
    r = SimpleNamespace(facility=facility, start=start, net_paid=33333)
    cases = {14: 33333, 7: 33333, 6: 29999, 3: 29999, 2: 23333, 1: 23333, 0: 0}
    for days, expected in cases.items():
        now = local_dt(start.date() - dt.timedelta(days=days), 8)
        assert pricing.refund_amount(r, now) == expected, days
    assert pricing.refund_amount(r, start, by_institution=True) == 33333
    assert pricing.refund_amount(Reservation(facility=facility, start=start), start) == 0
