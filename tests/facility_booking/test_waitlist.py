"""Waitlist (예약대기): a resident queues for a taken period; when the holding booking is
cancelled, rejected or expires, the first in line is offered it as a booking awaiting
payment with a short deadline and told; an offer not paid in time passes to the next.
Everyone sees their place in line."""

import datetime as dt

import pytest
from django.utils import timezone

from facility_booking import services as fb
from facility_booking.errors import BookingError, message
from facility_booking.models import FacilityRules, Reservation, Status, WaitlistEntry, WaitStatus
from facility_booking.selectors_fair import waitlist_position
from facility_booking.services import waitlist
from facility_booking.tasks_fair import fair_work_here
from notifications.models import Notification
from tests.facility_booking.conftest import at, make_facility, request_kwargs

pytestmark = pytest.mark.django_db


def join(person, facility, start=None, end=None, **overrides):
    values = {
        "actor": person,
        "facility": facility,
        "start": start or at(5, 10),
        "end": end or at(5, 12),
        "purpose": "배드민턴 동호회",
        "contact_phone": "010-2222-3333",
        "headcount": 6,
    }
    values.update(overrides)
    return waitlist.waitlist_join(**values)


@pytest.fixture
def taken(world, schema_a):
    """A facility whose 10–12 on day 5 is held by staff_a's request."""
    facility = make_facility()
    holder = fb.reservation_request(
        **request_kwargs(facility, world.staff_a, start=at(5, 10), end=at(5, 12))
    )
    return facility, holder


def test_only_a_taken_period_can_be_waited_for(world, taken):
    facility, _holder = taken
    with pytest.raises(BookingError) as free:
        join(world.resident, facility, at(5, 14), at(5, 16))
    assert message("waitlist_free") in free.value.messages
    with pytest.raises(BookingError) as own:
        join(world.staff_a, facility)
    assert message("waitlist_own") in own.value.messages
    entry = join(world.resident, facility)
    assert entry.status == WaitStatus.WAITING
    with pytest.raises(BookingError) as twice:
        join(world.resident, facility)
    assert message("waitlist_duplicate") in twice.value.messages
    assert WaitlistEntry.objects.count() == 1


def test_places_are_first_come_first_served(world, taken):
    facility, _holder = taken
    first = join(world.resident, facility)
    second = join(world.resident2, facility)
    overlapping = join(world.staff_a2, facility, at(5, 11), at(5, 13))
    assert [waitlist_position(e) for e in (first, second, overlapping)] == [1, 2, 3]
    waitlist.waitlist_cancel(actor=world.resident, entry=first)
    second.refresh_from_db()
    assert waitlist_position(second) == 1


def test_a_cancelled_booking_is_offered_to_the_first_in_line(world, taken):
    facility, holder = taken
    first = join(world.resident, facility)
    second = join(world.resident2, facility)
    fb.reservation_cancel(actor=world.staff_a, reservation=holder)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitStatus.OFFERED and second.status == WaitStatus.WAITING
    offer = first.reservation
    assert offer.status == Status.APPROVED and offer.origin == "waitlist"
    assert offer.applicant_id == world.resident.pk
    # A short deadline: the facility's waitlist hours (24 by default), not its payment days.
    assert offer.payment_due <= timezone.now() + dt.timedelta(hours=24, minutes=1)
    assert Notification.objects.filter(
        event="waitlist_offer", recipient_id=world.resident.pk
    ).exists()
    assert waitlist_position(second) == 1


def test_an_offer_not_paid_in_time_passes_to_the_next(world, taken):
    facility, holder = taken
    first = join(world.resident, facility)
    second = join(world.resident2, facility)
    fb.reservation_reject(actor=world.manager_a, reservation=holder, reason="서류 미비")
    first.refresh_from_db()
    offer = first.reservation
    later = offer.payment_due + dt.timedelta(minutes=1)
    assert fb.reservation_expire(reservation=offer, now=later)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitStatus.LAPSED
    assert second.status == WaitStatus.OFFERED
    assert second.reservation.applicant_id == world.resident2.pk


def test_a_paid_offer_is_booked(world, taken):
    facility, holder = taken
    entry = join(world.resident, facility)
    fb.reservation_cancel(actor=world.staff_a, reservation=holder)
    entry.refresh_from_db()
    offer = entry.reservation
    fb.reservation_record_payment(
        actor=world.manager_a, reservation=offer, amount=offer.total_amount, method="cash"
    )
    entry.refresh_from_db()
    assert entry.status == WaitStatus.BOOKED


def test_a_removed_block_is_offered_too(world, schema_a):
    facility = make_facility()
    block = fb.block_create(actor=world.manager_a, facility=facility, start=at(6, 9), end=at(6, 13))
    entry = join(world.resident, facility, at(6, 10), at(6, 12))
    fb.block_remove(actor=world.manager_a, block=block)
    entry.refresh_from_db()
    assert entry.status == WaitStatus.OFFERED


def test_waitlist_can_be_switched_off_and_past_waits_end(world, taken):
    facility, _holder = taken
    entry = join(world.resident, facility)
    FacilityRules.objects.create(facility=facility, waitlist_enabled=False)
    facility.__dict__.pop("_fair_rules_cache", None)
    with pytest.raises(BookingError) as off:
        join(world.resident2, facility)
    assert message("waitlist_off") in off.value.messages
    fair_work_here(now=entry.start)
    entry.refresh_from_db()
    assert entry.status == WaitStatus.CLOSED


def test_free_facility_offer_is_a_booking_at_once(world, schema_a):
    facility = make_facility(base_fee=0)
    holder = fb.reservation_request(
        **request_kwargs(facility, world.staff_a, start=at(5, 10), end=at(5, 12))
    )
    entry = join(world.resident, facility)
    fb.reservation_cancel(actor=world.staff_a, reservation=holder)
    entry.refresh_from_db()
    assert entry.status == WaitStatus.BOOKED
    assert Reservation.objects.get(pk=entry.reservation_id).status == Status.APPROVED
