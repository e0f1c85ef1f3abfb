"""Personal API tokens: stored hashed, shown once, scoped, revocable, last use recorded."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from api.models import ApiToken
from api.tokens import MAX_ACTIVE_TOKENS, hash_token, token_create, token_lookup, token_revoke
from institution.models import AuditEvent

pytestmark = pytest.mark.django_db


def me(client):
    return client.get("/api/v1/me/")


def test_token_is_stored_hashed_and_prefix_identifies_it(world, make_token):
    """The plain token is never stored: only its SHA-256 and the public prefix."""
    token, raw = make_token(world.resident)
    assert raw.startswith(f"acs_{token.prefix}_")
    row = ApiToken.objects.get(pk=token.pk)
    assert row.token_hash == hash_token(raw)
    assert raw not in {row.token_hash, row.prefix, row.name}
    assert token_lookup(raw) == row


def test_token_authenticates_on_apex_and_institution_hosts(world, make_token, bearer):
    """An unscoped token works on the apex and on every institution host."""
    _token, raw = make_token(world.resident)
    response = me(bearer("localhost", raw))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["email"] == world.resident.email
    assert body["here"] is None
    assert body["auth"]["method"] == "token"
    response = me(bearer(world.inst_a.primary_host, raw))
    assert response.status_code == 200
    assert response.json()["here"] == {
        "institution": {
            "slug": world.inst_a.slug,
            "name": world.inst_a.name,
            "short_name": world.inst_a.short_name,
            "url": world.inst_a.absolute_url("/"),
        },
        "role": None,
    }


def test_token_carries_the_persons_role_of_the_host_only(world, make_token, bearer):
    """admin_a's token on B's host has no role there (admin_a has none in B)."""
    _token, raw = make_token(world.admin_a)
    on_a = me(bearer(world.inst_a.primary_host, raw)).json()
    on_b = me(bearer(world.inst_b.primary_host, raw)).json()
    assert on_a["here"]["role"] == "institution_admin"
    assert on_b["here"]["role"] is None


def test_scoped_token_is_refused_on_other_institution_and_apex(world, make_token, bearer):
    """A token limited to A answers 403 token_scope on B's host and on the apex."""
    _token, raw = make_token(world.admin_a, institution=world.inst_a)
    assert me(bearer(world.inst_a.primary_host, raw)).status_code == 200
    for host in (world.inst_b.primary_host, "localhost"):
        response = me(bearer(host, raw))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "token_scope"
        assert world.inst_a.name in response.json()["error"]["message"]


def test_scoped_token_sees_only_its_scope(world, make_token, bearer):
    """Through a scoped token, memberships and token lists are limited to that institution."""
    make_token(world.admin_a, name="전체용")
    _scoped, raw = make_token(world.admin_a, institution=world.inst_a, name="가나 전용")
    client = bearer(world.inst_a.primary_host, raw)
    body = me(client).json()
    assert [m["institution"]["slug"] for m in body["memberships"]] == [world.inst_a.slug]
    names = [t["name"] for t in client.get("/api/v1/tokens/").json()["results"]]
    assert names == ["가나 전용"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer acs_abcdefghij_wrong",
        "Bearer not-a-token",
        "Bearer",
        "Bearer a b",
        "Bearer acs_ABCDEFGHIJ_x",
    ],
)
def test_wrong_token_is_401_in_error_shape(world, header):
    from django.test import Client

    response = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=header).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401_and_revocation_is_idempotent(world, make_token, bearer):
    token, raw = make_token(world.resident)
    client = bearer("localhost", raw)
    assert me(client).status_code == 200
    revoked = token_revoke(user=world.resident, token=token)
    first = revoked.revoked_at
    assert token_revoke(user=world.resident, token=token).revoked_at == first
    response = me(client)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_expired_token_is_401(world, make_token, bearer):
    token, raw = make_token(world.resident, expires_in_days=30)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=31),
        expires_at=timezone.now() - timedelta(days=1),
    )
    assert me(bearer("localhost", raw)).status_code == 401


def test_inactive_person_token_is_401(world, make_token, bearer):
    _token, raw = make_token(world.resident)
    world.resident.is_active = False
    world.resident.save(update_fields=["is_active"])
    assert me(bearer("localhost", raw)).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(world, make_token, bearer):
    token, raw = make_token(world.resident)
    assert token.last_used_at is None
    client = bearer("localhost", raw, REMOTE_ADDR="10.0.0.7")
    me(client)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and token.last_used_ip == "10.0.0.7"
    me(client)
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    me(client)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


def test_token_create_refuses_bad_input_and_stores_nothing(world):
    before = ApiToken.objects.count()
    for kwargs in ({"name": "  "}, {"name": "x" * 61}, {"name": "ok", "expires_in_days": 7}):
        with pytest.raises(ValidationError):
            token_create(user=world.resident, **kwargs)
    assert ApiToken.objects.count() == before


def test_token_create_caps_active_tokens(world, make_token):
    for i in range(MAX_ACTIVE_TOKENS):
        make_token(world.resident2, name=f"t{i}")
    with pytest.raises(ValidationError):
        make_token(world.resident2, name="one too many")
    assert ApiToken.objects.filter(user=world.resident2).count() == MAX_ACTIVE_TOKENS


def test_scoped_token_create_and_revoke_are_audited_in_that_institution(world, make_token):
    token, _raw = make_token(world.admin_a, institution=world.inst_a, name="키오스크")
    token_revoke(user=world.admin_a, token=token)
    with schema_context(world.inst_a.schema_name):
        actions = list(
            AuditEvent.objects.filter(target_id=str(token.pk)).values_list("action", flat=True)
        )
    assert sorted(actions) == ["api_token.create", "api_token.revoke"]


def test_token_list_and_revoke_api_only_touch_own_tokens(world, make_token, bearer):
    """Another person's token is 404 on detail and revoke, and stays usable."""
    other, other_raw = make_token(world.resident2)
    _mine, raw = make_token(world.resident)
    client = bearer("localhost", raw)
    listed = client.get("/api/v1/tokens/").json()
    assert [t["id"] for t in listed["results"]] == [_mine.pk]
    assert "token_hash" not in listed["results"][0]
    assert client.get(f"/api/v1/tokens/{other.pk}/").status_code == 404
    response = client.post(f"/api/v1/tokens/{other.pk}/revoke/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    other.refresh_from_db()
    assert other.revoked_at is None
    assert me(bearer("localhost", other_raw)).status_code == 200


def test_revoke_api_revokes_own_token(world, make_token, bearer):
    token, raw = make_token(world.resident, name="old")
    _t2, raw2 = make_token(world.resident, name="new")
    response = bearer("localhost", raw2).post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert me(bearer("localhost", raw)).status_code == 401


def test_session_still_works_and_reports_session(world, apex):
    body = apex(world.resident).get("/api/v1/me/").json()
    assert body["auth"] == {"method": "session", "token": None}


# --- the profile page ---------------------------------------------------------


def test_profile_lists_tokens_without_secrets(world, apex, make_token):
    token, raw = make_token(world.resident, name="통계 도구")
    page = apex(world.resident).get("/accounts/profile/").content.decode()
    assert "통계 도구" in page and token.display_prefix in page
    assert raw not in page


def test_profile_creates_token_and_shows_it_once(world, on_host):
    client = on_host(world.inst_a, world.admin_a)
    form = client.get("/accounts/tokens/new/")
    assert form.status_code == 200
    response = client.post(
        "/accounts/tokens/new/",
        {"name": "홈페이지 연동", "institution": world.inst_a.pk, "expires_in_days": "90"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=world.admin_a, name="홈페이지 연동")
    raw = response.context["raw_token"]
    assert raw in response.content.decode()
    assert token.institution == world.inst_a
    assert token.expires_at is not None
    assert hash_token(raw) == token.token_hash
    profile = client.get("/accounts/profile/").content.decode()
    assert raw not in profile and "홈페이지 연동" in profile


def test_profile_create_refuses_empty_name(world, apex):
    client = apex(world.resident)
    response = client.post("/accounts/tokens/new/", {"name": "", "expires_in_days": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=world.resident).exists()


def test_profile_revoke_own_token_only(world, apex, make_token):
    mine, _ = make_token(world.resident)
    theirs, _ = make_token(world.resident2)
    client = apex(world.resident)
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    response = client.post(f"/accounts/tokens/{mine.pk}/revoke/")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None


def test_token_pages_need_login(world, apex):
    client = apex()
    assert client.get("/accounts/tokens/new/").status_code == 302
    assert client.post("/accounts/tokens/1/revoke/").status_code == 302


def test_token_opens_the_api_only_not_web_pages(world, make_token, bearer):
    """A Bearer token is not a browser session: web pages still ask to sign in."""
    _token, raw = make_token(world.admin_a)
    client = bearer(world.inst_a.primary_host, raw)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.get("/accounts/profile/").status_code == 302
    assert client.get("/manage/members/").status_code in (302, 403)


def test_invalid_token_with_valid_session_fails_closed(world):
    """A wrong token is not ignored in favour of the session."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer acs_nope")
    client.force_login(world.resident)
    assert client.get("/api/v1/me/").status_code == 401


def test_token_list_filters_by_status(world, make_token, bearer):
    revoked, _ = make_token(world.resident, name="old")
    token_revoke(user=world.resident, token=revoked)
    expired, _ = make_token(world.resident, name="expired", expires_in_days=30)
    ApiToken.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(days=40),
        expires_at=timezone.now() - timedelta(days=10),
    )
    _active, raw = make_token(world.resident, name="active")
    client = bearer("localhost", raw)

    def names(status):
        return [t["name"] for t in client.get(f"/api/v1/tokens/?status={status}").json()["results"]]

    assert names("active") == ["active"]
    assert names("expired") == ["expired"]
    assert names("revoked") == ["old"]
    response = client.get("/api/v1/tokens/?status=nope")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]


def test_token_has_the_persons_rights_of_the_host_institution_only(world, make_token, bearer):
    """admin_a's token reads A's staff directory, and gets nothing of B's (not a member there)."""

    _token, raw = make_token(world.admin_a)
    on_a = bearer(world.inst_a.primary_host, raw).get("/api/v1/people/")
    assert on_a.status_code == 200
    on_b = bearer(world.inst_b.primary_host, raw).get("/api/v1/people/")
    assert on_b.status_code == 404  # not staff there: the staff area does not exist
    assert on_b.json()["error"]["code"] == "not_found"
    # admin_b, member of B, does read B's directory with their own token
    _token_b, raw_b = make_token(world.admin_b)
    assert bearer(world.inst_b.primary_host, raw_b).get("/api/v1/people/").status_code == 200
