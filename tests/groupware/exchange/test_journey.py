"""Done, as the users do it over HTTP: A's officer drafts a 시행문 to B (line proposed from
the org chart), it is approved and sent with the seal; B's 문서과 registers it into a
department's register and distributes it; the head assigns the officer, who drafts a reply
that travels back; A's 문서과 registers the reply. Each department's register shows the
right numbers, and the sender watches 발송 → 도달 → 접수."""

import io
import re

from django_tenants.utils import schema_context

from groupware.approval.models import Document, RegisterEntry
from groupware.exchange.models import ReceivedDocument
from groupware.exchange.relay.models import Envelope, EnvelopeState


def _seal(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (90, 90), (200, 16, 46, 255)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("직인.png", buffer.getvalue(), content_type="image/png")
    return client.post("/staff/approval/seal/", {"image": upload})


def _line_from(page: str) -> dict:
    data = {}
    for index, user in re.findall(
        r'name="step_user_(\d)"[^>]*>.*?<option value="(\d+)" selected', page, re.S
    ):
        data[f"step_user_{index}"] = user
    for index, role in re.findall(
        r'name="step_role_(\d)"[^>]*>.*?<option value="(\w+)" selected', page, re.S
    ):
        data[f"step_role_{index}"] = role
    return data


def test_a_document_goes_to_the_sports_council_and_the_reply_comes_back(
    sides, on_host, world, django_capture_on_commit_callbacks
):
    a, b = sides
    assert _seal(on_host(a.inst, world.admin_a)).status_code == 302
    drafter = on_host(a.inst, a.drafter)

    # 기안: the line proposed from the org chart, B chosen from the cloud's directory
    page = drafter.get("/staff/approval/new/?form=general&propose=1").content.decode()
    line = _line_from(page)
    assert line, page
    assert f'value="{b.inst.pk}"' in page  # B in the directory
    response = drafter.post(
        "/staff/approval/new/",
        {
            "form": "general",
            "title": "생활체육 교류전 공동 개최 협조 요청",
            "body": "<p>1. 교류전 공동 개최에 협조를 요청합니다.</p>",
            "recipient_kind": "named",
            "rcpt_inst": str(b.inst.pk),
            f"rcpt_hint_{b.inst.pk}": "체육진흥팀장",
            "retention": "5y",
            "disclosure": "public",
            "submit_now": "1",
            **line,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with schema_context(a.inst.schema_name):
        doc = Document.objects.get(title="생활체육 교류전 공동 개최 협조 요청")
        approvers = [s.approver for s in doc.current_steps()]
    for approver in approvers:
        assert (
            on_host(a.inst, approver).post(f"/staff/approval/{doc.pk}/approve/").status_code == 302
        )
    page = drafter.get(f"/staff/approval/{doc.pk}/").content.decode()
    assert "문화예술팀-1" in page and "발송 (직인 날인)" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert drafter.post(f"/staff/exchange/documents/{doc.pk}/send/").status_code == 302
    envelope = Envelope.objects.get(sender=a.inst, document_id=doc.pk)
    assert envelope.state == EnvelopeState.DELIVERED
    assert "도달" in drafter.get("/staff/exchange/sent/").content.decode()
    pdf = drafter.get(f"/staff/approval/{doc.pk}/pdf/")
    from pypdf import PdfReader

    assert (
        sum(len(p.images) for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
        == 1
    )

    # B's 문서과: the incoming box, 접수 into 체육진흥팀's register with 배부
    office = on_host(b.inst, b.office)
    box = office.get("/staff/exchange/").content.decode()
    assert "생활체육 교류전 공동 개최 협조 요청" in box
    with schema_context(b.inst.schema_name):
        copy = ReceivedDocument.objects.get(envelope_id=envelope.pk)
    response = office.post(
        f"/staff/exchange/received/{copy.pk}/register/",
        {"department": str(b.team.pk), "distribute": "1"},
    )
    assert response.status_code == 302
    assert "체육진흥팀-1" in office.get(f"/staff/exchange/received/{copy.pk}/").content.decode()
    envelope.refresh_from_db()
    assert envelope.state == EnvelopeState.RECEIVED
    assert "접수" in drafter.get(f"/staff/approval/{doc.pk}/").content.decode()

    # the head assigns the officer, who replies
    head = on_host(b.inst, b.head)
    response = head.post(
        f"/staff/exchange/received/{copy.pk}/assign/", {"assignee": str(b.drafter.pk)}
    )
    assert response.status_code == 302
    officer = on_host(b.inst, b.drafter)
    response = officer.post(f"/staff/exchange/received/{copy.pk}/reply/")
    assert response.status_code == 302 and response["Location"].endswith("/edit/")
    reply_id = int(response["Location"].rstrip("/").split("/")[-2])
    assert officer.post(f"/staff/approval/{reply_id}/submit/").status_code == 302
    assert head.post(f"/staff/approval/{reply_id}/approve/").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(f"/staff/exchange/documents/{reply_id}/send/").status_code == 302

    # A's 문서과 registers the reply: it names the document it answers
    a_office = on_host(a.inst, a.office)
    with schema_context(a.inst.schema_name):
        answer = ReceivedDocument.objects.get()
    page = a_office.get(f"/staff/exchange/received/{answer.pk}/").content.decode()
    assert "우리 기관 문서에 대한 회신" in page and "문화예술팀-1" in page
    response = a_office.post(
        f"/staff/exchange/received/{answer.pk}/register/",
        {"department": str(a.team.pk), "distribute": "1"},
    )
    assert response.status_code == 302

    # each department's register, gapless
    register = on_host(a.inst, a.reviewer).get("/staff/approval/records/").content.decode()
    assert re.findall(r'data-label="등록번호">([^<]+)<', register) == [
        "문화예술팀-2",
        "문화예술팀-1",
    ]
    register = head.get("/staff/approval/records/").content.decode()
    assert re.findall(r'data-label="등록번호">([^<]+)<', register) == [
        "체육진흥팀-2",
        "체육진흥팀-1",
    ]
    with schema_context(b.inst.schema_name):
        assert list(
            RegisterEntry.objects.filter(department=b.team)
            .order_by("serial")
            .values_list("kind", flat=True)
        ) == ["received", "produced"]
    # the register prints and exports
    pdf = head.get("/staff/approval/records/?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = head.get("/staff/approval/records/?format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == [
        "체육진흥팀-2",
        "체육진흥팀-1",
    ]
