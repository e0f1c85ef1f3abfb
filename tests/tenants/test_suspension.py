"""A suspended institution: 503 page and API error, operator passes, portal items vanish;
archived: 410. Reactivation restores everything. (inst_a is restored by the rollback.)"""

import pytest
from django.test import Client

from api.tokens import token_create, token_revoke
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


def _bearer(institution, raw):
    return Client(HTTP_HOST=institution.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_operator_token_passes_a_suspended_institution(suspended_a, world):
    """The operator's programs get through like the operator's browser session does."""
    _token, raw = token_create(user=world.operator, name="운영 스크립트")
    response = _bearer(suspended_a, raw).get("/api/v1/me/")
    assert response.status_code == 200, response.content
    assert response.json()["is_platform_operator"] is True


def test_operator_token_limited_to_this_institution_passes(world):
    _token, raw = token_create(user=world.operator, name="가나 전용", institution=world.inst_a)
    services.institution_suspend(actor=world.operator, institution=world.inst_a, reason="점검")
    world.inst_a.refresh_from_db()
    assert _bearer(world.inst_a, raw).get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("who", ["admin_a", "resident"])
def test_other_tokens_still_get_503(suspended_a, world, who):
    _token, raw = token_create(user=getattr(world, who), name="기관 스크립트")
    response = _bearer(suspended_a, raw).get("/api/v1/me/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "institution_suspended"


def test_unusable_or_foreign_operator_tokens_do_not_pass(suspended_a, world):
    """A revoked token, one limited to another institution, a malformed header, or a
    token on a page (not /api/): 503 as for anyone."""
    token, revoked = token_create(user=world.operator, name="폐기됨")
    token_revoke(user=world.operator, token=token)
    _token, foreign = token_create(user=world.operator, name="B 전용", institution=world.inst_b)
    _token, good = token_create(user=world.operator, name="정상")
    for raw in (revoked, foreign, "acs_wrong", f"{good} extra"):
        assert _bearer(suspended_a, raw).get("/api/v1/me/").status_code == 503, raw
    assert _bearer(suspended_a, good).get("/").status_code == 503


def test_operator_token_passes_an_archived_institution(world):
    services.institution_delete(
        actor=world.operator, institution=world.inst_b, reason="폐지", force=True
    )
    _token, raw = token_create(user=world.operator, name="운영 스크립트")
    assert _bearer(world.inst_b, raw).get("/api/v1/me/").status_code == 200


def test_api_without_trailing_slash_is_503_json(suspended_a):
    response = Client(HTTP_HOST=suspended_a.primary_host).get("/api")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "institution_suspended"


def test_operator_can_sign_in_on_a_suspended_host(suspended_a):
    """The sign-in hop stays open (it logs nobody in by itself), so the operator can reach
    a suspended institution from a host that does not share the apex's cookie."""
    client = Client(HTTP_HOST=suspended_a.primary_host)
    response = client.get("/accounts/login/")
    assert response.status_code == 302
    assert "/accounts/sso/" in response["Location"]
    assert client.get("/accounts/sso/accept/").status_code != 503
    assert client.get("/").status_code == 503
