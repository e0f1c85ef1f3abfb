"""Every booking rule refuses bad input with its Korean message and stores nothing."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from facility_booking import services
from facility_booking.errors import MESSAGES, message
from facility_booking.models import ClosedDate, Reservation, ReservationEvent
from facility_booking.rules import holiday_name
from tests.facility_booking.conftest import (
    add_discounts,
    at,
    local_dt,
    make_facility,
    request_kwargs,
)


def refused(kwargs, expected: str):
    """Call reservation_request expecting ``expected`` and no stored row or e-mail."""
    before = Reservation.objects.count(), ReservationEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        services.reservation_request(**kwargs)
    assert expected in info.value.messages
    assert (Reservation.objects.count(), ReservationEvent.objects.count()) == before
    assert mail.outbox == []


def test_past_time(schema_a, world):
    facility = make_facility()
    past = timezone.localtime() - dt.timedelta(days=1)
    start = past.replace(hour=10, minute=0, second=0, microsecond=0)
    refused(
        request_kwargs(facility, world.resident, start=start, end=start + dt.timedelta(hours=1)),
        MESSAGES["past"],
    )


def test_end_not_after_start(schema_a, world):
    facility = make_facility()
    refused(
        request_kwargs(facility, world.resident, start=at(3, 12), end=at(3, 12)),
        MESSAGES["end_before_start"],
    )
    refused(
        request_kwargs(facility, world.resident, start=at(3, 12), end=at(3, 11)),
        MESSAGES["end_before_start"],
    )


def test_not_aligned_to_slot_unit(schema_a, world):
    facility = make_facility(slot_minutes=30, min_minutes=30)
    refused(
        request_kwargs(facility, world.resident, start=at(3, 10, 15), end=at(3, 11, 15)),
        message("not_aligned", slot=30),
    )


def test_outside_opening_hours(schema_a, world):
    facility = make_facility()
    refused(
        request_kwargs(facility, world.resident, start=at(3, 21), end=at(3, 23)),
        message("outside_hours", opens="06:00", closes="22:00"),
    )
    refused(
        request_kwargs(facility, world.resident, start=at(3, 5), end=at(3, 7)),
        message("outside_hours", opens="06:00", closes="22:00"),
    )


def test_closed_weekday(schema_a, world):
    facility = make_facility()
    day = at(3, 10).date()
    facility.hours.filter(weekday=day.weekday()).delete()
    refused(request_kwargs(facility, world.resident), MESSAGES["closed_weekday"])


def test_closed_date(schema_a, world):
    facility = make_facility()
    ClosedDate.objects.create(facility=facility, date=at(3, 10).date(), reason="정기 점검")
    refused(request_kwargs(facility, world.resident), message("closed_date", reason="(정기 점검)"))


def test_public_holiday_closes_unless_opted_out(schema_a, world):
    # Chuseok (a lunar holiday) 2026-09-25; judge as if it were 10 days before.
    day = dt.date(2026, 9, 25)
    assert holiday_name(day) == "추석"
    now = local_dt(day - dt.timedelta(days=10), 9)
    closing = make_facility(closes_on_holidays=True)
    refused(
        request_kwargs(
            closing, world.resident, start=local_dt(day, 10), end=local_dt(day, 12), now=now
        ),
        message("holiday", name="추석"),
    )
    open_anyway = make_facility(closes_on_holidays=False)
    services.reservation_request(
        **request_kwargs(
            open_anyway, world.resident, start=local_dt(day, 10), end=local_dt(day, 12), now=now
        )
    )


def test_booking_window_not_open_yet(schema_a, world):
    facility = make_facility(window_open_days=7)
    refused(
        request_kwargs(facility, world.resident, start=at(10, 10), end=at(10, 12)),
        message(
            "window_not_open",
            opens_at=f"{(at(10, 9) - dt.timedelta(days=7)).year}. "
            f"{(at(10, 9) - dt.timedelta(days=7)).month}. "
            f"{(at(10, 9) - dt.timedelta(days=7)).day}. 09:00",
        ),
    )


def test_booking_window_closed(schema_a, world):
    facility = make_facility(window_close_hours=72)
    refused(
        request_kwargs(facility, world.resident, start=at(2, 10), end=at(2, 12)),
        message("window_closed", hours=72),
    )


def test_too_short_and_too_long(schema_a, world):
    facility = make_facility(min_minutes=120, max_minutes=180)
    refused(
        request_kwargs(facility, world.resident, start=at(3, 10), end=at(3, 11)),
        message("too_short", minutes=120),
    )
    refused(
        request_kwargs(facility, world.resident, start=at(3, 10), end=at(3, 14)),
        message("too_long", minutes=180),
    )


def test_over_capacity(schema_a, world):
    facility = make_facility(capacity=20)
    refused(
        request_kwargs(facility, world.resident, headcount=21),
        message("over_capacity", capacity=20),
    )
    refused(request_kwargs(facility, world.resident, headcount=0), MESSAGES["headcount_min"])


def test_over_person_limit(schema_a, world):
    facility = make_facility(max_active_per_person=1)
    services.reservation_request(**request_kwargs(facility, world.resident))
    mail.outbox.clear()
    refused(
        request_kwargs(facility, world.resident, start=at(4, 10), end=at(4, 12)),
        message("over_person_limit", limit=1),
    )


def test_discount_not_offered(schema_a, world):
    facility = make_facility()
    add_discounts(facility, senior=50)
    refused(
        request_kwargs(facility, world.resident, discount_categories=["disability"]),
        MESSAGES["discount_not_offered"],
    )


def test_purpose_and_contact_required(schema_a, world):
    facility = make_facility()
    refused(request_kwargs(facility, world.resident, purpose="  "), MESSAGES["purpose_required"])
    world.resident.phone = ""
    refused(
        request_kwargs(facility, world.resident, contact_phone=""), MESSAGES["contact_required"]
    )


def test_slot_taken_including_buffer(schema_a, world):
    facility = make_facility(buffer_minutes=60)
    services.reservation_request(**request_kwargs(facility, world.resident))  # 10–12, held to 13
    mail.outbox.clear()
    refused(
        request_kwargs(facility, world.resident2, start=at(3, 12), end=at(3, 13)),
        MESSAGES["slot_taken"],
    )
    refused(  # ends at 10, its own buffer runs into the 10:00 booking
        request_kwargs(facility, world.resident2, start=at(3, 8), end=at(3, 10)),
        MESSAGES["slot_taken"],
    )
    services.reservation_request(
        **request_kwargs(facility, world.resident2, start=at(3, 13), end=at(3, 14))
    )


def test_internal_facility_is_not_bookable_by_residents(schema_a, world):
    facility = make_facility(visibility="internal", base_fee=0)
    refused(request_kwargs(facility, world.resident), MESSAGES["facility_unavailable"])


def test_too_far_ahead_even_for_staff(schema_a, world):
    facility = make_facility(window_open_days=2000)
    far = at(800, 10)
    refused(
        request_kwargs(
            facility,
            world.manager_a,
            on_behalf=True,
            applicant_name="x",
            start=far,
            end=far + dt.timedelta(hours=1),
        ),
        MESSAGES["too_far"],
    )
