"""A suspended institution: 503 page and API error, operator passes, portal items vanish;
archived: 410. Reactivation restores everything. (inst_a is restored by the rollback.)"""

import pytest

from portal import index
from tenants import services


@pytest.fixture
def suspended_a(world):
    services.institution_suspend(actor=world.operator, institution=world.inst_a, reason="점검")
    world.inst_a.refresh_from_db()
    return world.inst_a


def test_suspended_hosts_answer_503_with_a_clear_page(suspended_a, on_host, world):
    for user in (None, world.resident, world.admin_a):
        response = on_host(suspended_a, user).get("/")
        assert response.status_code == 503
        assert response["Retry-After"] == "3600"
        assert "일시 정지" in response.content.decode()


def test_suspended_api_answers_503_in_the_error_shape(suspended_a, on_host, world):
    response = on_host(suspended_a, world.admin_a).get("/api/v1/me/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "institution_suspended"
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_operator_still_reaches_a_suspended_institution(suspended_a, on_host, world):
    assert on_host(suspended_a, world.operator).get("/healthz").status_code == 200
    assert on_host(suspended_a, world.operator).get("/").status_code != 503


def test_other_institutions_are_not_affected(suspended_a, on_host, world):
    assert on_host(world.inst_b).get("/healthz").status_code == 200


def test_portal_hides_a_suspended_institution_and_shows_it_again(world, apex):
    index.publish(institution=world.inst_a, kind="facility", key=1, title="가나 대공연장")
    index.publish(institution=world.inst_a, kind="booking", key="A-9", title="내 예약 가나")
    index.publish(
        institution=world.inst_a,
        kind="booking",
        key="A-10",
        title="공연장 예약",
        owner=world.resident,
    )

    services.institution_suspend(actor=world.operator, institution=world.inst_a, reason="점검")
    assert not index.search("대공연장").exists()
    assert not index.personal(world.resident).exists()
    listing = apex().get("/portal/institutions/").content.decode()
    assert world.inst_a.name not in listing
    assert world.inst_b.name in listing
    assert "가나 대공연장" not in apex().get("/portal/search/", {"q": "대공연장"}).content.decode()

    services.institution_reactivate(actor=world.operator, institution=world.inst_a, reason="끝")
    assert index.search("대공연장").count() == 1
    assert index.personal(world.resident).count() == 1
    assert world.inst_a.name in apex().get("/portal/institutions/").content.decode()


def test_archived_hosts_answer_410(world, on_host):
    services.institution_delete(
        actor=world.operator, institution=world.inst_b, reason="폐지", force=True
    )
    response = on_host(world.inst_b, world.admin_b).get("/")
    assert response.status_code == 410
    api = on_host(world.inst_b, world.admin_b).get("/api/v1/me/")
    assert api.status_code == 410
    assert api.json()["error"]["code"] == "institution_archived"
