"""POST/GET /api/v1/institutions/ on the apex: operators only, one error shape."""

import pytest
from django.core import mail
from django.test import override_settings

from tenants.errors import MESSAGES
from tenants.models import Institution, PlatformAuditEvent
from tests.tenants.conftest import NOTHING, leftovers

URL = "/api/v1/institutions/"
NEW = {"slug": "sports2", "name": "가나시 체육회", "short_name": "체육회"}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", URL),
        ("post", URL),
        ("get", URL + "testa/"),
        ("post", URL + "testa/suspend/"),
        ("post", URL + "testa/reactivate/"),
    ],
)
def test_anonymous_401_and_non_operator_403(world, apex, method, url):
    anonymous = getattr(apex(), method)(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    for user in (world.resident, world.admin_a):
        response = getattr(apex(user), method)(url, NEW, content_type="application/json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    assert leftovers("sports2") == NOTHING
    assert Institution.objects.get(slug="testa").status == "active"


def test_not_on_institution_hosts(world, on_host):
    assert on_host(world.inst_a, world.operator).get(URL).status_code == 404


def test_operator_lists_and_reads(world, apex):
    response = apex(world.operator).get(URL)
    assert response.status_code == 200
    slugs = [row["slug"] for row in response.json()["results"]]
    assert {"testa", "testb"} <= set(slugs)
    detail = apex(world.operator).get(URL + "testa/").json()
    assert detail["host"] == "testa.localhost"
    assert detail["status"] == "active"
    assert detail["member_count"] >= 1
    assert apex(world.operator).get(URL + "nope/").status_code == 404


def test_list_filters_by_status_and_refuses_an_unknown_one(world, apex):
    """?status=suspended lists the suspended only; a typo is a 400 on the field, not "all"."""
    from tenants import services

    services.institution_suspend(actor=world.operator, institution=world.inst_a, reason="점검")
    rows = apex(world.operator).get(URL, {"status": "suspended"}).json()["results"]
    assert [row["slug"] for row in rows] == ["testa"]
    response = apex(world.operator).get(URL, {"status": "paused"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_list_orders_by_creation_and_refuses_an_unknown_order(world, apex):
    newest_first = apex(world.operator).get(URL, {"ordering": "-created_at"}).json()["results"]
    stamps = [row["created_at"] for row in newest_first]
    assert stamps == sorted(stamps, reverse=True)
    response = apex(world.operator).get(URL, {"ordering": "password"})
    assert response.status_code == 400
    assert "ordering" in response.json()["error"]["fields"]


def test_operator_onboards(world, apex):
    response = post(apex(world.operator), URL, {**NEW, "admin_email": "boss@sports2.kr"})
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "sports2"
    assert body["url"] == "http://sports2.localhost:8000/"
    assert body["member_count"] == 1
    assert mail.outbox[0].to == ["boss@sports2.kr"]
    assert PlatformAuditEvent.objects.get(institution_slug="sports2").actor == world.operator


@pytest.mark.parametrize("slug", ["Sports", "with space", "www", "api", "testa"])
def test_bad_slug_is_400_on_the_field_and_nothing_created(world, apex, slug):
    response = post(apex(world.operator), URL, {**NEW, "slug": slug})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["slug"]
    assert Institution.objects.count() == 2


def test_missing_fields_are_400(world, apex):
    response = post(apex(world.operator), URL, {"slug": "nameless"})
    assert response.status_code == 400
    assert {"name", "short_name"} <= set(response.json()["error"]["fields"])
    assert leftovers("nameless") == NOTHING


@override_settings(TASKS={"default": {"BACKEND": "tests.tenants.backends.FailingBackend"}})
def test_queue_failure_is_503_and_nothing_created(world, apex):
    response = post(apex(world.operator), URL, {**NEW, "admin_email": "boss@sports2.kr"})
    assert response.status_code == 503
    assert response.json()["error"] == {
        "code": "invite_not_queued",
        "message": MESSAGES["invite_not_queued"],
        "fields": {},
    }
    assert leftovers("sports2") == NOTHING


def test_suspend_and_reactivate(world, apex):
    client = apex(world.operator)
    no_reason = post(client, URL + "testb/suspend/", {})
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["error"]["fields"]

    suspended = post(client, URL + "testb/suspend/", {"reason": "점검"})
    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"
    again = post(client, URL + "testb/suspend/", {"reason": "점검"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "illegal_transition"

    back = post(client, URL + "testb/reactivate/", {"reason": "완료"})
    assert back.json()["status"] == "active"
    assert list(
        PlatformAuditEvent.objects.filter(institution=world.inst_b)
        .exclude(action="onboard")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["suspend", "reactivate"]
