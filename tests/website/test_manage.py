"""The site editor's item pages and actions (pages, job postings, disclosures, files, the
원문정보공개 desk): anonymous → log-in, staff without the role → 403, residents and another
institution → 404, unknown actions → 404, bad input → a Korean error with nothing stored; published
disclosures with their files reach the site and the portal, drafts' files stay private."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from portal.models import PortalEntry
from website import services
from website.models import Disclosure, Page, SiteFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _items(world):
    with schema_context(world.inst_a.schema_name):
        page = services.page_save(
            actor=world.admin_a, institution=world.inst_a, section="info", title="이용 안내"
        )
        disclosure = services.disclosure_save(
            actor=world.admin_a,
            institution=world.inst_a,
            category="budget",
            title="2026년 예산서",
            year=2026,
        )
    return page, disclosure


def test_item_pages_and_actions_answer_login_403_404(world, on_host):
    page, disclosure = _items(world)
    gets = [
        f"/site/manage/pages/{page.pk}/",
        f"/site/manage/disclosures/{disclosure.pk}/",
        "/site/manage/disclosures/new/",
    ]
    posts = [
        f"/site/manage/pages/{page.pk}/publish/",
        f"/site/manage/disclosures/{disclosure.pk}/publish/",
    ]
    for path in gets + posts:
        method = "post" if path in posts else "get"
        anonymous = getattr(on_host(world.inst_a), method)(path)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        for person in (world.staff_a, world.manager_a):
            assert getattr(on_host(world.inst_a, person), method)(path).status_code == 403, path
        for outsider in (world.resident, world.admin_b):
            assert getattr(on_host(world.inst_a, outsider), method)(path).status_code == 404
    admin = on_host(world.inst_a, world.admin_a)
    assert admin.post(f"/site/manage/pages/{page.pk}/launch/").status_code == 404
    assert admin.post("/site/manage/pages/999999/publish/").status_code == 404
    assert admin.get(f"/site/manage/pages/{page.pk}/publish/").status_code == 405
    with schema_context(world.inst_a.schema_name):
        assert Page.objects.get(pk=page.pk).status == "draft"
    # the 원문정보공개 desk: any member of the institution, nobody else
    assert on_host(world.inst_a).get("/site/manage/documents/").status_code == 302
    assert on_host(world.inst_a, world.resident).get("/site/manage/documents/").status_code == 404
    assert on_host(world.inst_a, world.admin_b).get("/site/manage/documents/").status_code == 404
    assert on_host(world.inst_a, world.staff_a).get("/site/manage/documents/").status_code == 200


def test_a_disclosure_with_its_file_is_published_and_found(
    world, on_host, apex, django_capture_on_commit_callbacks
):
    admin = on_host(world.inst_a, world.admin_a)
    bad = admin.post(
        "/site/manage/disclosures/new/", {"category": "nonsense", "title": "", "year": 1800}
    )
    assert bad.status_code == 400
    with schema_context(world.inst_a.schema_name):
        assert not Disclosure.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        saved = admin.post(
            "/site/manage/disclosures/new/",
            {
                "category": "audit",
                "title": "2026년 상반기 자체 감사 결과",
                "year": 2026,
                "body": "<p>감사 결과를 공개합니다.</p>",
                "files": SimpleUploadedFile("감사결과.pdf", PDF, content_type="application/pdf"),
            },
        )
    assert saved.status_code == 302
    with schema_context(world.inst_a.schema_name):
        item = Disclosure.objects.get(title="2026년 상반기 자체 감사 결과")
        stored = SiteFile.objects.get(disclosure=item)
    file_url = f"/site/files/{stored.pk}/{stored.token}/"
    # a draft's file is the editors' only
    assert on_host(world.inst_a).get(file_url).status_code == 404
    assert admin.get(file_url).status_code == 200
    assert on_host(world.inst_a).get(f"/site/files/{stored.pk}/guess/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/site/manage/disclosures/{item.pk}/publish/")
    site = on_host(world.inst_a)
    assert "2026년 상반기 자체 감사 결과" in site.get("/site/disclosures/").content.decode()
    assert site.get(f"/site/disclosures/{item.pk}/").status_code == 200
    assert site.get(file_url).status_code == 200
    assert PortalEntry.objects.filter(kind="disclosure", key=str(item.pk)).exists()
    found = apex().get("/portal/search/", {"q": "자체 감사"}).content.decode()
    assert "2026년 상반기 자체 감사 결과" in found
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/site/manage/disclosures/{item.pk}/unpublish/")
    assert not PortalEntry.objects.filter(kind="disclosure", key=str(item.pk)).exists()
    assert site.get(f"/site/disclosures/{item.pk}/").status_code == 404
    assert site.get(file_url).status_code == 404
