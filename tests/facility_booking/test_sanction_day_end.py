"""A booking restriction of N days — imposed by staff or after no-shows — ends at the end
of a whole day (the start of the next day), never at the minute it was given, and the
person is told the last day as a date ("2026. 12. 31.까지"), not a time."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from facility_booking import services as fb
from facility_booking.errors import BookingError
from facility_booking.models import FacilityRules, Sanction
from facility_booking.services import fairness
from institution.models import AuditEvent
from notifications.models import Notification
from suite.dates import kdate
from tests.facility_booking.conftest import local_dt, make_facility, request_kwargs

pytestmark = pytest.mark.django_db


def test_staff_sanction_of_n_days_ends_at_the_end_of_the_nth_day(world, schema_a):
    facility = make_facility(base_fee=0)
    given = local_dt(timezone.localdate(), 12, 34)
    sanction = fairness.sanction_impose(
        actor=world.manager_a,
        applicant=world.resident,
        facility=facility,
        days=7,
        reason="시설 훼손",
        now=given,
    )
    last = given.date() + dt.timedelta(days=7)
    assert sanction.ends_at == local_dt(last + dt.timedelta(days=1), 0)
    assert sanction.last_day == last
    assert sanction.is_active(local_dt(last, 23, 59))
    assert not sanction.is_active(local_dt(last + dt.timedelta(days=1), 0))
    audit = AuditEvent.objects.filter(action="facility_booking.sanction").latest("id")
    assert f"{kdate(last)}까지" in audit.summary and ":34" not in audit.summary
    note = Notification.objects.filter(event="booking_sanction").latest("id")
    assert note.context["until"] == kdate(last)

    day = last  # booking on the last day is refused, told as a date
    with pytest.raises(BookingError) as blocked:
        fb.reservation_request(
            **request_kwargs(
                facility,
                world.resident,
                start=local_dt(day, 9),
                end=local_dt(day, 10),
                now=local_dt(day - dt.timedelta(days=2), 8),
            )
        )
    text = " ".join(blocked.value.messages)
    assert f"{kdate(last)}까지" in text
    assert not re.search(r"\d{1,2}:\d{2}까지", text)


def test_no_show_sanction_ends_at_the_end_of_a_day(world, schema_a):
    facility = make_facility(base_fee=0, max_active_per_person=10)
    FacilityRules.objects.create(
        facility=facility, no_show_limit=1, no_show_window_days=90, sanction_days=14
    )
    day = timezone.localdate() + dt.timedelta(days=2)
    r = fb.reservation_request(
        **request_kwargs(facility, world.resident, start=local_dt(day, 9), end=local_dt(day, 10))
    )
    r = fb.reservation_approve(actor=world.manager_a, reservation=r)
    marked_at = local_dt(day, 10, 47)
    fb.reservation_mark_no_show(actor=world.manager_a, reservation=r, now=marked_at)
    sanction = Sanction.objects.get(applicant=world.resident)
    last = day + dt.timedelta(days=14)
    assert sanction.ends_at == local_dt(last + dt.timedelta(days=1), 0)
    assert sanction.last_day == last


def test_the_resident_sees_the_last_day_as_a_date(world, schema_a, on_host):
    facility = make_facility(base_fee=0)
    fairness.sanction_impose(
        actor=world.manager_a,
        applicant=world.resident,
        facility=facility,
        days=30,
        reason="노쇼",
        now=local_dt(timezone.localdate(), 12, 34) - dt.timedelta(days=1),
    )
    last = timezone.localdate() - dt.timedelta(days=1) + dt.timedelta(days=30)
    page = on_host(world.inst_a, world.resident).get("/facilities/my/standing/")
    body = page.content.decode()
    assert f"{kdate(last)}까지 예약할 수 없습니다." in body
    assert "12:34" not in body
