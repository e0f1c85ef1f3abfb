"""Fairness rules of a facility, enforced by the booking service with clear Korean
messages: N bookings per person per week / month (this facility or all of the
institution's), one weekend booking per person per day, residents first, and no-show
sanctions shown with their reason and end date."""

import datetime as dt

import pytest
from django.utils import timezone

from facility_booking import services as fb
from facility_booking.errors import BookingError, message
from facility_booking.models import FacilityRules, Reservation, Sanction
from facility_booking.services import fairness
from notifications.models import Notification
from suite.dates import kdate
from tests.facility_booking.conftest import local_dt, make_facility, request_kwargs

pytestmark = pytest.mark.django_db


def rules(facility, **values):
    facility.__dict__.pop("_fair_rules_cache", None)
    return FacilityRules.objects.create(facility=facility, **values)


def day_ahead(weekday: int, weeks: int = 2) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)


def book(person, facility, day, hour):
    return fb.reservation_request(
        **request_kwargs(facility, person, start=local_dt(day, hour), end=local_dt(day, hour + 1))
    )


def test_weekly_limit_counts_the_week_of_use(world, schema_a):
    facility = make_facility(min_minutes=60, max_active_per_person=10)
    rules(facility, week_limit=2)
    monday = day_ahead(0)
    book(world.resident, facility, monday, 9)
    book(world.resident, facility, monday + dt.timedelta(days=2), 9)
    with pytest.raises(BookingError) as refused:
        book(world.resident, facility, monday + dt.timedelta(days=4), 9)
    assert message("week_limit", limit=2, count=2, scope="") in refused.value.messages
    # Next week is another week; another person is not limited by this one's bookings.
    book(world.resident, facility, monday + dt.timedelta(days=7), 9)
    book(world.resident2, facility, monday + dt.timedelta(days=4), 9)


def test_monthly_limit_across_all_facilities_of_the_institution(world, schema_a):
    hall = make_facility(name="홀", max_active_per_person=10)
    room = make_facility(name="방", max_active_per_person=10)
    rules(room, month_limit=1, scope="institution")
    day = day_ahead(2)
    book(world.resident, hall, day, 9)
    with pytest.raises(BookingError) as refused:
        book(world.resident, room, day + dt.timedelta(days=1), 9)
    assert "기관의 모든 시설 합산" in refused.value.messages[0]
    assert not Reservation.objects.filter(facility=room).exists()


def test_one_weekend_slot_per_person_per_day(world, schema_a):
    facility = make_facility(max_active_per_person=10)
    rules(facility, weekend_daily_limit=True)
    saturday = day_ahead(5)
    book(world.resident, facility, saturday, 9)
    with pytest.raises(BookingError) as refused:
        book(world.resident, facility, saturday, 14)
    assert "주말에는 1인당 하루 한 건만" in refused.value.messages[0]
    book(world.resident, facility, saturday + dt.timedelta(days=1), 14)  # Sunday: another day
    book(world.resident, facility, saturday + dt.timedelta(days=2), 9)  # weekdays unlimited
    book(world.resident, facility, saturday + dt.timedelta(days=2), 14)


def test_residents_book_first_the_others_when_the_window_opens(world, schema_a):
    world.inst_a.address = "경기도 가나시 중앙로 10"
    world.inst_a.save(update_fields=["address"])
    facility = make_facility(window_open_days=10)
    rules(facility, residents_first_days=3)
    day = timezone.localdate() + dt.timedelta(days=12)  # general window opens in 2 days
    book(world.resident, facility, day, 9)  # lives in 가나시
    world.resident2.address = "서울특별시 종로구"
    world.resident2.save(update_fields=["address"])
    with pytest.raises(BookingError) as refused:
        book(world.resident2, facility, day, 12)
    assert "관내(가나시) 거주자 우선 예약 기간" in refused.value.messages[0]
    too_early = timezone.localdate() + dt.timedelta(days=20)
    with pytest.raises(BookingError) as early:
        book(world.resident, facility, too_early, 9)
    assert "관내 거주자는" in early.value.messages[0]


def test_no_shows_lead_to_a_sanction_with_reason_and_end(world, schema_a):
    facility = make_facility(base_fee=0, max_active_per_person=10)
    rules(facility, no_show_limit=2, no_show_window_days=90, sanction_days=30)
    marked = []
    for offset in (2, 3):
        r = book(world.resident, facility, timezone.localdate() + dt.timedelta(days=offset), 9)
        r = fb.reservation_approve(actor=world.manager_a, reservation=r)
        then = r.start + dt.timedelta(hours=2)
        r = fb.reservation_mark_no_show(actor=world.manager_a, reservation=r, now=then)
        marked.append(r)
    sanction = Sanction.objects.get(applicant=world.resident)
    # 30 days, to the end of the 30th day (the start of the next day), shown as that day.
    last = timezone.localdate(then) + dt.timedelta(days=30)
    assert sanction.ends_at == local_dt(last + dt.timedelta(days=1), 0)
    assert sanction.last_day == last
    assert marked[0].number in sanction.reason and marked[1].number in sanction.reason
    assert Notification.objects.filter(
        event="booking_sanction", recipient_id=world.resident.pk
    ).exists()
    later = then + dt.timedelta(hours=1)
    day = rules_day = (later + dt.timedelta(days=3)).date()

    def again():
        return fb.reservation_request(
            **request_kwargs(
                facility,
                world.resident,
                start=local_dt(day, 9),
                end=local_dt(day, 10),
                now=later,
            )
        )

    with pytest.raises(BookingError) as blocked:
        again()
    assert (
        message("sanctioned", until=kdate(last), reason=sanction.reason) in blocked.value.messages
    )
    assert fairness.standing(world.resident, facility, later)["sanction"] == sanction
    # Staff lift it (reason required); booking works again.
    with pytest.raises(BookingError):
        fairness.sanction_lift(actor=world.manager_a, sanction=sanction, reason="")
    fairness.sanction_lift(actor=world.manager_a, sanction=sanction, reason="사정 확인")
    assert again().pk and rules_day


def test_staff_bookings_on_behalf_are_not_limited(world, schema_a):
    facility = make_facility(max_active_per_person=10)
    rules(facility, week_limit=1)
    monday = day_ahead(0)
    book(world.resident, facility, monday, 9)
    r = fb.reservation_request(
        **request_kwargs(
            facility,
            world.manager_a,
            start=local_dt(monday, 12),
            end=local_dt(monday, 13),
            on_behalf=True,
            applicant=world.resident,
        )
    )
    assert r.pk
