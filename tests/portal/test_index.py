"""The portal index: sources re-read after commit, compatible publish/withdraw,
hidden institutions, personal summaries, the rebuild command."""

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from portal import index, public
from portal.models import PortalEntry, VenueBusy, VenueHours
from tenants.models import Institution
from tests.facility_booking.conftest import at, make_facility


def _facility(inst, key, title, summary=""):
    index.publish(
        institution=inst, kind="facility", key=key, title=title, summary=summary, url=f"/f/{key}"
    )


def test_publish_is_upsert_and_withdraw_removes(world):
    _facility(world.inst_a, 1, "대공연장")
    _facility(world.inst_a, 1, "대공연장 (리모델링)")
    entry = PortalEntry.objects.get(institution=world.inst_a, kind="facility")
    assert entry.title == "대공연장 (리모델링)" and entry.url == "/f/1"
    assert entry.link == world.inst_a.absolute_url("/f/1")
    index.withdraw(institution=world.inst_a, kind="facility", key=1)
    assert not PortalEntry.objects.filter(institution=world.inst_a, kind="facility").exists()


def test_absolute_urls_from_older_callers_keep_only_the_path(world):
    index.publish(
        institution=world.inst_a,
        kind="booking",
        key="B1",
        title="예약",
        owner=world.resident,
        url="http://old-host:9999/facilities/my/7/?x=1",
    )
    entry = PortalEntry.objects.get(kind="booking", key="B1")
    assert entry.url == "/facilities/my/7/?x=1"
    assert entry.link == world.inst_a.absolute_url("/facilities/my/7/?x=1")


def test_search_matches_every_word_across_institutions(world):
    _facility(world.inst_a, 1, "대공연장", "300석 공연장")
    _facility(world.inst_b, 2, "실내 체육관", "농구 배구")
    _facility(world.inst_b, 3, "소회의실", "10인")
    assert [e.title for e in index.search("체육관")] == ["실내 체육관"]
    assert [e.title for e in index.search("300석 공연장")] == ["대공연장"]
    assert [e.title for e in index.search("회의실")] == ["소회의실"]
    assert {
        e.title for e in index.search("", kind="facility", institution_slug=world.inst_b.slug)
    } == {
        "실내 체육관",
        "소회의실",
    }


def test_suspended_and_archived_institutions_vanish_at_once(world):
    _facility(world.inst_b, 2, "실내 체육관")
    for status in (Institution.Status.SUSPENDED, Institution.Status.ARCHIVED):
        Institution.objects.filter(pk=world.inst_b.pk).update(status=status)
        assert not index.search("체육관").exists()
        Institution.objects.filter(pk=world.inst_b.pk).update(status=Institution.Status.ACTIVE)
        assert index.search("체육관").exists()


def test_personal_entries_are_only_the_owners_and_never_public(world):
    index.publish(
        institution=world.inst_a,
        kind="booking",
        key="R-1",
        title="대공연장 예약",
        owner=world.resident,
    )
    assert [e.title for e in index.personal(world.resident)] == ["대공연장 예약"]
    assert not index.personal(world.resident2).exists()
    assert not index.search("예약").exists()


def test_a_facility_change_reaches_the_index_after_commit_with_its_venue_summary(
    world, django_capture_on_commit_callbacks
):
    with schema_context(world.inst_a.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            facility = make_facility(name="햇살 다목적홀", kind="hall", capacity=120, base_fee=0)
        entry = PortalEntry.objects.get(
            institution=world.inst_a, kind="facility", key=str(facility.pk)
        )
        assert entry.capacity == 120 and entry.fee == 0 and entry.facility_kind == "hall"
        assert entry.route == "facility_booking:detail"
        assert entry.link == world.inst_a.absolute_url(f"/facilities/{facility.pk}/")
        assert VenueHours.objects.filter(entry=entry).count() == 7
        from facility_booking.models import Reservation

        with django_capture_on_commit_callbacks(execute=True):
            Reservation.objects.create(
                facility=facility,
                status="requested",
                start=at(3, 10),
                end=at(3, 12),
                hold_start=at(3, 10),
                hold_end=at(3, 12),
            )
        assert VenueBusy.objects.filter(entry=entry).count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            facility.is_active = False
            facility.save()
        assert not PortalEntry.objects.filter(pk=entry.pk).exists()


def test_nothing_is_indexed_when_the_transaction_rolls_back(world):
    from django.db import transaction

    with (
        schema_context(world.inst_a.schema_name),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_facility(name="사라질 강당")
        raise RuntimeError
    assert not PortalEntry.objects.filter(title="사라질 강당").exists()


def test_rebuild_command_recreates_entries_and_drops_stale_ones(world):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="별빛 강의실", kind="classroom")
    PortalEntry.objects.create(
        institution=world.inst_a, kind="facility", key="999999", title="없어진 시설"
    )
    call_command("rebuild_portal_index", world.inst_a.slug, verbosity=0)
    titles = set(
        PortalEntry.objects.filter(institution=world.inst_a).values_list("title", flat=True)
    )
    assert "별빛 강의실" in titles and "없어진 시설" not in titles
    assert world.inst_a.name in titles  # the institution itself
    assert PortalEntry.objects.get(kind="facility", key=str(facility.pk)).search is not None


def test_rebuild_command_refuses_unknown_institutions(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rebuild_portal_index", "no-such-place", verbosity=0)


def test_refresh_of_an_unknown_schema_does_nothing(world):
    assert public.refresh("inst_nowhere", [("facility", "1")]) == {"written": 0, "withdrawn": 0}


def test_no_entry_stores_an_absolute_url(world, django_capture_on_commit_callbacks):
    """Notices from boards, facilities and booking summaries keep routes (or paths): links
    are built for the institution's current host when shown."""
    from facility_booking import services as booking
    from groupware.boards import services as boards
    from groupware.boards.models import Board

    with (
        schema_context(world.inst_a.schema_name),
        django_capture_on_commit_callbacks(execute=True),
    ):
        facility = make_facility(name="주소 없는 강당")
        board = Board.objects.create(name="알림마당", kind=Board.Kind.NOTICE)
        boards.post_create(
            actor=world.admin_a,
            institution=world.inst_a,
            board=board,
            title="주소 없는 공지",
            is_public=True,
        )
        booking.reservation_request(
            actor=world.resident,
            facility=facility,
            start=at(3, 10),
            end=at(3, 12),
            purpose="모임",
            headcount=5,
            contact_phone="010-1234-5678",
        )
    kinds = set(PortalEntry.objects.values_list("kind", flat=True))
    assert {"facility", "notice", "booking"} <= kinds
    assert not PortalEntry.objects.filter(url__contains="://").exists()
    notice = PortalEntry.objects.get(kind="notice", title="주소 없는 공지")
    assert notice.route == "boards:public_post" and notice.link.endswith(notice.path)
