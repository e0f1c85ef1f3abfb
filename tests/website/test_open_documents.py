"""원문정보공개: an approved 공개 document is published from its approval page (or the
desk) by its department, shows on the institution's site and in the portal after commit;
부분공개/비공개 never; outsiders and residents 404, anonymous to the log-in."""

import pytest
from django_tenants.utils import schema_context

from groupware.approval import services as approval
from portal import search
from portal.models import PortalEntry
from tests.groupware.approval.conftest import approve_all, build_org, make_draft
from website.models import OpenDocument


def _approved(org, **extra):
    doc = make_draft(org, title=extra.pop("title", "2026년 시민 문화축제 개최 계획"), **extra)
    doc = approval.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    return approve_all(org, doc)


@pytest.fixture
def documents(world):
    with schema_context(world.inst_a.schema_name):
        org = build_org(world)
        public = _approved(org)
        partial = _approved(
            org, title="인사 평가 결과 보고", disclosure="partial", disclosure_ground=6
        )
    return org, public, partial


def test_the_approval_page_offers_publishing_and_the_portal_finds_the_document(
    world, documents, on_host, django_capture_on_commit_callbacks
):
    org, public, partial = documents
    client = on_host(world.inst_a, world.staff_a)  # the drafter's department
    page = client.get(f"/staff/approval/{public.pk}/").content.decode()
    assert "원문 공개" in page and f"/site/manage/documents/{public.pk}/publish/" in page
    other = client.get(f"/staff/approval/{partial.pk}/").content.decode()
    assert f"/site/manage/documents/{partial.pk}/publish/" not in other
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/site/manage/documents/{public.pk}/publish/",
            {"next": f"/staff/approval/{public.pk}/"},
        )
    assert response.status_code == 302 and response["Location"] == f"/staff/approval/{public.pk}/"
    with schema_context(world.inst_a.schema_name):
        item = OpenDocument.objects.get(document=public)
    assert item.is_published and item.number == public.number
    site = on_host(world.inst_a).get(f"/site/documents/{item.pk}/")
    assert site.status_code == 200 and public.number in site.content.decode()
    assert on_host(world.inst_a).get(f"/site/documents/{item.pk}/pdf/").status_code == 200
    found = search.run(search.SearchParams(q="시민 문화축제", types=["document"]))
    assert [h.entry.title for h in found.hits] == [public.title]
    assert public.number in found.hits[0].citation  # 기관, 「제목」, 번호, 날짜
    # the page now links to the published document and offers withdrawing
    page = client.get(f"/staff/approval/{public.pk}/").content.decode()
    assert f"/site/documents/{item.pk}/" in page and "공개 철회" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/site/manage/documents/open/{item.pk}/withdraw/",
            {"next": f"/staff/approval/{public.pk}/"},
        )
    assert not PortalEntry.objects.filter(kind="document", key=str(item.pk)).exists()
    assert on_host(world.inst_a).get(f"/site/documents/{item.pk}/").status_code == 404


def test_partly_public_documents_are_never_published(world, documents, on_host):
    org, public, partial = documents
    response = on_host(world.inst_a, world.admin_a).post(
        f"/site/manage/documents/{partial.pk}/publish/"
    )
    assert response.status_code == 404
    with schema_context(world.inst_a.schema_name):
        assert not OpenDocument.objects.exists()


def test_publishing_answers_login_403_404_and_an_outside_next_is_ignored(world, documents, on_host):
    org, public, partial = documents
    url = f"/site/manage/documents/{public.pk}/publish/"
    anonymous = on_host(world.inst_a).post(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert on_host(world.inst_a, world.resident).post(url).status_code == 404
    assert on_host(world.inst_a, world.admin_b).post(url).status_code == 404
    with schema_context(world.inst_a.schema_name):
        assert not OpenDocument.objects.exists()
    # an institution admin may publish any department's; a next off this host is ignored
    response = on_host(world.inst_a, world.admin_a).post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/site/manage/documents/"
    with schema_context(world.inst_a.schema_name):
        assert OpenDocument.objects.filter(document=public, is_published=True).exists()
