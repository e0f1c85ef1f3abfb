"""Tenancy is sacred: for every 문서유통 page and API endpoint, an id of the other
institution's received copy (or attachment, or document) answers 404 — to its staff on
their own host, to the 문서과 and the admin too — and nothing of the receiver (its 접수번호,
department, 담당자) reaches the sender, or the other way round. Staff of one institution
on the other's host get 404 everywhere."""

import pytest
from django_tenants.utils import schema_context

from groupware.approval import services as approval
from groupware.exchange import services
from groupware.exchange.models import ReceivedDocument
from groupware.exchange.relay.models import Envelope
from tests.groupware.exchange.conftest import outgoing

ACTIONS = ["register", "distribute", "return", "assign", "circulate", "reply"]


@pytest.fixture
def traffic(sides, django_capture_on_commit_callbacks):
    """A sends B two documents (B registers and assigns one); B replies once to A."""
    a, b = sides
    with schema_context(a.inst.schema_name):
        first = outgoing(a, b, title="첫 번째 공문")
        second = outgoing(a, b, title="두 번째 공문")
        with django_capture_on_commit_callbacks(execute=True):
            services.document_send(actor=a.drafter, institution=a.inst, document=first)
        with django_capture_on_commit_callbacks(execute=True):
            services.document_send(actor=a.drafter, institution=a.inst, document=second)
    with schema_context(b.inst.schema_name):
        copies = list(ReceivedDocument.objects.order_by("pk"))
        copy = copies[0]
        services.received_register(
            actor=b.office, institution=b.inst, received=copy, department=b.team, distribute=True
        )
        services.received_assign(
            actor=b.head, institution=b.inst, received=copy, assignee=b.drafter
        )
        reply = services.received_reply_draft(actor=b.drafter, institution=b.inst, received=copy)
        approval.document_submit(actor=b.drafter, institution=b.inst, document=reply)
        approval.document_approve(actor=b.head, institution=b.inst, document=reply)
        with django_capture_on_commit_callbacks(execute=True):
            services.document_send(actor=b.drafter, institution=b.inst, document=reply)
        b_ids = [c.pk for c in copies]
        b_attachment = copies[1].attachments.first().pk
        b_number = ReceivedDocument.objects.get(pk=copy.pk).number
    with schema_context(a.inst.schema_name):
        a_ids = list(ReceivedDocument.objects.values_list("pk", flat=True))
        a_attachment = ReceivedDocument.objects.get().attachments.count()
    return {
        "a": a,
        "b": b,
        "first": first,
        "reply": reply,
        "b_only": [pk for pk in b_ids if pk not in a_ids],
        "a_ids": a_ids,
        "b_attachment": b_attachment,
        "b_number": b_number,
        "a_attachment_count": a_attachment,
    }


def _pages(pk, attachment):
    return [
        f"/staff/exchange/received/{pk}/",
        f"/staff/exchange/received/{pk}/pdf/",
        f"/staff/exchange/received/{pk}/pdf/?original=1",
        f"/staff/exchange/received/{pk}/attachments/{attachment}/",
        f"/api/v1/exchange/received/{pk}/",
        f"/api/v1/exchange/received/{pk}/pdf/",
    ]


def test_the_other_sides_received_ids_are_404_everywhere(traffic, on_host, world):
    a = traffic["a"]
    assert traffic["b_only"], "B holds a copy id that A does not have"
    pk = traffic["b_only"][0]
    with schema_context(traffic["b"].inst.schema_name):
        before = ReceivedDocument.objects.filter(pk=pk).values().get()
    for user in (a.office, a.drafter, a.head, world.admin_a):
        client = on_host(a.inst, user)
        for path in _pages(pk, traffic["b_attachment"]):
            assert client.get(path).status_code == 404, (user, path)
        for action in ACTIONS:
            page = client.post(f"/staff/exchange/received/{pk}/{action}/", {"reason": "x"})
            assert page.status_code == 404, (user, action)
            api = client.post(
                f"/api/v1/exchange/received/{pk}/{action}/",
                {"department": a.team.pk, "reason": "x", "assignee": a.drafter.pk, "users": []},
                content_type="application/json",
            )
            assert api.status_code == 404, (user, action, api.content)
            assert api.json()["error"]["code"] == "not_found"
    with schema_context(traffic["b"].inst.schema_name):
        assert ReceivedDocument.objects.filter(pk=pk).values().get() == before  # untouched


def test_staff_of_one_side_get_404_on_the_other_host(traffic, on_host):
    a, b = traffic["a"], traffic["b"]
    paths = [
        "/staff/exchange/",
        "/staff/exchange/sent/",
        "/staff/exchange/box/all/",
        "/api/v1/exchange/received/",
        "/api/v1/exchange/sent/",
        "/api/v1/exchange/institutions/",
    ] + _pages(traffic["b_only"][0], traffic["b_attachment"])
    for path in paths:
        assert on_host(b.inst, a.office).get(path).status_code == 404, path
        assert on_host(a.inst, b.office).get(path).status_code == 404, path
    send = f"/staff/exchange/documents/{traffic['first'].pk}/send/"
    assert on_host(a.inst, b.drafter).post(send).status_code == 404
    api_send = f"/api/v1/exchange/documents/{traffic['first'].pk}/send/"
    assert on_host(a.inst, b.drafter).post(api_send).status_code == 404


def test_the_sender_sees_only_envelope_states(traffic, on_host):
    a, b = traffic["a"], traffic["b"]
    drafter = on_host(a.inst, a.drafter)
    for path in (
        "/staff/exchange/sent/",
        f"/staff/approval/{traffic['first'].pk}/",
        "/api/v1/exchange/sent/",
    ):
        text = drafter.get(path).content.decode()
        assert "접수" in text or "received" in text
        assert traffic["b_number"] not in text  # the receiver's 접수번호
        assert b.drafter.name not in text and b.office.name not in text  # 담당자, 문서과
    rows = drafter.get("/api/v1/exchange/sent/").json()["results"]
    assert {r["document_id"] for r in rows} <= {traffic["first"].pk, traffic["first"].pk + 1}
    assert all(set(r) <= set(_ENVELOPE_FIELDS) for r in rows)
    # B's envelope (the reply) is not in A's 발송함, even by document id
    reply = traffic["reply"]
    rows = drafter.get(f"/api/v1/exchange/sent/?document={reply.pk}").json()["results"]
    assert all(r["title"] != reply.title for r in rows)
    assert Envelope.objects.filter(sender=b.inst, document_id=reply.pk).exists()


_ENVELOPE_FIELDS = [
    "id",
    "channel",
    "recipient_name",
    "email",
    "document_id",
    "document_number",
    "title",
    "state",
    "sent_at",
    "delivered_at",
    "received_at",
    "returned_at",
    "return_reason",
]


def test_receiver_lists_hold_only_their_own_copies(traffic, on_host):
    a, b = traffic["a"], traffic["b"]
    rows = on_host(b.inst, b.office).get("/api/v1/exchange/received/?box=all").json()["results"]
    assert {r["title"] for r in rows} == {"첫 번째 공문", "두 번째 공문"}
    rows = on_host(a.inst, a.office).get("/api/v1/exchange/received/?box=all").json()["results"]
    assert [r["title"] for r in rows] == [traffic["reply"].title]
    page = on_host(a.inst, a.office).get("/staff/exchange/box/all/").content.decode()
    assert "두 번째 공문" not in page  # B's copies never show on A's host
    # the sender's documents are not readable on the receiver's host by their ids
    for user in (b.office, b.head, b.drafter):
        client = on_host(b.inst, user)
        answer = client.get(f"/staff/approval/{traffic['first'].pk}/")
        if answer.status_code == 200:  # B's own document with the same id, never A's
            assert traffic["first"].title not in answer.content.decode()
        assert client.get(f"/api/v1/exchange/sent/?document={traffic['first'].pk}").json()[
            "results"
        ] == [] or all(
            r["title"] != traffic["first"].title
            for r in client.get(f"/api/v1/exchange/sent/?document={traffic['first'].pk}").json()[
                "results"
            ]
        )
