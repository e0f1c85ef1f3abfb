"""Staff decisions and the state machine: approve, reject, payment, cancel,
complete/no-show, expiry, blocks; illegal moves refused with nothing changed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from facility_booking import services
from facility_booking.errors import MESSAGES, InvalidTransition, SlotTaken, message
from facility_booking.models import Reservation, Status
from facility_booking.state import TRANSITIONS, can_move
from institution.models import AuditEvent
from tests.facility_booking.conftest import (
    add_discounts,
    add_refund_tiers,
    at,
    make_facility,
    request_kwargs,
)


@pytest.fixture
def booking(schema_a, world):
    facility = make_facility(base_fee=10000)
    add_discounts(facility, senior=30, disability=50)
    add_refund_tiers(facility)
    r = services.reservation_request(
        **request_kwargs(facility, world.resident, discount_categories=["senior"])
    )
    return r


def test_transition_map_is_closed():
    for source, targets in TRANSITIONS.items():
        for target in targets:
            assert target in TRANSITIONS, (source, target)
    assert not can_move("completed", "cancelled")
    assert not can_move("requested", "paid")


def test_approve_confirms_or_changes_discount_and_fee(booking, world, outbox):
    r = services.reservation_approve(
        actor=world.manager_a,
        reservation=booking,
        discount_category="disability",
        note="복지카드 확인",
    )
    assert r.status == Status.APPROVED
    assert (r.discount_category, r.discount_amount, r.total_amount) == ("disability", 10000, 10000)
    assert r.discount_confirmed and r.payment_due is not None
    event = r.events.last()
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        "requested",
        "approved",
        world.manager_a,
        "복지카드 확인",
    )
    assert AuditEvent.objects.filter(action="facility_booking.approve").exists()
    assert "승인" in outbox()[-1].subject


def test_approve_with_fee_override_and_without_discount(booking, world):
    r = services.reservation_approve(
        actor=world.admin_a, reservation=booking, discount_category="", fee=15000
    )
    assert (r.discount_amount, r.adjustment_amount, r.total_amount) == (0, -5000, 15000)


def test_a_request_whose_time_is_over_cannot_be_approved(booking, world):
    """A stale request left in the queue is rejected, not approved into an overdue payment."""
    later = booking.end + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as info:
        services.reservation_approve(actor=world.manager_a, reservation=booking, now=later)
    assert MESSAGES["approve_over"] in info.value.messages
    booking.refresh_from_db()
    assert booking.status == Status.REQUESTED and booking.events.count() == 1
    rejected = services.reservation_reject(
        actor=world.manager_a, reservation=booking, reason="기한 경과", now=later
    )
    assert rejected.status == Status.REJECTED


def test_approve_refused_for_staff_and_resident(booking, world):
    for person in (world.staff_a, world.resident, world.manager_b):
        with pytest.raises(PermissionDenied):
            services.reservation_approve(actor=person, reservation=booking)
    booking.refresh_from_db()
    assert booking.status == Status.REQUESTED and booking.events.count() == 1


def test_approve_with_discount_not_offered(booking, world):
    with pytest.raises(ValidationError) as info:
        services.reservation_approve(
            actor=world.manager_a, reservation=booking, discount_category="multi_child"
        )
    assert MESSAGES["discount_not_offered"] in info.value.messages
    booking.refresh_from_db()
    assert booking.status == Status.REQUESTED


def test_reject_needs_reason_and_frees_slot(booking, world, outbox):
    with pytest.raises(ValidationError) as info:
        services.reservation_reject(actor=world.manager_a, reservation=booking, reason=" ")
    assert MESSAGES["reason_required"] in info.value.messages
    r = services.reservation_reject(actor=world.manager_a, reservation=booking, reason="행사 중복")
    assert r.status == Status.REJECTED and r.status_reason == "행사 중복"
    assert "반려" in outbox()[-1].subject
    assert not services.overlaps(r.facility, r.hold_start, r.hold_end)


def test_payment_must_match_fee(booking, world, outbox):
    r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    with pytest.raises(ValidationError) as info:
        services.reservation_record_payment(
            actor=world.manager_a, reservation=r, amount=1000, method="cash"
        )
    assert message("payment_amount", total="14,000") in info.value.messages
    with pytest.raises(ValidationError) as info:
        services.reservation_record_payment(
            actor=world.manager_a, reservation=r, amount=5, method="exempt"
        )
    assert MESSAGES["payment_exempt_amount"] in info.value.messages
    r.refresh_from_db()
    assert r.status == Status.APPROVED and r.paid_amount == 0
    r = services.reservation_record_payment(
        actor=world.manager_a, reservation=r, amount=14000, method="bank_transfer"
    )
    assert (r.status, r.paid_amount, r.payment_method) == ("paid", 14000, "bank_transfer")
    assert "결제" in outbox()[-1].subject


def test_payment_before_approval_is_an_invalid_transition(booking, world):
    with pytest.raises(InvalidTransition) as info:
        services.reservation_record_payment(
            actor=world.manager_a, reservation=booking, amount=14000, method="cash"
        )
    assert message("invalid_transition", current="승인 대기") in info.value.messages


def test_cancel_by_applicant_refunds_by_tier(booking, world, outbox):
    r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    r = services.reservation_record_payment(
        actor=world.manager_a, reservation=r, amount=14000, method="cash"
    )
    now = r.start - dt.timedelta(days=2)
    assert services.cancellation_refund(r, by_institution=False, now=now) == 9800
    r = services.reservation_cancel(actor=world.resident, reservation=r, now=now)
    assert (r.status, r.refund_amount, r.cancelled_by_institution) == ("cancelled", 9800, False)
    assert "취소" in outbox()[-1].subject


def test_cancel_by_someone_else_refused(booking, world):
    with pytest.raises(PermissionDenied):
        services.reservation_cancel(actor=world.resident2, reservation=booking)
    with pytest.raises(PermissionDenied):
        services.reservation_cancel(
            actor=world.staff_a, reservation=booking, by_institution=True, reason="x"
        )
    booking.refresh_from_db()
    assert booking.status == Status.REQUESTED


def test_cancel_by_institution_refunds_everything(booking, world):
    r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    r = services.reservation_record_payment(
        actor=world.manager_a, reservation=r, amount=14000, method="card_on_site"
    )
    with pytest.raises(ValidationError):
        services.reservation_cancel(actor=world.manager_a, reservation=r, by_institution=True)
    r = services.reservation_cancel(
        actor=world.manager_a,
        reservation=r,
        by_institution=True,
        reason="시설 긴급 보수",
        now=r.start,
    )
    assert (r.refund_amount, r.cancelled_by_institution) == (14000, True)
    with pytest.raises(InvalidTransition):
        services.reservation_cancel(actor=world.resident, reservation=r)


def test_complete_and_no_show_only_after_start_and_payment(booking, world):
    r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    with pytest.raises(ValidationError) as info:
        services.reservation_complete(actor=world.manager_a, reservation=r, now=r.start)
    assert MESSAGES["not_paid"] in info.value.messages
    r = services.reservation_record_payment(
        actor=world.manager_a, reservation=r, amount=14000, method="cash"
    )
    with pytest.raises(ValidationError) as info:
        services.reservation_complete(actor=world.manager_a, reservation=r)
    assert MESSAGES["not_yet_started"] in info.value.messages
    r = services.reservation_mark_no_show(actor=world.manager_a, reservation=r, now=r.end)
    assert r.status == Status.NO_SHOW
    assert [e.to_status for e in r.events.all()] == ["requested", "approved", "paid", "no_show"]


def test_free_booking_completes_from_approved(schema_a, world):
    facility = make_facility(base_fee=0)
    r = services.reservation_request(**request_kwargs(facility, world.resident))
    r = services.reservation_approve(actor=world.manager_a, reservation=r)
    assert r.payment_due is None
    r = services.reservation_complete(actor=world.manager_a, reservation=r, now=r.end)
    assert r.status == Status.COMPLETED


def test_expire_only_unpaid_past_deadline(booking, world, outbox):
    r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    assert not services.reservation_expire(
        reservation=r, now=r.payment_due - dt.timedelta(minutes=1)
    )
    assert services.reservation_expire(reservation=r, now=r.payment_due + dt.timedelta(minutes=1))
    r.refresh_from_db()
    assert r.status == Status.EXPIRED
    assert r.events.last().actor is None and r.events.last().actor_label == "시스템"
    assert not services.reservation_expire(reservation=r, now=r.payment_due + dt.timedelta(days=1))
    assert "기한" in outbox()[-1].subject


def test_block_holds_time_and_can_be_lifted(schema_a, world):
    facility = make_facility()
    block = services.block_create(
        actor=world.manager_a, facility=facility, start=at(3, 9), end=at(3, 13), note="바닥 공사"
    )
    with pytest.raises(SlotTaken):
        services.reservation_request(**request_kwargs(facility, world.resident))
    with pytest.raises(SlotTaken):
        services.block_create(
            actor=world.manager_a, facility=facility, start=at(3, 12), end=at(3, 14)
        )
    with pytest.raises(PermissionDenied):
        services.block_create(actor=world.staff_a, facility=facility, start=at(4, 9), end=at(4, 10))
    services.block_remove(actor=world.manager_a, block=block)
    services.reservation_request(**request_kwargs(facility, world.resident))
    assert Reservation.objects.filter(kind="block").count() == 1


def test_database_refuses_overlap_even_without_the_service_check(schema_a, world):
    """The exclusion constraint is the guarantee, not the pre-check."""
    from django.db import IntegrityError, transaction

    facility = make_facility()
    r = services.reservation_request(**request_kwargs(facility, world.resident))
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            facility=facility,
            start=r.start,
            end=r.end,
            hold_start=r.hold_start,
            hold_end=r.hold_end,
            status="approved",
        )
    Reservation.objects.create(  # a cancelled row does not hold the slot
        facility=facility,
        start=r.start,
        end=r.end,
        hold_start=r.hold_start,
        hold_end=r.hold_end,
        status="cancelled",
    )


def test_applicant_cannot_cancel_once_started_but_institution_can(booking, world):
    with pytest.raises(ValidationError) as info:
        services.reservation_cancel(actor=world.resident, reservation=booking, now=booking.start)
    assert MESSAGES["already_started"] in info.value.messages
    booking.refresh_from_db()
    assert booking.status == Status.REQUESTED
    r = services.reservation_cancel(
        actor=world.manager_a,
        reservation=booking,
        by_institution=True,
        reason="정전",
        now=booking.start,
    )
    assert r.status == Status.CANCELLED
