"""Free / taken / closed per slot: buffers, blocks, closures, holidays, the window."""

import datetime as dt

from facility_booking import availability, services
from facility_booking.models import ClosedDate
from tests.facility_booking.conftest import at, local_dt, make_facility, request_kwargs


def by_hour(day):
    from django.utils import timezone

    return {timezone.localtime(s.start).hour: s.state for s in day.slots}


def test_booking_buffer_and_block(schema_a, world):
    facility = make_facility(buffer_minutes=60)
    services.reservation_request(**request_kwargs(facility, world.resident))  # 10–12, held to 13
    services.block_create(actor=world.manager_a, facility=facility, start=at(3, 16), end=at(3, 17))
    [day] = availability.days(facility, at(3, 0).date(), 1)
    hours = by_hour(day)
    assert hours[8] == "free"
    assert hours[9] == "taken"  # ending at 10 would need an hour of buffer before the booking
    assert hours[10] == hours[11] == hours[12] == "taken"
    assert hours[13] == "free"
    assert hours[15] == hours[16] == "taken"  # 15:00 runs into the block with its buffer
    assert hours[17] == "free"
    segments = [(s.state, s.end - s.start) for s in day.segments]
    assert ("taken", dt.timedelta(hours=4)) in segments  # 9–13 merged


def test_closed_dates_holidays_past_and_window(schema_a, world):
    facility = make_facility(closes_on_holidays=True, window_open_days=5, window_close_hours=24)
    ClosedDate.objects.create(facility=facility, date=at(3, 0).date(), reason="점검")
    days = availability.days(facility, at(0, 0).date(), 8)
    assert days[0].state == "closed"  # today: inside the closing window
    assert days[3].state == "closed" and days[3].closed_reason == "점검"
    assert days[2].state == "free"
    assert days[7].state == "closed"  # opens 5 days ahead only
    chuseok = dt.date(2026, 9, 25)
    [holiday] = availability.days(
        facility, chuseok, 1, now=local_dt(chuseok - dt.timedelta(days=3), 9)
    )
    assert holiday.closed_reason == "추석" and holiday.state == "closed"


def test_month_grid_and_periods(schema_a, world):
    facility = make_facility()
    weeks = availability.month(facility, 2026, 2)
    assert all(len(week) == 7 for week in weeks)
    assert sum(1 for week in weeks for d in week if d) == 28
    slots = availability.periods(facility, at(3, 10), at(3, 12))
    assert [s["state"] for s in slots] == ["free", "free"]
