"""The public site: draft → published pages with a stable address, editors only,
job postings with closing dates, disclosures, files; every change reaches the portal."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from portal.models import PortalEntry
from website import services
from website.models import JobPosting, Page, SiteEvent


@pytest.fixture
def schema_a(world, in_schema):
    with in_schema(world.inst_a):
        yield world.inst_a


def _page(world, **extra):
    return services.page_save(
        actor=world.admin_a,
        institution=world.inst_a,
        section=extra.pop("section", "business"),
        title=extra.pop("title", "문화예술교육 사업"),
        body=extra.pop("body", "지역 주민을 위한 <b>문화예술교육</b><script>alert(1)</script>"),
        slug=extra.pop("slug", "arts-education"),
        **extra,
    )


def test_draft_is_private_until_published_then_has_a_stable_address(
    world, schema_a, on_host, django_capture_on_commit_callbacks
):
    page = _page(world)
    assert "<script>" not in page.body and "<b>문화예술교육</b>" in page.body
    client = on_host(world.inst_a)
    assert client.get("/site/p/arts-education/").status_code == 404
    assert (
        on_host(world.inst_a, world.admin_a).get("/site/p/arts-education/?preview=1").status_code
        == 200
    )
    assert client.get("/site/p/arts-education/?preview=1").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.page_publish(actor=world.admin_a, institution=world.inst_a, page=page)
    body = client.get("/site/p/arts-education/").content.decode()
    assert "문화예술교육 사업" in body
    entry = PortalEntry.objects.get(institution=world.inst_a, kind="page", key=str(page.pk))
    assert entry.link == world.inst_a.absolute_url("/site/p/arts-education/")
    page.refresh_from_db()
    assert page.published_by_name == world.admin_a.name and page.published_at
    assert [e.action for e in SiteEvent.objects.filter(item_id=page.pk)][:2] == [
        "publish",
        "create",
    ]

    # editing a published page changes nothing outside until it is published again
    services.page_save(
        actor=world.admin_a,
        institution=world.inst_a,
        page=page,
        section="business",
        title="바뀐 제목",
        slug="arts-education",
    )
    assert "문화예술교육 사업" in client.get("/site/p/arts-education/").content.decode()
    with pytest.raises(ValidationError):
        services.page_save(
            actor=world.admin_a,
            institution=world.inst_a,
            page=page,
            section="business",
            title="x",
            slug="new-address",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.page_unpublish(actor=world.admin_a, institution=world.inst_a, page=page)
    assert client.get("/site/p/arts-education/").status_code == 404
    assert not PortalEntry.objects.filter(kind="page", key=str(page.pk)).exists()


def test_only_institution_admins_edit(world, schema_a):
    for person in (world.staff_a, world.manager_a, world.resident, world.admin_b):
        with pytest.raises(PermissionDenied):
            services.page_save(actor=person, institution=world.inst_a, section="info", title="x")
    assert not Page.objects.exists()


def test_manage_pages_answer_login_403_404(world, on_host):
    for path in (
        "/site/manage/",
        "/site/manage/pages/new/",
        "/site/manage/jobs/new/",
        "/site/manage/settings/",
    ):
        assert on_host(world.inst_a).get(path).status_code == 302
        assert on_host(world.inst_a, world.staff_a).get(path).status_code == 403
        assert on_host(world.inst_a, world.resident).get(path).status_code == 404
        assert on_host(world.inst_a, world.admin_b).get(path).status_code == 404
        assert on_host(world.inst_a, world.admin_a).get(path).status_code == 200


def test_page_form_refuses_bad_input_next_to_the_field(world, on_host):
    client = on_host(world.inst_a, world.admin_a)
    response = client.post("/site/manage/pages/new/", {"section": "info", "title": "", "order": 0})
    assert response.status_code == 400 and "제목" in response.content.decode()
    response = client.post(
        "/site/manage/pages/new/",
        {
            "section": "info",
            "title": "안내",
            "order": 0,
            "files": SimpleUploadedFile("virus.exe", b"MZ"),
        },
    )
    assert response.status_code == 400 and "실행 파일" in response.content.decode()
    with schema_context(world.inst_a.schema_name):
        assert not Page.objects.exists()


def test_job_posting_with_closing_date(
    world, schema_a, on_host, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.job_save(
            actor=world.admin_a,
            institution=world.inst_a,
            title="x",
            positions=1,
            opens_at=now,
            closes_at=now - dt.timedelta(days=1),
        )
    assert "closes_at" in refused.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_save(
            actor=world.admin_a,
            institution=world.inst_a,
            title="문화기획 계약직 채용",
            positions=2,
            closes_at=now + dt.timedelta(days=7),
            department="문화예술팀",
        )
        services.job_publish(actor=world.admin_a, institution=world.inst_a, job=job)
    body = on_host(world.inst_a).get("/site/jobs/").content.decode()
    assert "문화기획 계약직 채용" in body
    assert on_host(world.inst_a).get(f"/site/jobs/{job.pk}/").status_code == 200
    entry = PortalEntry.objects.get(kind="job", key=str(job.pk))
    assert entry.closes_at == job.closes_at and entry.is_open
    JobPosting.objects.filter(pk=job.pk).update(closes_at=now - dt.timedelta(hours=1))
    assert "문화기획 계약직 채용" not in on_host(world.inst_a).get("/site/jobs/").content.decode()
    assert (
        "문화기획 계약직 채용"
        in on_host(world.inst_a).get("/site/jobs/?state=closed").content.decode()
    )


def test_public_pages_render(world, on_host):
    client = on_host(world.inst_a)
    for path in (
        "/",
        "/site/",
        "/site/organization/",
        "/site/location/",
        "/site/business/",
        "/site/info/",
        "/site/notices/",
        "/site/jobs/",
        "/site/disclosures/",
        "/site/documents/",
        "/programs/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/site/p/nothing/").status_code == 404
    assert client.get("/site/jobs/999999/").status_code == 404
    assert client.get("/site/documents/999999/pdf/").status_code == 404
