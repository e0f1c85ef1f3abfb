"""The portal index: publish/withdraw, public search, personal items, hidden institutions."""

from portal import index
from portal.models import PortalEntry
from tenants.models import Institution


def _facility(inst, key, title, summary=""):
    index.publish(
        institution=inst, kind="facility", key=key, title=title, summary=summary, url=f"/f/{key}"
    )


def test_publish_is_upsert_and_withdraw_removes(world):
    _facility(world.inst_a, 1, "대공연장")
    _facility(world.inst_a, 1, "대공연장 (리모델링)")
    assert PortalEntry.objects.filter(institution=world.inst_a, kind="facility").count() == 1
    assert (
        PortalEntry.objects.get(institution=world.inst_a, kind="facility").title
        == "대공연장 (리모델링)"
    )
    index.withdraw(institution=world.inst_a, kind="facility", key=1)
    assert not PortalEntry.objects.filter(institution=world.inst_a, kind="facility").exists()


def test_search_matches_every_word_across_institutions(world):
    _facility(world.inst_a, 1, "대공연장", "300석 공연장")
    _facility(world.inst_b, 2, "실내 체육관", "농구 배구")
    _facility(world.inst_b, 3, "소회의실", "10인")
    assert [e.title for e in index.search("체육관")] == ["실내 체육관"]
    assert [e.title for e in index.search("300석 공연장")] == ["대공연장"]
    assert {e.title for e in index.search("", kind="facility")} == {
        "대공연장",
        "실내 체육관",
        "소회의실",
    }
    assert {e.title for e in index.search("", institution_slug=world.inst_b.slug)} == {
        "실내 체육관",
        "소회의실",
    }


def test_suspended_institution_items_disappear_and_return(world):
    _facility(world.inst_b, 2, "실내 체육관")
    Institution.objects.filter(pk=world.inst_b.pk).update(status=Institution.Status.SUSPENDED)
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
