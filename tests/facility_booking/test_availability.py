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


# -- a slot is offered only when a booking starting there can be made -------------------


def test_no_free_slot_where_the_minimum_length_no_longer_fits_before_closing(schema_a, world):
    """Open 06–22, at least 120 minutes: 20:00 is the last start offered, 21:00 is not
    (before: a "21:00 예약 가능" chip every day that could never be booked)."""
    facility = make_facility(min_minutes=120, max_minutes=480)
    [day] = availability.days(facility, at(3, 0).date(), 1)
    hours = by_hour(day)
    assert hours[20] == "free"
    assert hours[21] == "closed"
    assert availability.start_times(facility, day.date)[-1] == dt.time(20)
    # every start offered can really be booked for the minimum length
    for start in availability.start_times(facility, day.date):
        begin = local_dt(day.date, start.hour, start.minute)
        services.reservation_request(
            **request_kwargs(
                facility, world.resident, start=begin, end=begin + dt.timedelta(hours=2)
            )
        ).delete()


def test_no_free_slot_in_a_gap_shorter_than_the_minimum_with_buffers(schema_a, world):
    """120 minutes minimum and a 60-minute buffer: a start whose shortest booking (with
    its buffer) would run into the next held period is not offered."""
    facility = make_facility(min_minutes=120, max_minutes=480, buffer_minutes=60)
    services.block_create(actor=world.manager_a, facility=facility, start=at(3, 8), end=at(3, 10))
    services.block_create(actor=world.manager_a, facility=facility, start=at(3, 14), end=at(3, 16))
    [day] = availability.days(facility, at(3, 0).date(), 1)
    hours = by_hour(day)
    # Blocks hold 8–10 and 14–16. 11:00 + 2 h ends 13:00, + 1 h buffer = 14:00: fits.
    assert hours[10] == hours[11] == "free"
    assert hours[12] == hours[13] == "taken"  # would run into the 14:00 block with the buffer
    assert hours[6] == hours[7] == "taken"  # 2 h + buffer runs into the 08:00 block
    assert hours[16] == "free" and hours[20] == "free" and hours[21] == "closed"


def test_end_times_only_those_the_rules_allow_after_the_start(schema_a, world):
    facility = make_facility(min_minutes=120, max_minutes=240, buffer_minutes=30, slot_minutes=30)
    services.block_create(actor=world.manager_a, facility=facility, start=at(3, 15), end=at(3, 16))
    day = at(3, 0).date()
    ends = availability.end_times(facility, day, dt.time(10))
    assert ends == [dt.time(12), dt.time(12, 30), dt.time(13), dt.time(13, 30), dt.time(14)]
    # 12:00 start: 14:00 … 14:30 (14:30 + 30 min buffer meets the 15:00 block)
    assert availability.end_times(facility, day, dt.time(12)) == [dt.time(14), dt.time(14, 30)]
    # 20:30: closing at 22:00 leaves no room for 120 minutes
    assert availability.end_times(facility, day, dt.time(20, 30)) == []
    assert availability.end_times(facility, day, dt.time(20)) == [dt.time(22)]
