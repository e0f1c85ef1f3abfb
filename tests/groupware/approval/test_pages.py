"""Pages: anonymous → log-in, other institutions → 404, not your turn → 403, allowed → done."""

import pytest

from groupware.approval import services
from groupware.approval.models import Document, State
from tests.groupware.approval.conftest import approve_all, make_draft, submitted

ACTIONS = [
    "approve",
    "return",
    "hold",
    "recall",
    "cancel-approval",
    "submit",
    "circulate",
    "redraft",
    "skip",
]


@pytest.fixture
def doc(org):
    return submitted(org)


def test_inbox_needs_a_member(org, on_host, world):
    assert on_host(org.inst).get("/staff/approval/").status_code == 302
    assert on_host(org.inst, world.staff_b).get("/staff/approval/").status_code == 404
    assert on_host(org.inst, world.resident).get("/staff/approval/").status_code == 404
    page = on_host(org.inst, org.drafter).get("/staff/approval/")
    assert page.status_code == 200
    assert "결재대기" in page.content.decode()


def test_waiting_inbox_lists_and_searches(org, doc, on_host):
    client = on_host(org.inst, org.reviewer)
    body = client.get("/staff/approval/box/waiting/").content.decode()
    assert doc.title in body
    body = client.get("/staff/approval/box/waiting/?q=없는제목").content.decode()
    assert doc.title not in body
    for box in ("in_progress", "completed", "returned", "cc", "post_reports", "drafts"):
        assert client.get(f"/staff/approval/box/{box}/").status_code == 200


def test_document_page_shows_line_and_is_scoped(org, doc, on_host, world):
    page = on_host(org.inst, org.reviewer).get(f"/staff/approval/{doc.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "결재선" in text and "팀장" in text
    # the boxes print their own step numbers ("1. 검토"): not inside an <ol> that numbers
    # them again ("2. 1. 검토")
    assert '<ul class="line-boxes"' in text and '<ol class="line-boxes"' not in text
    assert text.count('<span class="role">1. 검토</span>') == 1
    # a colleague not on the document and a missing id answer alike
    assert on_host(org.inst, world.manager_a).get(f"/staff/approval/{doc.pk}/").status_code == 200
    assert on_host(org.inst, world.staff_b).get(f"/staff/approval/{doc.pk}/").status_code == 404
    assert on_host(org.inst, org.reviewer).get("/staff/approval/999999/").status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_refuses_others(org, doc, on_host, world, action):
    """Not the current approver → 403; another institution → 404; nothing changes."""
    url = f"/staff/approval/{doc.pk}/{action}/"
    data = {"opinion": "x", "note": "x", "users": [org.reviewer.pk], "step": "abc"}
    # head is on the line but it is not their turn (drafter-only actions: also not theirs)
    refused = on_host(org.inst, org.head).post(url, data)
    assert refused.status_code == 403
    # the page says why in Korean, not just "no access"
    assert any(
        text in refused.content.decode()
        for text in ("차례가 아닙니다", "기안자만", "작업을 할 권한이 없습니다")
    )
    assert on_host(world.inst_b, world.staff_b).post(url, data).status_code == 404
    assert on_host(org.inst).post(url, data).status_code == 302  # log-in
    doc.refresh_from_db()
    assert doc.state == State.IN_APPROVAL
    assert doc.events.count() == 2


def test_approve_through_the_page(org, doc, on_host):
    client = on_host(org.inst, org.reviewer)
    response = client.post(f"/staff/approval/{doc.pk}/approve/", {"opinion": "좋습니다"})
    assert response.status_code == 302
    assert doc.current_steps()[0].opinion == "좋습니다"
    again = client.post(f"/staff/approval/{doc.pk}/approve/", {})  # double click: no change
    assert again.status_code == 302
    assert doc.events.filter(action="approve").count() == 1


def test_create_and_submit_through_the_page(org, on_host):
    client = on_host(org.inst, org.drafter)
    assert client.get("/staff/approval/new/").status_code == 200
    data = {
        "form": "general",
        "title": "페이지에서 기안",
        "body": "1. 목적",
        "step_role_0": "review",
        "step_user_0": org.reviewer.pk,
        "step_role_1": "approve",
        "step_user_1": org.head.pk,
        "submit_now": "1",
        "save_line_as": "기본 결재선",
    }
    response = client.post("/staff/approval/new/", data)
    assert response.status_code == 302
    created = Document.objects.get(title="페이지에서 기안")
    assert created.state == State.IN_APPROVAL
    assert client.get("/staff/approval/lines/").status_code == 200


def test_bad_input_on_the_page_changes_nothing(org, on_host):
    client = on_host(org.inst, org.drafter)
    before = Document.objects.count()
    response = client.post(
        "/staff/approval/new/",
        {"form": "general", "title": "", "step_role_0": "review", "step_user_0": org.reviewer.pk},
    )
    assert response.status_code == 400
    assert "제목을 입력해 주세요" in response.content.decode()
    assert Document.objects.count() == before


def test_pdf_and_attachment_are_permission_checked(
    org, on_host, world, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    doc = make_draft(org, attachments=[SimpleUploadedFile("예산.txt", b"100", "text/plain")])
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    approve_all(org, doc)
    attachment = doc.attachments.get()
    assert attachment.file.name.startswith("private/")
    url = f"/staff/approval/{doc.pk}/attachments/{attachment.pk}/"
    assert on_host(org.inst, org.reviewer).get(url).status_code == 200
    assert on_host(world.inst_b, world.staff_b).get(url).status_code == 404
    # the media view never serves private files
    media = on_host(org.inst, org.reviewer).get(
        f"/media/{org.inst.schema_name}/{attachment.file.name}"
    )
    assert media.status_code == 404
    pdf = on_host(org.inst, org.reviewer).get(f"/staff/approval/{doc.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_delegation_page_admin_only_changes(org, on_host):
    assert on_host(org.inst, org.drafter).get("/staff/approval/delegation/").status_code == 200
    denied = on_host(org.inst, org.drafter).post(
        "/staff/approval/delegation/", {"form": "general", "position": org.positions["팀장"].pk}
    )
    assert denied.status_code == 403
    ok = on_host(org.inst, org.head).post(
        "/staff/approval/delegation/", {"form": "general", "position": org.positions["팀장"].pk}
    )
    assert ok.status_code == 302


def test_resume_only_by_the_holder(org, doc, on_host, world):
    services.document_hold(actor=org.reviewer, institution=org.inst, document=doc, note="확인")
    url = f"/staff/approval/{doc.pk}/resume/"
    assert on_host(org.inst, org.head).post(url).status_code == 403
    assert on_host(world.inst_b, world.staff_b).post(url).status_code == 404
    assert on_host(org.inst, org.reviewer).post(url).status_code == 302
    doc.refresh_from_db()
    assert doc.state == State.IN_APPROVAL


def test_reviewer_edits_through_the_page_only_when_asked(org, doc, on_host):
    client = on_host(org.inst, org.reviewer)
    page = client.get(f"/staff/approval/{doc.pk}/").content.decode()
    assert "검토자 본문 수정" in page
    client.post(
        f"/staff/approval/{doc.pk}/approve/",
        {"title": doc.title, "body": "바뀐 본문\r\n둘째 줄"},  # not ticked: no edit
    )
    doc.refresh_from_db()
    assert doc.version == 1


def test_nav_shows_the_waiting_count(org, doc, on_host):
    page = on_host(org.inst, org.reviewer).get("/staff/approval/").content.decode()
    assert "전자결재" in page and 'aria-label="결재대기">1<' in page


def test_opening_a_notice_marks_it_read(org, doc, on_host):
    from groupware.approval.models import Notification

    notice = Notification.objects.get(user=org.reviewer, kind="approval.turn")
    response = on_host(org.inst, org.reviewer).get(f"/staff/approval/notifications/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/staff/approval/{doc.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    other = on_host(org.inst, org.head).get(f"/staff/approval/notifications/{notice.pk}/")
    assert other.status_code == 404


def test_opening_a_read_notice_again_writes_nothing(org, doc, on_host):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groupware.approval.models import Notification

    notice = Notification.objects.get(user=org.reviewer, kind="approval.turn")
    client = on_host(org.inst, org.reviewer)
    client.get(f"/staff/approval/notifications/{notice.pk}/")
    notice.refresh_from_db()
    first_read = notice.read_at
    with CaptureQueriesContext(connection) as captured:
        again = client.get(f"/staff/approval/notifications/{notice.pk}/")
    assert again.status_code == 302 and again["Location"] == f"/staff/approval/{doc.pk}/"
    writes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert writes == []
    notice.refresh_from_db()
    assert notice.read_at == first_read


def test_every_first_opening_is_on_record(org, doc, on_host):
    client = on_host(org.inst, org.head)
    client.get(f"/staff/approval/{doc.pk}/")
    client.get(f"/staff/approval/{doc.pk}/")
    assert doc.events.filter(action="read", actor=org.head).count() == 1


def test_post_report_page_acknowledges_and_stays_on_site(org, on_host):
    """확인 on the document page: acknowledged once, back to the page; a foreign next= is ignored."""
    import datetime

    from django.utils import timezone

    from groupware.approval.models import PostReport
    from groupware.models import Absence

    doc = submitted(org, steps=[{"user": org.director, "role": "approve"}])
    now = timezone.now()
    Absence.objects.create(
        user=org.director,
        kind=Absence.Kind.BUSINESS_TRIP,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
        deputy=org.head,
    )
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    report = PostReport.objects.get(document=doc)
    client = on_host(org.inst, org.director)
    assert "사후보고를 확인해 주세요" in client.get(f"/staff/approval/{doc.pk}/").content.decode()
    url = f"/staff/approval/post-reports/{report.pk}/ack/"
    assert on_host(org.inst, org.drafter).post(url).status_code == 404
    answer = client.post(url, {"next": "https://evil.example/steal"})
    assert answer.status_code == 302 and answer["Location"] == "/staff/approval/box/post_reports/"
    report.refresh_from_db()
    assert report.acknowledged_at is not None
    again = client.post(url, {"next": f"/staff/approval/{doc.pk}/"})
    assert again.status_code == 302 and again["Location"] == f"/staff/approval/{doc.pk}/"
