"""The platform console on the apex: operators only; list, onboard, suspend, export, delete."""

import tarfile
from io import BytesIO

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings

from tenants.models import Institution, PlatformAuditEvent
from tests.tenants.conftest import NOTHING, leftovers

PAGES = [
    ("get", "/console/"),
    ("get", "/console/new/"),
    ("get", "/console/audit/"),
    ("get", "/console/i/testa/"),
    ("post", "/console/i/testa/suspend/"),
    ("post", "/console/i/testa/reactivate/"),
    ("post", "/console/i/testa/export/"),
    ("post", "/console/i/testa/delete/"),
]


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    settings.INSTITUTION_EXPORT_DIR = tmp_path / "exports"


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_is_sent_to_login(world, apex, method, url):
    response = getattr(apex(), method)(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("method", "url"), PAGES)
@pytest.mark.parametrize("who", ["resident", "admin_a"])
def test_non_operators_get_403_and_nothing_changes(world, apex, method, url, who):
    response = getattr(apex(getattr(world, who)), method)(url, {"reason": "x"})
    assert response.status_code == 403
    assert Institution.objects.get(slug="testa").status == "active"
    assert not PlatformAuditEvent.objects.exclude(action="onboard").exists()


def test_console_is_not_served_on_institution_hosts(world, on_host):
    assert on_host(world.inst_a, world.operator).get("/console/").status_code == 404


def test_list_shows_status_counts_size_and_date(world, apex, in_schema):
    # A table named like the booking app's, so the counts have something to find
    # even before that app exists (created in inst_a only, rolled back after).
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE IF NOT EXISTS "inst_testa"."facility_booking_facility" (id int)'
        )
    response = apex(world.operator).get("/console/")
    body = response.content.decode()
    assert response.status_code == 200
    for institution in (world.inst_a, world.inst_b):
        assert institution.name in body
        assert institution.created_at.strftime("%Y. ") in body
    assert "운영 중" in body
    rows = dict((i.slug, s) for i, s in response.context["rows"])
    assert rows["testa"]["size"] > 0
    assert rows["testa"]["facilities"] is not None
    assert response.context["rows"][0][0].member_count >= 1


def test_onboarding_form_creates_the_institution(world, apex):
    response = apex(world.operator).post(
        "/console/new/",
        {
            "slug": "youth",
            "name": "가나시 청소년재단",
            "short_name": "청소년재단",
            "admin_email": "head@youth.kr",
            "reason": "시 요청",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/i/youth/"
    institution = Institution.objects.get(slug="youth")
    assert institution.get_primary_domain().domain == "youth.localhost"
    assert mail.outbox[0].to == ["head@youth.kr"]
    event = PlatformAuditEvent.objects.get(institution=institution)
    assert (event.action, event.actor, event.reason) == ("onboard", world.operator, "시 요청")
    detail = apex(world.operator).get(response["Location"]).content.decode()
    assert "가나시 청소년재단" in detail


def test_onboarding_form_shows_errors_next_to_the_field(world, apex):
    response = apex(world.operator).post(
        "/console/new/", {"slug": "Bad Slug", "name": "기관", "short_name": "기관"}
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert "소문자" in response.context["form"].errors["slug"][0]
    reserved = apex(world.operator).post(
        "/console/new/", {"slug": "portal", "name": "기관", "short_name": "기관"}
    )
    assert "예약어" in reserved.context["form"].errors["slug"][0]
    assert leftovers("portal") == NOTHING


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("My Inst", "소문자"),
        ("Culture", "소문자"),
        ("www", "예약어"),
        ("api", "예약어"),
        ("admin", "예약어"),
        ("static", "예약어"),
        ("media", "예약어"),
        ("public", "예약어"),
        ("portal", "예약어"),
        ("testa", "이미"),
    ],
)
def test_slug_error_shows_with_other_errors_at_once(world, apex, slug, words):
    """A bad slug is named even when another field fails too (one round, not two)."""
    before = (Institution.objects.count(), PlatformAuditEvent.objects.count())
    response = apex(world.operator).post(
        "/console/new/",
        {"slug": slug, "name": "", "short_name": "기관", "custom_domain": "testb.localhost"},
    )
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert "필수" in errors["name"][0]
    assert words in errors["slug"][0]
    assert "이미" in errors["custom_domain"][0]
    assert (Institution.objects.count(), PlatformAuditEvent.objects.count()) == before


@override_settings(TASKS={"default": {"BACKEND": "tests.tenants.backends.FailingBackend"}})
def test_onboarding_form_reports_a_queue_failure_and_keeps_nothing(world, apex):
    response = apex(world.operator).post(
        "/console/new/",
        {"slug": "queued", "name": "기관", "short_name": "기관", "admin_email": "a@queued.kr"},
    )
    assert response.status_code == 200
    assert "초대 메일" in response.context["form"].non_field_errors()[0]
    assert leftovers("queued") == NOTHING


def test_suspend_needs_a_reason_then_reactivate(world, apex):
    client = apex(world.operator)
    refused = client.post("/console/i/testa/suspend/", {"reason": ""})
    assert refused.status_code == 400
    assert "사유를 입력해 주세요." in refused.content.decode()
    assert Institution.objects.get(slug="testa").status == "active"

    assert client.post("/console/i/testa/suspend/", {"reason": "민원 점검"}).status_code == 302
    assert Institution.objects.get(slug="testa").status == "suspended"
    assert client.post("/console/i/testa/reactivate/", {"reason": "점검 완료"}).status_code == 302
    assert Institution.objects.get(slug="testa").status == "active"
    log = client.get("/console/audit/").content.decode()
    assert "민원 점검" in log and "점검 완료" in log


def test_export_downloads_an_archive_and_is_recorded(world, apex):
    client = apex(world.operator)
    response = client.post("/console/i/testb/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="testb-')
    data = b"".join(response.streaming_content)
    with tarfile.open(fileobj=BytesIO(data), mode="r:gz") as tar:
        assert "manifest.json" in tar.getnames()
    event = PlatformAuditEvent.objects.get(institution=world.inst_b, action="export")
    again = client.get(f"/console/i/testb/exports/{event.pk}/")
    assert b"".join(again.streaming_content) == data
    assert client.get(f"/console/i/testa/exports/{event.pk}/").status_code == 404


def test_delete_is_refused_without_export_then_forced(world, apex):
    client = apex(world.operator)
    refused = client.post("/console/i/testb/delete/", {"reason": "통합", "confirm_slug": "testb"})
    assert refused.status_code == 400
    assert "내보내기 기록이 없는" in refused.content.decode()
    assert Institution.objects.get(slug="testb").status == "active"
    wrong_slug = client.post(
        "/console/i/testb/delete/", {"reason": "통합", "confirm_slug": "testa", "force": "on"}
    )
    assert wrong_slug.status_code == 400
    assert Institution.objects.get(slug="testb").status == "active"

    done = client.post(
        "/console/i/testb/delete/", {"reason": "통합", "confirm_slug": "testb", "force": "on"}
    )
    assert done.status_code == 302
    assert Institution.objects.get(slug="testb").status == "archived"
    assert PlatformAuditEvent.objects.get(institution=world.inst_b, action="delete").details[
        "forced"
    ]


def test_list_shows_how_many_spare_schemas_are_ready(world, apex, no_spares, settings):
    """The operator sees the spare pool against its target, and when it is empty."""
    from tenants.provisioning import refill_spares

    settings.TENANT_SPARE_SCHEMAS = 1
    page = apex(world.operator).get("/console/").content.decode()
    assert "예비 스키마 0개 (목표 1개)" in page and "없음" in page
    refill_spares()
    page = apex(world.operator).get("/console/").content.decode()
    assert "예비 스키마 1개 (목표 1개)" in page and "준비됨" in page


def test_worker_housekeeping_refills_a_short_pool(world, no_spares, settings):
    """At start and every round the worker tops the spare pool up to its size (the
    refill task runs at once with the test settings' immediate task backend)."""
    from suite.queue import housekeeping
    from tenants.provisioning import spare_schemas

    # one: every clone of a test holds its locks until the test's transaction ends
    settings.TENANT_SPARE_SCHEMAS = 1
    assert housekeeping()["spares_short"] == 1
    assert len(spare_schemas()) == 1
    assert housekeeping()["spares_short"] == 0  # full: nothing queued
    assert len(spare_schemas()) == 1
