"""Idempotency-Key on the API's writes: a repeat gets the first answer and nothing is done
twice — also when the repeats arrive at the same moment; the same key with another
request is refused (422); keys belong to the person."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from api.idempotency import purge_expired
from api.models import IdempotencyRecord
from api.tokens import token_create
from groupware.schedule.models import Event
from tenants.models import Institution

EVENT = {
    "title": "재시도 회의",
    "starts_at": "2026-12-01T14:00:00+09:00",
    "ends_at": "2026-12-01T15:00:00+09:00",
}


def _post(client, body, key=None, path="/api/v1/events/", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(path, body, content_type="application/json", **headers, **extra)


def _events(world, in_schema, title=EVENT["title"]):
    with in_schema(world.inst_a):
        return Event.objects.filter(title=title).count()


def test_a_repeat_gets_the_first_answer_and_creates_nothing(world, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    first = _post(client, EVENT, key="k-1")
    assert first.status_code == 201
    again = _post(client, EVENT, key="k-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert _events(world, in_schema) == 1
    # Without a key, the same body is a new event.
    assert _post(client, EVENT).status_code == 201
    assert _events(world, in_schema) == 2


def test_the_same_key_with_another_request_answers_422(world, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    assert _post(client, EVENT, key="k-2").status_code == 201
    other = _post(client, {**EVENT, "title": "다른 회의"}, key="k-2")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert _events(world, in_schema, "다른 회의") == 0
    elsewhere = _post(client, {"name": "x"}, key="k-2", path="/api/v1/tokens/1/revoke/")
    assert elsewhere.status_code == 422


def test_keys_belong_to_the_person_whichever_credential(world, on_host, in_schema):
    _token, raw = token_create(user=world.staff_a, name="재시도 스크립트")
    session = on_host(world.inst_a, world.staff_a)
    by_token = Client(HTTP_HOST=world.inst_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")
    first = _post(session, EVENT, key="shared")
    assert _post(by_token, EVENT, key="shared").json() == first.json()
    # Another person's identical key is theirs alone.
    colleague = _post(on_host(world.inst_a, world.staff_a2), EVENT, key="shared")
    assert colleague.status_code == 201 and colleague.json()["id"] != first.json()["id"]
    assert _events(world, in_schema) == 2


def test_refusals_that_did_not_look_at_the_request_are_not_kept(world, on_host, in_schema):
    outsider = _post(on_host(world.inst_a, world.resident), EVENT, key="k-3")
    assert outsider.status_code in (403, 404)
    assert not IdempotencyRecord.objects.filter(key="k-3").exists()
    invalid = _post(on_host(world.inst_a, world.staff_a), {**EVENT, "title": ""}, key="k-4")
    assert invalid.status_code == 400
    replay = _post(on_host(world.inst_a, world.staff_a), {**EVENT, "title": ""}, key="k-4")
    assert replay.status_code == 400 and replay["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("key", ["", "x" * 256, "한글키", "a b", "tab\tkey"])
def test_malformed_keys_answer_400(world, on_host, in_schema, key):
    response = _post(on_host(world.inst_a, world.staff_a), EVENT, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert _events(world, in_schema) == 0


def test_reads_and_anonymous_requests_ignore_the_header(world, on_host):
    client = on_host(world.inst_a, world.staff_a)
    assert client.get("/api/v1/events/", HTTP_IDEMPOTENCY_KEY="r").status_code == 200
    anonymous = _post(on_host(world.inst_a), EVENT, key="anon")
    assert anonymous.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_records_expire_after_a_day(world, on_host, in_schema, settings):
    client = on_host(world.inst_a, world.staff_a)
    assert _post(client, EVENT, key="old").status_code == 201
    record = IdempotencyRecord.objects.get(key="old")
    assert (record.expires_at - record.created_at).total_seconds() == 24 * 3600
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        expires_at=record.created_at, created_at=record.created_at
    )
    assert _post(client, EVENT, key="old").status_code == 201
    assert _events(world, in_schema) == 2
    assert IdempotencyRecord.objects.filter(key="old").count() == 1
    IdempotencyRecord.objects.update(expires_at=record.created_at)
    assert purge_expired() == 1


def test_simultaneous_repeats_do_the_work_once(committed_db):
    """Ten copies of one request, same key, at the same moment: one event, ten equal answers."""
    institution = Institution.objects.get(slug="testa")
    from accounts.models import User

    user = User.objects.get(email="staff.a@test.kr")
    _token, raw = token_create(user=user, name=f"동시 재시도 {uuid.uuid4().hex[:6]}")
    key = f"same-{uuid.uuid4()}"
    title = f"동시 재시도 {key}"
    barrier = threading.Barrier(10)
    answers: list = [None] * 10

    def send(index):
        try:
            client = Client(HTTP_HOST=institution.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")
            barrier.wait(timeout=30)
            response = _post(client, {**EVENT, "title": title}, key=key)
            answers[index] = (response.status_code, response.json())
        except Exception as error:  # noqa: BLE001
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(10)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert all(isinstance(a, tuple) and a[0] == 201 for a in answers), answers
        assert len({a[1]["id"] for a in answers}) == 1
        with schema_context(institution.schema_name):
            assert Event.objects.filter(title=title).count() == 1
    finally:
        with schema_context(institution.schema_name):
            Event.objects.filter(title=title).delete()
        IdempotencyRecord.objects.filter(key=key).delete()
        _token.delete()
        connection.set_schema_to_public()
