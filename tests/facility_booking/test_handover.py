"""인계인수: a leaver's staff-side booking items go to the successor; residents'
own bookings never move."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from facility_booking import services
from facility_booking.models import Reservation, ReservationEvent, Status
from institution.models import AuditEvent
from tests.facility_booking.conftest import at, make_facility, request_kwargs


@pytest.fixture
def items(world, schema_a):
    """What a leaving facility manager (manager_a) leaves behind, and what is not theirs."""
    hall = make_facility(name="다목적홀")
    room = make_facility(
        name="소회의실", visibility="internal", base_fee=0, approval_required=False
    )
    leaver = world.manager_a
    walk_in = services.reservation_request(
        **request_kwargs(hall, leaver, start=at(3, 9), end=at(3, 10)),
        on_behalf=True,
        applicant=world.resident,
    )
    phoned = services.reservation_request(
        **request_kwargs(hall, leaver, start=at(3, 13), end=at(3, 14)),
        on_behalf=True,
        applicant_name="전화 신청자",
    )
    block = services.block_create(actor=leaver, facility=hall, start=at(4, 9), end=at(4, 12))
    meeting = services.reservation_request(
        **request_kwargs(room, leaver, start=at(3, 9), end=at(3, 10), headcount=4)
    )
    private = services.reservation_request(
        **request_kwargs(hall, leaver, start=at(5, 9), end=at(5, 10))
    )
    residents = services.reservation_request(
        **request_kwargs(hall, world.resident2, start=at(5, 13), end=at(5, 14))
    )
    services.reservation_approve(actor=leaver, reservation=residents)
    gone = services.reservation_request(
        **request_kwargs(hall, leaver, start=at(6, 9), end=at(6, 10)),
        on_behalf=True,
        applicant_name="취소한 신청자",
    )
    services.reservation_cancel(
        actor=leaver, reservation=gone, reason="신청자 요청", by_institution=True
    )
    return {
        "walk_in": walk_in,
        "phoned": phoned,
        "block": block,
        "meeting": meeting,
        "private": private,
        "residents": residents,
        "gone": gone,
    }


def _fresh(items):
    return {k: Reservation.objects.get(pk=r.pk) for k, r in items.items()}


def _snapshot():
    return list(
        Reservation.objects.order_by("pk").values_list(
            "pk", "applicant_id", "applicant_name", "created_by_id", "status"
        )
    )


def test_through_the_workspace_handover_page(world, items, on_host):
    """The workspace's 인계인수 page calls this app's hook: walk-ins, blocks and internal
    bookings still to come move; the applicants of walk-ins and residents' bookings stay."""
    before = _fresh(items)
    response = on_host(world.inst_a, world.admin_a).post(
        "/staff/org/handover/",
        {"from_user": world.manager_a.pk, "to_user": world.staff_a2.pk, "reason": "퇴직"},
    )
    assert response.status_code == 200

    after = _fresh(items)
    successor, leaver = world.staff_a2, world.manager_a
    # staff-side: the successor is now in charge, applicants untouched
    assert after["walk_in"].created_by_id == successor.pk
    assert after["walk_in"].applicant_id == world.resident.pk
    assert after["walk_in"].applicant_name == before["walk_in"].applicant_name
    assert after["phoned"].created_by_id == successor.pk
    assert after["phoned"].applicant_name == "전화 신청자"
    assert after["block"].created_by_id == successor.pk
    # the leaver's internal room booking becomes the successor's
    assert after["meeting"].applicant_id == successor.pk
    assert after["meeting"].applicant_email == successor.email
    assert after["meeting"].status == before["meeting"].status
    # never moved: the leaver's private booking, a resident's booking, freed rows
    for key in ("private", "residents", "gone"):
        assert after[key].applicant_id == before[key].applicant_id
        assert after[key].created_by_id == before[key].created_by_id
    assert after["private"].applicant_id == leaver.pk

    events = ReservationEvent.objects.filter(data__has_key="handover")
    assert sorted(events.values_list("reservation_id", flat=True)) == sorted(
        items[k].pk for k in ("walk_in", "phoned", "block", "meeting")
    )
    assert all(e.actor_id == world.admin_a.pk and "퇴직" in e.reason for e in events)
    assert all(e.from_status == e.to_status for e in events)
    audit = AuditEvent.objects.get(action="facility_booking.handover")
    assert audit.data["to_user"] == successor.pk
    workspace = AuditEvent.objects.get(action="handover")
    assert workspace.data["moved"]["facility_bookings"] == 4
    # the manager page shows the new person in charge, the timeline the handover
    page = on_host(world.inst_a, world.manager_a).get(
        f"/facilities/manage/bookings/{items['walk_in'].pk}/"
    )
    html = page.content.decode()
    assert successor.name in html and "인계인수" in html


def test_refusals_change_nothing(world, items):
    """Only an institution admin hands over, to another active member here."""
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.handover(
            actor=world.manager_a,
            institution=world.inst_a,
            from_user=world.manager_a,
            to_user=world.staff_a2,
        )
    for to_user in (world.staff_b, world.manager_a, world.resident, None):
        with pytest.raises(ValidationError):
            services.handover(
                actor=world.admin_a,
                institution=world.inst_a,
                from_user=world.manager_a,
                to_user=to_user,
            )
    assert _snapshot() == before
    assert not ReservationEvent.objects.filter(data__has_key="handover").exists()
    assert not AuditEvent.objects.filter(action="facility_booking.handover").exists()


def test_nothing_to_move_is_zero_and_no_audit_row(world, schema_a):
    assert (
        services.handover(
            actor=world.admin_a,
            institution=world.inst_a,
            from_user=world.staff_a,
            to_user=world.staff_a2,
        )
        == 0
    )
    assert not AuditEvent.objects.filter(action="facility_booking.handover").exists()


def test_finished_rows_stay(world, items):
    """A walk-in already used is history: it keeps the leaver as the one in charge."""
    walk_in = items["walk_in"]
    Reservation.objects.filter(pk=walk_in.pk).update(status=Status.COMPLETED)
    services.handover(
        actor=world.admin_a,
        institution=world.inst_a,
        from_user=world.manager_a,
        to_user=world.staff_a2,
    )
    assert Reservation.objects.get(pk=walk_in.pk).created_by_id == world.manager_a.pk
