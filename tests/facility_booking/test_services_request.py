"""reservation_request: the stored booking, its price, history, e-mail, portal entry;
instant and free facilities; staff booking on behalf; internal facilities."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from facility_booking import services
from facility_booking.models import Reservation, Status
from portal.models import PortalEntry
from tests.facility_booking.conftest import add_discounts, at, make_facility, request_kwargs


def test_request_stores_booking_with_price_history_mail_and_portal(
    schema_a, world, django_capture_on_commit_callbacks
):
    facility = make_facility(base_fee=10000)
    add_discounts(facility, senior=30, disability=50)
    with django_capture_on_commit_callbacks(execute=True):
        r = services.reservation_request(
            **request_kwargs(facility, world.resident, discount_categories=["senior", "disability"])
        )
    r.refresh_from_db()
    assert r.status == Status.REQUESTED
    assert r.number.startswith("FB-") and r.number.endswith(f"{r.pk:06d}")
    assert (r.base_amount, r.discount_category, r.discount_amount, r.total_amount) == (
        20000,
        "disability",
        10000,
        10000,
    )
    assert r.hold_start == r.start and r.hold_end == r.end
    assert r.applicant == world.resident and r.applicant_name == world.resident.name
    assert [(e.from_status, e.to_status) for e in r.events.all()] == [("", "requested")]
    assert len(mail.outbox) == 1 and "접수" in mail.outbox[0].subject
    assert mail.outbox[0].to == [world.resident.email]
    entry = PortalEntry.objects.get(institution=world.inst_a, kind="booking", key=str(r.pk))
    assert entry.owner == world.resident and entry.data["status"] == "requested"
    assert entry.url == "" and entry.route == "facility_booking:my_booking"  # no stored link


def test_instant_facility_is_approved_with_payment_deadline(
    schema_a, world, django_capture_on_commit_callbacks
):
    facility = make_facility(approval_required=False, payment_days=2)
    with django_capture_on_commit_callbacks(execute=True):
        r = services.reservation_request(**request_kwargs(facility, world.resident))
    assert r.status == Status.APPROVED and r.payment_due is not None
    assert r.payment_due <= r.start
    assert [e.to_status for e in r.events.all()] == ["requested", "approved"]
    assert "승인" in mail.outbox[-1].subject


def test_free_instant_facility_needs_no_payment(schema_a, world):
    facility = make_facility(approval_required=False, base_fee=0)
    r = services.reservation_request(**request_kwargs(facility, world.resident))
    assert r.status == Status.APPROVED and r.total_amount == 0 and r.payment_due is None
    assert not r.awaits_payment


def test_staff_book_internal_room_instantly_without_fee(schema_a, world):
    room = make_facility(
        name="소회의실(내부)", visibility="internal", approval_required=False, base_fee=30000
    )
    r = services.reservation_request(
        **request_kwargs(
            room,
            world.staff_a,
            contact_phone="",
            start=at(1, 10),
            end=at(1, 11),
            now=at(0, 9),
        )
    )
    assert r.status == Status.APPROVED and r.total_amount == 0


def test_on_behalf_of_walk_in_skips_window_and_is_audited(schema_a, world):
    from institution.models import AuditEvent

    facility = make_facility(window_open_days=1)
    r = services.reservation_request(
        **request_kwargs(
            facility,
            world.manager_a,
            on_behalf=True,
            applicant_name="전화 신청 김민수",
            contact_phone="010-9999-0000",
            start=at(10, 10),
            end=at(10, 12),
        )
    )
    assert r.applicant is None and r.on_behalf and r.created_by == world.manager_a
    assert r.applicant_name == "전화 신청 김민수"
    assert AuditEvent.objects.filter(action="facility_booking.book_on_behalf").exists()


def test_on_behalf_refused_for_plain_staff(schema_a, world):
    facility = make_facility()
    with pytest.raises(PermissionDenied):
        services.reservation_request(
            **request_kwargs(facility, world.staff_a, on_behalf=True, applicant_name="x")
        )
    assert not Reservation.objects.exists()


def test_cancelled_slot_is_free_again(schema_a, world):
    facility = make_facility()
    r = services.reservation_request(**request_kwargs(facility, world.resident))
    services.reservation_cancel(actor=world.resident, reservation=r)
    again = services.reservation_request(**request_kwargs(facility, world.resident2))
    assert again.status == Status.REQUESTED


def test_staff_workspace_call_shape_for_internal_vehicle(schema_a, world):
    """groupware/booking.py calls the engine with these keywords (headcount 0 allowed)."""
    vehicle = make_facility(
        name="업무용 차량", kind="vehicle", visibility="internal", approval_required=True
    )
    r = services.reservation_request(
        actor=world.staff_a,
        applicant=world.staff_a,
        facility=vehicle,
        start=at(2, 9),
        end=at(2, 12),
        purpose="현장 점검 출장",
        headcount=0,
        applicant_name=world.staff_a.name,
        applicant_email=world.staff_a.email,
        contact_phone="",
    )
    assert r.status == Status.REQUESTED and r.total_amount == 0 and r.applicant == world.staff_a
    with pytest.raises(PermissionDenied):
        services.reservation_approve(actor=world.staff_a2, reservation=r)
    assert services.reservation_approve(actor=world.manager_a, reservation=r).status == "approved"
