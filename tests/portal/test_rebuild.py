"""rebuild_portal_index writes in batches: the number of statements does not grow with
the number of entries (it wrote one row at a time: 16 minutes for 30,000 entries), ids
stay stable across rebuilds, venue rows and stale entries are handled in bulk."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from portal import public
from portal.models import PortalEntry, VenueBusy, VenueHours
from tests.facility_booking.conftest import at, make_facility


def _notices(author, count: int, start: int = 0):
    from groupware.boards.models import Board, Post

    board, _ = Board.objects.get_or_create(name="공지사항", kind=Board.Kind.NOTICE)
    return Post.objects.bulk_create(
        Post(
            board=board,
            title=f"공지 {start + i}번 안내",
            body="<p>주민 안내</p>",
            is_public=True,
            author_id=author.pk,
        )
        for i in range(count)
    )


def _statements(institution) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        counts = public.rebuild(institution)
    return len(captured.captured_queries), counts


def test_statements_do_not_grow_with_the_number_of_entries(world):
    inst = world.inst_a
    with schema_context(inst.schema_name):
        for n in range(2):
            make_facility(name=f"한빛 강의실 {n}", kind="classroom")
        _notices(world.staff_a, 3)
    few, counts = _statements(inst)
    assert counts["written"] >= 6
    with schema_context(inst.schema_name):
        for n in range(2, 12):
            make_facility(name=f"한빛 강의실 {n}", kind="classroom")
        _notices(world.staff_a, 60, start=3)
    many, counts_many = _statements(inst)
    assert counts_many["written"] == counts["written"] + 70
    # One row at a time would add ≥ 70 × 3 statements; batches add none.
    assert many <= few + 2, (few, many)
    assert PortalEntry.objects.filter(institution=inst, kind="notice").count() == 63
    assert PortalEntry.objects.filter(institution=inst, kind="facility").count() == 12


def test_rebuild_keeps_ids_updates_changed_items_and_replaces_venue_rows(world):
    from facility_booking.models import Reservation

    inst = world.inst_a
    with schema_context(inst.schema_name):
        facility = make_facility(name="별빛 강당", kind="hall", capacity=80, base_fee=30000)
        Reservation.objects.create(
            facility=facility,
            status="requested",
            start=at(3, 10),
            end=at(3, 12),
            hold_start=at(3, 10),
            hold_end=at(3, 12),
        )
    public.rebuild(inst)
    entry = PortalEntry.objects.get(institution=inst, kind="facility", key=str(facility.pk))
    assert entry.fee == 30000 and entry.capacity == 80 and entry.search
    assert VenueHours.objects.filter(entry=entry).count() == 7
    assert VenueBusy.objects.filter(entry=entry, reason="held").count() == 1
    with schema_context(inst.schema_name):
        facility.name = "별빛 대강당"
        facility.capacity = 120
        facility.save()
        Reservation.objects.filter(facility=facility).update(status="cancelled")
    public.rebuild(inst)
    again = PortalEntry.objects.get(institution=inst, kind="facility", key=str(facility.pk))
    assert again.pk == entry.pk  # upserted, not deleted and re-created
    assert again.title == "별빛 대강당" and again.capacity == 120
    assert again.title_key == "별빛대강당" and again.updated_at > entry.updated_at
    assert VenueHours.objects.filter(entry=again).count() == 7  # replaced, not doubled
    assert not VenueBusy.objects.filter(entry=again, reason="held").exists()


def test_rebuild_leaves_personal_entries_and_other_institutions_alone(world):
    public.publish(
        institution=world.inst_a, kind="booking", key="R-9", title="내 예약", owner=world.resident
    )
    PortalEntry.objects.create(
        institution=world.inst_a, kind="notice", key="424242", title="옛 공지"
    )
    PortalEntry.objects.create(
        institution=world.inst_b, kind="notice", key="424242", title="B 공지"
    )
    counts = public.rebuild(world.inst_a)
    assert counts["withdrawn"] >= 1
    assert PortalEntry.objects.filter(kind="booking", key="R-9", owner=world.resident).exists()
    assert not PortalEntry.objects.filter(institution=world.inst_a, key="424242").exists()
    assert PortalEntry.objects.filter(institution=world.inst_b, key="424242").exists()
