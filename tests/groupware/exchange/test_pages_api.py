"""Each 문서유통 page and endpoint: anonymous → log-in / 401, wrong role → 403 with the
reason, bad input → a Korean error (one API shape) with nothing stored, a step already
taken → 409."""

import pytest
from django_tenants.utils import schema_context

from groupware.exchange import services
from groupware.exchange.models import ReceivedDocument, ReceivedState
from tests.groupware.exchange.conftest import outgoing


@pytest.fixture
def delivered(sides, django_capture_on_commit_callbacks):
    a, b = sides
    with schema_context(a.inst.schema_name):
        doc = outgoing(a, b)
        with django_capture_on_commit_callbacks(execute=True):
            (envelope,) = services.document_send(actor=a.drafter, institution=a.inst, document=doc)
    with schema_context(b.inst.schema_name):
        copy = ReceivedDocument.objects.get(envelope_id=envelope.pk)
    return a, b, doc, copy


def test_anonymous_callers(delivered, on_host):
    a, b, doc, copy = delivered
    client = on_host(b.inst)
    for path in (
        "/staff/exchange/",
        "/staff/exchange/sent/",
        f"/staff/exchange/received/{copy.pk}/",
        f"/staff/exchange/received/{copy.pk}/pdf/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(f"/staff/exchange/received/{copy.pk}/register/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for path in ("/api/v1/exchange/received/", f"/api/v1/exchange/received/{copy.pk}/"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_a_resident_gets_404(delivered, on_host, world):
    a, b, doc, copy = delivered
    client = on_host(b.inst, world.resident)
    assert client.get("/staff/exchange/").status_code == 404
    assert client.get("/api/v1/exchange/received/").status_code == 404


def test_an_unknown_box_is_a_400_on_the_field_and_the_directory_404_for_outsiders(
    delivered, on_host, world
):
    a, b, doc, copy = delivered
    office = on_host(b.inst, b.office)
    response = office.get("/api/v1/exchange/received/?box=nonsense")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["box"] == ["문서함 값이 올바르지 않습니다."]
    assert office.get("/staff/exchange/box/nonsense/").status_code == 404  # a page that is not
    assert on_host(b.inst, world.resident).get("/api/v1/exchange/institutions/").status_code == 404
    assert on_host(b.inst, world.staff_a).get("/api/v1/forms/").status_code == 404


def test_members_without_the_role_get_403_and_nothing_changes(delivered, on_host):
    a, b, doc, copy = delivered
    clerk = on_host(b.inst, b.drafter)  # not the 문서과, not yet its 담당자
    assert clerk.get("/staff/exchange/box/waiting/").status_code == 403
    assert clerk.get("/api/v1/exchange/received/?box=waiting").status_code == 403
    # the 문서과's copy is not the clerk's to open before 배부
    assert clerk.get(f"/staff/exchange/received/{copy.pk}/").status_code == 404
    office = on_host(b.inst, b.office)
    assert office.get(f"/staff/exchange/received/{copy.pk}/").status_code == 200
    head = on_host(b.inst, b.head)
    response = head.post(
        f"/api/v1/exchange/received/{copy.pk}/register/",
        {"department": b.team.pk},
        content_type="application/json",
    )
    assert response.status_code == 404  # not yet distributed: the head cannot see it
    response = office.post(
        f"/api/v1/exchange/received/{copy.pk}/register/",
        {"department": b.team.pk, "distribute": True},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["number"] == "체육진흥팀-1"
    # now distributed: the clerk of the department opens it but may not assign
    assert clerk.get(f"/staff/exchange/received/{copy.pk}/").status_code == 200
    response = clerk.post(f"/staff/exchange/received/{copy.pk}/assign/", {"assignee": b.drafter.pk})
    assert response.status_code == 403 and "부서장" in response.content.decode()
    response = clerk.post(
        f"/api/v1/exchange/received/{copy.pk}/assign/",
        {"assignee": b.drafter.pk},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_department_head"
    with schema_context(b.inst.schema_name):
        assert ReceivedDocument.objects.get(pk=copy.pk).assignee_id is None
    # the 문서과 cannot register twice: 409
    response = office.post(
        f"/api/v1/exchange/received/{copy.pk}/register/",
        {"department": b.team.pk},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "illegal_transition"


def test_bad_input_is_refused_in_korean_and_nothing_stored(delivered, on_host):
    a, b, doc, copy = delivered
    office = on_host(b.inst, b.office)
    for body, field in (({}, "department"), ({"department": 0}, "department")):
        response = office.post(
            f"/api/v1/exchange/received/{copy.pk}/register/", body, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        assert field in response.json()["error"]["fields"]
    response = office.post(
        f"/api/v1/exchange/received/{copy.pk}/register/",
        {"department": 999999},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "부서를 찾을 수 없습니다" in str(response.json()["error"])
    response = office.post(
        f"/api/v1/exchange/received/{copy.pk}/return/",
        {"reason": "  "},
        content_type="application/json",
    )
    assert response.status_code == 400 and "반송 사유" in str(response.json()["error"])
    # pages: the Korean message, the copy untouched
    response = office.post(f"/staff/exchange/received/{copy.pk}/register/", {"department": ""})
    assert response.status_code == 302
    page = office.get(f"/staff/exchange/received/{copy.pk}/").content.decode()
    assert "접수할 처리과(부서)를 선택해 주세요" in page
    with schema_context(b.inst.schema_name):
        copy.refresh_from_db()
        assert copy.state == ReceivedState.DELIVERED and not copy.number
    from groupware.exchange.relay.models import Envelope

    assert Envelope.objects.get(pk=copy.envelope_id).state == "delivered"


def test_sending_twice_is_a_conflict_and_others_may_not_send(delivered, on_host):
    a, b, doc, copy = delivered
    drafter = on_host(a.inst, a.drafter)
    response = drafter.post(f"/api/v1/exchange/documents/{doc.pk}/send/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "already_sent"
    response = on_host(a.inst, a.reviewer).post(f"/api/v1/exchange/documents/{doc.pk}/send/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_sender"
    response = drafter.post(f"/staff/exchange/documents/{doc.pk}/send/")
    assert response.status_code == 302
    assert "이미 모든 수신자에게 발송" in drafter.get(f"/staff/approval/{doc.pk}/").content.decode()
    rows = drafter.get(f"/api/v1/exchange/sent/?document={doc.pk}").json()["results"]
    assert [r["state"] for r in rows] == ["delivered"]
    assert drafter.get("/api/v1/exchange/sent/?state=lost").status_code == 400
    directory = drafter.get("/api/v1/exchange/institutions/").json()
    assert [i["id"] for i in directory] == [b.inst.pk]


def test_the_whole_receiving_side_over_the_api(delivered, on_host):
    a, b, doc, copy = delivered
    office = on_host(b.inst, b.office)
    head = on_host(b.inst, b.head)
    officer = on_host(b.inst, b.drafter)
    rows = office.get("/api/v1/exchange/received/").json()["results"]
    assert [r["id"] for r in rows] == [copy.pk]
    assert (
        office.post(
            f"/api/v1/exchange/received/{copy.pk}/register/",
            {"department": b.team.pk},
            content_type="application/json",
        ).json()["state"]
        == "registered"
    )
    assert (
        office.post(f"/api/v1/exchange/received/{copy.pk}/distribute/").json()["state"]
        == "distributed"
    )
    assert (
        head.post(
            f"/api/v1/exchange/received/{copy.pk}/assign/",
            {"assignee": b.drafter.pk},
            content_type="application/json",
        ).json()["assignee_name"]
        == b.drafter.name
    )
    circulated = officer.post(
        f"/api/v1/exchange/received/{copy.pk}/circulate/",
        {"users": [b.head.pk]},
        content_type="application/json",
    )
    assert circulated.status_code == 200
    mine = officer.get("/api/v1/exchange/received/?box=mine").json()["results"]
    assert [r["id"] for r in mine] == [copy.pk]
    reply = officer.post(f"/api/v1/exchange/received/{copy.pk}/reply/")
    assert reply.status_code == 201 and reply.json()["state"] == "draft"
    detail = officer.get(f"/api/v1/exchange/received/{copy.pk}/").json()
    assert [e["action"] for e in detail["events"]] == [
        "deliver",
        "register",
        "distribute",
        "assign",
        "circulate",
        "reply",
    ]
    pdf = officer.get(detail["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
