"""API /api/v1/documents/: anonymous 401, other institution 404, not your turn 403,
moved on 409, bad input 400 with nothing stored, allowed → success."""

import pytest

from groupware.approval.models import Document, State
from tests.groupware.approval.conftest import approve_all, submitted

BASE = "/api/v1/documents/"
ACTIONS = [
    "submit",
    "approve",
    "return",
    "recall",
    "hold",
    "cancel-approval",
    "circulate",
    "resume",
    "redraft",
]


def _payload(org, **extra):
    return {
        "form": "general",
        "title": "API 기안",
        "body": "1. 목적",
        "line": [
            {"user": org.reviewer.pk, "role": "review"},
            {"user": org.head.pk, "role": "approve"},
        ],
        **extra,
    }


def test_create_list_and_detail(org, on_host):
    client = on_host(org.inst, org.drafter)
    response = client.post(BASE, _payload(org), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and len(body["steps"]) == 2
    doc_id = body["id"]
    listed = client.get(BASE + "?box=drafts").json()
    assert [d["id"] for d in listed["results"]] == [doc_id]
    assert client.get(f"{BASE}{doc_id}/").status_code == 200
    submitted_ = client.post(f"{BASE}{doc_id}/submit/", {}, content_type="application/json")
    assert submitted_.json()["state"] == "in_approval"
    waiting = on_host(org.inst, org.reviewer).get(BASE + "?box=waiting").json()
    assert waiting["count"] == 1


def test_anonymous_and_outsiders(org, on_host, world):
    assert on_host(org.inst).get(BASE).status_code == 401
    assert on_host(org.inst, world.staff_b).get(BASE).status_code == 404
    assert on_host(org.inst, world.resident).get(BASE).status_code == 404


@pytest.mark.parametrize(
    ("field", "extra", "fragment"),
    [
        ("title", {"title": ""}, "제목을 입력"),
        ("line", {"line": [{"user": 0, "role": "review"}]}, ""),
        ("line", {"line": []}, "결재선을 지정"),
        ("line", {"line": [{"user": 1, "role": "review"}]}, ""),
        ("line", {"form": "expense"}, "위임전결"),
    ],
)
def test_bad_input_is_400_and_stores_nothing(org, on_host, field, extra, fragment):
    before = Document.objects.count()
    payload = _payload(org, **extra)
    if field == "line" and extra.get("form") == "expense":
        payload["line"] = [{"user": org.reviewer.pk, "role": "approve"}]
    response = on_host(org.inst, org.drafter).post(BASE, payload, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert fragment in str(error)
    assert Document.objects.count() == before


def test_outsider_on_the_line_is_400(org, on_host, world):
    payload = _payload(org, line=[{"user": world.staff_b.pk, "role": "approve"}])
    response = on_host(org.inst, org.drafter).post(BASE, payload, content_type="application/json")
    assert response.status_code == 400
    assert "이 기관의 직원이 아니" in str(response.json())


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_403_404_401(org, on_host, world, action):
    doc = submitted(org)
    url = f"{BASE}{doc.pk}/{action}/"
    data = {"opinion": "x", "note": "x", "users": [org.reviewer.pk]}
    assert on_host(org.inst).post(url, data, content_type="application/json").status_code == 401
    other = on_host(world.inst_b, world.staff_b).post(url, data, content_type="application/json")
    assert other.status_code == 404
    denied = on_host(org.inst, org.head).post(url, data, content_type="application/json")
    # resume on a document that is not held: a conflict with its state, checked first
    assert denied.status_code == (409 if action == "resume" else 403), (action, denied.json())
    doc.refresh_from_db()
    assert doc.state == State.IN_APPROVAL and doc.events.count() == 2


def test_approve_then_double_click_is_409(org, on_host):
    doc = submitted(org)
    client = on_host(org.inst, org.reviewer)
    ok = client.post(
        f"{BASE}{doc.pk}/approve/", {"opinion": "확인"}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["steps"][0]["status"] == "approved"
    again = client.post(f"{BASE}{doc.pk}/approve/", {}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_acted"


def test_return_hold_recall_cancel(org, on_host):
    doc = submitted(org)
    reviewer = on_host(org.inst, org.reviewer)
    empty = reviewer.post(
        f"{BASE}{doc.pk}/return/", {"opinion": ""}, content_type="application/json"
    )
    assert empty.status_code == 400
    held = reviewer.post(
        f"{BASE}{doc.pk}/hold/", {"note": "확인 중"}, content_type="application/json"
    )
    assert held.json()["state"] == "on_hold"
    resumed = reviewer.post(f"{BASE}{doc.pk}/resume/", {}, content_type="application/json")
    assert resumed.json()["state"] == "in_approval"
    reviewer.post(f"{BASE}{doc.pk}/approve/", {}, content_type="application/json")
    cancelled = reviewer.post(
        f"{BASE}{doc.pk}/cancel-approval/", {}, content_type="application/json"
    )
    assert cancelled.status_code == 200
    recalled = on_host(org.inst, org.drafter).post(
        f"{BASE}{doc.pk}/recall/", {}, content_type="application/json"
    )
    assert recalled.json()["state"] == "recalled"


def test_pdf_and_circulate_after_approval(org, on_host, world):
    doc = approve_all(org, submitted(org))
    client = on_host(org.inst, org.drafter)
    pdf = client.get(f"{BASE}{doc.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert on_host(world.inst_b, world.staff_b).get(f"{BASE}{doc.pk}/pdf/").status_code == 404
    circulated = client.post(
        f"{BASE}{doc.pk}/circulate/",
        {"users": [world.manager_a.pk]},
        content_type="application/json",
    )
    assert circulated.status_code == 200
    assert client.get(f"{BASE}{doc.pk}/").json()["number"] == "문화예술팀-1"


def test_pdf_of_an_open_document_is_409(org, on_host):
    doc = submitted(org)
    assert on_host(org.inst, org.drafter).get(f"{BASE}{doc.pk}/pdf/").status_code == 409


def test_schema_documents_the_endpoints(org, on_host):
    schema = on_host(org.inst, org.drafter).get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/documents/{id}/approve/" in paths or "/api/v1/documents/{pk}/approve/" in paths


def test_attachment_download_only_for_those_who_see_the_document(org, on_host, world):
    """붙임 through the API: drafter and line 200, a colleague off the line and another
    institution 404, anonymous 401, another document's attachment id 404."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.groupware.approval.conftest import line, make_draft

    doc = make_draft(
        org,
        steps=line(org, ("review", org.reviewer), ("approve", org.head)),
        attachments=[SimpleUploadedFile("예산.txt", b"100", "text/plain")],
    )
    other = make_draft(org, title="다른 문서")
    item = doc.attachments.get()
    url = f"{BASE}{doc.pk}/attachments/{item.pk}/"
    got = on_host(org.inst, org.drafter).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"100"
    assert "attachment" in got["Content-Disposition"]
    assert on_host(org.inst).get(url).status_code == 401
    assert on_host(org.inst, org.reviewer).get(url).status_code == 404  # still a draft
    assert on_host(world.inst_b, world.staff_b).get(url).status_code == 404
    assert (
        on_host(org.inst, org.drafter).get(f"{BASE}{other.pk}/attachments/{item.pk}/").status_code
        == 404
    )
    huge = f"{BASE}{doc.pk}/attachments/99999999999999999999999/"
    assert on_host(org.inst, org.drafter).get(huge).status_code == 404
    services_submit = on_host(org.inst, org.drafter).post(
        f"{BASE}{doc.pk}/submit/", {}, content_type="application/json"
    )
    assert services_submit.status_code == 200
    assert on_host(org.inst, org.reviewer).get(url).status_code == 200
    assert on_host(org.inst, org.director).get(url).status_code == 404  # not on the line


def test_leave_balance(org, on_host, world):
    """내 연차: granted − approved = remaining; pending requests reduce what is available."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from groupware.models import StaffProfile
    from tests.groupware.approval.conftest import line, make_draft

    StaffProfile.objects.filter(user=org.drafter).update(annual_leave_days=Decimal("15"))
    day = timezone.localdate() + datetime.timedelta(days=30)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    doc = make_draft(
        org,
        form="leave",
        title="반차",
        steps=line(org, ("approve", org.reviewer)),
        leave={"kind": "half", "start_date": day, "reason": "개인 용무"},
    )
    client = on_host(org.inst, org.drafter)
    assert (
        client.post(f"{BASE}{doc.pk}/submit/", {}, content_type="application/json").status_code
        == 200
    )
    body = client.get("/api/v1/leave/balance/").json()
    assert body["granted"] == 15 and body["used"] == 0
    assert body["pending"] == 0.5 and body["remaining"] == 15 and body["available"] == 14.5
    this_year = timezone.localdate().year
    assert client.get(f"/api/v1/leave/balance/?year={this_year + 1}").json()["pending"] == (
        0.5 if day.year == this_year + 1 else 0
    )
    for bad in ("abc", str(this_year + 5), "99999999999999999999"):
        answer = client.get(f"/api/v1/leave/balance/?year={bad}")
        assert answer.status_code == 400
        assert answer.json()["error"]["fields"]["year"]
    assert on_host(org.inst).get("/api/v1/leave/balance/").status_code == 401
    assert on_host(org.inst, world.staff_b).get("/api/v1/leave/balance/").status_code == 404
    assert on_host(org.inst, world.resident).get("/api/v1/leave/balance/").status_code == 404


def test_initiator_and_reporter_marks(org, on_host):
    """★ 발의자 is the drafter; ⊙ 보고자 the last reviewer (API and the document page)."""
    doc = submitted(org)
    reviewer_step = doc.current_steps().get(approver=org.reviewer)
    client = on_host(org.inst, org.drafter)
    assert client.get(f"{BASE}{doc.pk}/").json()["reporter_step"] == reviewer_step.pk
    page = client.get(f"/staff/approval/{doc.pk}/").content.decode()
    assert "★</span>" in page and "⊙</span>" in page


def _away(user, deputy, kind="business_trip"):
    import datetime

    from django.utils import timezone

    from groupware.models import Absence

    now = timezone.now()
    Absence.objects.create(
        user=user,
        kind=kind,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=2),
        deputy=deputy,
    )


def test_skip_an_absent_reviewer(org, on_host, world):
    """skip/: drafter only (403 for others), bad step id 400, an absent reviewer's box says why."""
    doc = submitted(org)
    step = doc.current_steps()[0]
    url = f"{BASE}{doc.pk}/skip/"
    drafter = on_host(org.inst, org.drafter)
    assert drafter.post(url, {"step": step.pk}, content_type="application/json").status_code == 400
    _away(org.reviewer, None)
    for bad in ({}, {"step": "abc"}, {"step": 10**30}):
        assert drafter.post(url, bad, content_type="application/json").status_code == 400
    other = on_host(org.inst, org.head).post(
        url, {"step": step.pk}, content_type="application/json"
    )
    assert other.status_code == 403
    outsider = on_host(world.inst_b, world.staff_b).post(
        url, {"step": step.pk}, content_type="application/json"
    )
    assert outsider.status_code == 404
    assert doc.events.filter(action="skip").count() == 0
    done = drafter.post(url, {"step": step.pk}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["steps"][0]["skip_reason"] == "출장"


def test_post_reports_list_and_acknowledge(org, on_host, world):
    """post-reports/: only mine; acknowledge once (again → 409); others' ids 404."""
    from groupware.approval import services

    doc = submitted(org, steps=[{"user": org.director, "role": "approve"}])
    _away(org.director, org.head)
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    absent = on_host(org.inst, org.director)
    listed = absent.get("/api/v1/post-reports/?open=true").json()
    assert listed["count"] == 1
    item = listed["results"][0]
    assert item["document"] == doc.pk and item["deputy_name"] == org.head.name
    ack = f"/api/v1/post-reports/{item['id']}/acknowledge/"
    assert on_host(org.inst, org.drafter).post(ack).status_code == 404
    assert on_host(world.inst_b, world.staff_b).post(ack).status_code == 404
    assert on_host(org.inst).post(ack).status_code == 401
    assert absent.post(ack).json()["acknowledged_at"]
    assert absent.post(ack).status_code == 409
    assert absent.get("/api/v1/post-reports/?open=true").json()["count"] == 0
    assert absent.get("/api/v1/post-reports/").json()["count"] == 1
    assert absent.get("/api/v1/post-reports/?open=zzz").status_code == 400
    assert (
        absent.post("/api/v1/post-reports/99999999999999999999999/acknowledge/").status_code == 404
    )


def test_bad_dates_get_a_plain_korean_message(org, on_host):
    client = on_host(org.inst, org.drafter)
    listed = client.get(f"{BASE}?box=completed&date_from=2026-13-45")
    assert listed.status_code == 400
    assert "YYYY-MM-DD 형식" in listed.json()["error"]["fields"]["date_from"][0]
    payload = _payload(
        org, form="leave", leave={"kind": "annual", "start_date": "x", "reason": "y"}
    )
    before = Document.objects.count()
    created = client.post(BASE, payload, content_type="application/json")
    assert created.status_code == 400
    assert "YYYY-MM-DD 형식" in created.json()["error"]["fields"]["leave.start_date"][0]
    assert Document.objects.count() == before


def test_forms_proposal_and_register_over_the_api(org, on_host):
    """The forms with their fields, a proposed line, an expense drafted with its values,
    and the department's register."""
    from groupware.models import StaffProfile
    from tests.groupware.approval.conftest import approve_all, expense_data, submitted

    client = on_host(org.inst, org.drafter)
    forms = {f["code"]: f for f in client.get("/api/v1/forms/").json()}
    assert {"general", "expense", "trip", "leave", "leave_cancel"} <= set(forms)
    assert forms["expense"]["requires_attachment"] and forms["expense"]["amount_field"] == "amount"
    StaffProfile.objects.filter(user=org.director).update(is_department_head=True)
    proposal = client.get("/api/v1/lines/proposal/?form=expense&amount=1000000").json()
    assert proposal["line"] == [{"user": org.director.pk, "role": "approve"}]
    assert client.get("/api/v1/lines/proposal/?amount=-3").status_code == 400
    created = client.post(
        BASE,
        {
            "form": "expense",
            "title": "음향 장비 구입",
            "form_data": expense_data(1_000_000),
            "line": proposal["line"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["amount"] == 1_000_000 and created.json()["form_name"] == "지출결의서"
    bad = client.post(
        BASE,
        {
            "form": "expense",
            "title": "x",
            "form_data": {"amount": "많이"},
            "line": proposal["line"],
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "form_data.amount" in bad.json()["error"]["fields"]
    doc = approve_all(org, submitted(org))
    rows = client.get("/api/v1/registers/").json()["results"]
    assert [(r["number"], r["kind"], r["document"]) for r in rows] == [
        (doc.number, "produced", doc.pk)
    ]
    from groupware.models import Department

    other = Department.objects.create(name="홍보팀")
    assert client.get(f"/api/v1/registers/?department={other.pk}").status_code == 404
    assert client.get("/api/v1/registers/?kind=lost").status_code == 400
