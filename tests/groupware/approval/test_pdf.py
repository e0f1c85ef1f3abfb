"""The official-document PDF: generated on approval (after commit), stored, text extractable."""

import datetime
import io

from django.utils import timezone
from pypdf import PdfReader

from groupware.approval import services
from groupware.approval.models import Document
from groupware.approval.pdf import body_with_end_mark, korean_date
from groupware.models import Absence
from tests.groupware.approval.conftest import line, submitted


def test_end_mark_and_dates():
    assert body_with_end_mark("<p>가</p><p>나</p>") == "<p>가</p><p>나 끝.</p>"
    nested = "<ol><li>목적<ol><li>교체</li></ol></li></ol>"
    assert body_with_end_mark(nested) == "<ol><li>목적<ol><li>교체 끝.</li></ol></li></ol>"
    assert body_with_end_mark("본문") == "본문 끝."
    assert body_with_end_mark("<table><tr><td>1</td></tr></table>").endswith("이하 빈칸</p>")
    assert korean_date(datetime.date(2026, 11, 25)) == "2026. 11. 25."


def test_pdf_generated_on_commit_has_number_title_signers(org, django_capture_on_commit_callbacks):
    doc = submitted(
        org,
        form="expense",
        title="공연장 음향장비 구입",
        body="<ol><li>목적<ol><li>노후 장비 교체</li></ol></li></ol>",
        steps=line(org, ("review", org.reviewer), ("approve", org.director)),
    )
    services.document_approve(
        actor=org.reviewer, institution=org.inst, document=doc, opinion="적정"
    )
    # the director is away: the head signs as deputy → both 전결 and 대결
    now = timezone.now()
    Absence.objects.create(
        user=org.director,
        kind=Absence.Kind.TRAINING,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=3),
        deputy=org.head,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.document_approve(actor=org.head, institution=org.inst, document=doc)
    doc = Document.objects.get(pk=doc.pk)
    assert doc.pdf.name.startswith("private/approval/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(doc.pdf.read())).pages)
    compact = text.replace(" ", "").replace("\xa0", "").replace("\n", "")
    assert doc.number in compact  # 문화예술팀-1
    assert "공연장음향장비구입" in compact
    for name in ("직원에이", "직원에이둘", "관리자에이"):
        assert name in compact
    assert "전결" in compact and "대결" in compact
    assert "(의견있음)" in compact
    # ★ 발의자 before the drafter's 직위, ⊙ 보고자 before the reviewer who reports
    assert "★주임" in compact and "⊙팀장" in compact
    assert "가나시문화재단" in compact and "내부결재" in compact
    assert korean_date(doc.enforced_on).replace(" ", "") in compact
    assert "1/1" in compact  # page numbers


def test_pdf_for_named_recipients_with_cooperation_and_skip(org):
    from groupware.approval.pdf import render_document_pdf

    steps = [
        {"user": org.reviewer, "role": "review", "order": 1},
        {"user": org.director, "role": "cooperate", "order": 2},
        {"user": org.head, "role": "approve", "order": 3},
    ]
    doc = submitted(
        org,
        title="협약 체결 알림",
        steps=steps,
        recipient_kind="named",
        recipients="한빛시장(문화예술과장)",
        via="한빛시 문화체육국장",
        disclosure="partial",
        disclosure_ground=5,
    )
    now = timezone.now()
    Absence.objects.create(
        user=org.reviewer,
        kind=Absence.Kind.BUSINESS_TRIP,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=3),
    )
    services.document_skip(
        actor=org.drafter, institution=org.inst, document=doc, step_id=doc.current_steps()[0].pk
    )
    services.document_approve(
        actor=org.director, institution=org.inst, document=doc, opinion="협조"
    )
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    doc.refresh_from_db()
    text = PdfReader(io.BytesIO(render_document_pdf(doc))).pages[0].extract_text()
    compact = text.replace(" ", "").replace("\xa0", "").replace("\n", "")
    assert "한빛시장(문화예술과장)" in compact and "(경유)한빛시문화체육국장" in compact
    assert "출장" in compact  # the skipped reviewer's box says why
    assert "협조자" in compact and "본부장" in compact
    assert "부분공개(5호)" in compact
    assert "내부결재" not in compact
    # the only reviewer was skipped: the drafter reported to the head themselves
    assert "★⊙주임" in compact and "⊙팀장" not in compact


def test_pdf_lists_several_recipients_after_the_sender_and_indents_items(org):
    """수신자 참조 in the 두문 and the list after the 발신명의; typed items keep their levels."""
    from groupware.approval.pdf import pdf_context, render_document_pdf

    doc = submitted(
        org,
        title="행사 협조 요청",
        steps=line(org, ("approve", org.head)),
        recipient_kind="named",
        recipients="한빛시장(문화예술과장), 한빛시의회의장(의사담당관)",
        body="1. 목적\n  가. 세부\n    1) 더 세부",
    )
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert pdf_context(doc)["body"].endswith('<p class="item-2">1) 더 세부 끝.</p>')
    text = PdfReader(io.BytesIO(render_document_pdf(doc))).pages[0].extract_text()
    compact = text.replace(" ", "").replace("\xa0", "").replace("\n", "")
    assert "수신수신자참조" in compact
    assert "수신자한빛시장(문화예술과장),한빛시의회의장(의사담당관)" in compact
    assert "★⊙주임" in compact  # no reviewer: the drafter reported


def test_pdf_lists_attachments_and_ends_with_the_end_mark(org):
    """붙임 numbered when two or more, each "1부.", and "끝." after the last one (not the body)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from groupware.approval.pdf import render_document_pdf

    doc = submitted(
        org,
        title="물품 구입",
        steps=line(org, ("approve", org.head)),
        body="1. 구입 목적: 노후 장비 교체",
        attachments=[
            SimpleUploadedFile("구입 내역서.txt", b"1", "text/plain"),
            SimpleUploadedFile("견적서.txt", b"2", "text/plain"),
        ],
    )
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    doc.refresh_from_db()
    content = render_document_pdf(doc)
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    compact = text.replace(" ", "").replace("\xa0", "").replace("\n", "")
    assert "노후장비교체붙임" in compact  # no "끝." after the body when 붙임 follows
    assert "붙임1.구입내역서.txt1부.2.견적서.txt1부.끝." in compact


def test_pdf_and_pages_number_lists_from_one_stylesheet(org):
    """The Korean list markers (1. → 가. → 1) …) live in one static file: the PDF inlines it
    and prints the markers, the pages' stylesheet imports it."""
    from django.contrib.staticfiles import finders

    from groupware.approval.pdf import render_document_pdf

    doc = submitted(
        org,
        title="장비 교체",
        steps=line(org, ("approve", org.head)),
        body="<ol><li>목적<ol><li>노후 장비<ol><li>음향</li></ol></li></ol></li></ol>",
    )
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    doc.refresh_from_db()
    text = PdfReader(io.BytesIO(render_document_pdf(doc))).pages[0].extract_text()
    compact = text.replace(" ", "").replace("\xa0", "").replace("\n", "")
    # the markers print (after the text, in extraction order): 1. → 가. → 1), not 1. 1. 1.
    assert "목적노후장비음향" in compact and "1.가.1)" in compact

    with open(finders.find("approval/markers.css"), encoding="utf-8") as handle:
        markers = handle.read()
    assert "@counter-style ko-ga " in markers
    with open(finders.find("approval/approval.css"), encoding="utf-8") as handle:
        page_css = handle.read()
    assert '@import url("markers.css");' in page_css
    assert "@counter-style" not in page_css  # not a second copy
