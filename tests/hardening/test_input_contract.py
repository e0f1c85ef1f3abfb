"""What a request may carry: bodies over the limit answer 413, JSON nested too deep 400,
query strings over the limit 414 — in the error shape on /api/, a page elsewhere, never a
500 — on every write endpoint. Date-times without an offset are refused with a Korean
message; control and bidirectional-override characters never reach the database."""

import io
import json

import pytest
from django.conf import settings
from django.test import Client

from api.fields import OFFSET_REQUIRED
from api.models import ApiToken
from api.parsers import JSONParser, RequestTooLarge
from groupware.schedule.models import Event
from suite.text import clean_text
from tests.facility_booking.conftest import make_facility

BIG = 5 * 1024 * 1024
FORBIDDEN_SAMPLES = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def write_operations(client) -> list[tuple[str, str]]:
    """(method, path) of every write in the host's OpenAPI schema, ids filled with 1."""
    schema = client.get("/api/schema/", {"format": "json"}).json()
    out = []
    for path, item in schema["paths"].items():
        for method in item:
            if method in ("post", "put", "patch"):
                filled = path
                while "{" in filled:
                    start, end = filled.index("{"), filled.index("}")
                    filled = filled[:start] + "1" + filled[end + 1 :]
                out.append((method, filled))
    assert len(out) >= 3
    return out


def _hosts(world, apex, on_host):
    return [
        ("apex", apex(world.operator)),
        ("inst_a", on_host(world.inst_a, world.admin_a)),
    ]


def _send(client, method, path, body: bytes, content_type="application/json"):
    return getattr(client, method)(path, data=body, content_type=content_type)


def _error(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_five_megabytes_to_every_write_endpoint_answers_413(world, apex, on_host):
    body = json.dumps({"title": "x" * BIG}).encode()
    for host, client in _hosts(world, apex, on_host):
        for method, path in write_operations(client):
            response = _send(client, method, path, body)
            assert response.status_code == 413, (host, method, path, response.status_code)
            error = _error(response)
            assert error["code"] == "request_too_large"
            assert "MB" in error["message"]


@pytest.mark.parametrize("depth", [40, 5000, 100_000])
def test_deep_json_to_every_write_endpoint_never_500(world, apex, on_host, depth):
    body = ("[" * depth + "]" * depth).encode()
    nested = ('{"a":' * depth + "1" + "}" * depth).encode()
    parse_errors = 0
    for _host, client in _hosts(world, apex, on_host):
        for method, path in write_operations(client):
            for payload in (body, nested):
                response = _send(client, method, path, payload)
                assert response.status_code < 500, (method, path, depth)
                error = _error(response)
                if response.status_code == 400 and error["code"] == "parse_error":
                    parse_errors += 1
                    assert "32" in error["message"]
    assert parse_errors >= 4


def test_parser_refuses_a_body_without_length_past_the_limit():
    with pytest.raises(RequestTooLarge):
        JSONParser().parse(io.BytesIO(b'"' + b"x" * BIG + b'"'), parser_context={})
    assert JSONParser().parse(io.BytesIO(b'{"a": [1, {"b": 2}]}'), parser_context={}) == {
        "a": [1, {"b": 2}]
    }


def test_pages_answer_413_for_oversized_forms(world, apex, on_host):
    client = Client(HTTP_HOST="localhost")
    response = client.post(
        "/accounts/login/",
        data="username=" + "x" * BIG,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "요청 본문이 너무 큽니다" in response.content.decode()
    # A file upload may be bigger, but its plain fields not.
    response = on_host(world.inst_a, world.staff_a).post(
        "/accounts/login/", {"note": "y" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 413


def test_long_query_strings_answer_414_in_the_error_shape(world, on_host):
    client = on_host(world.inst_a, world.admin_a)
    long_query = "q=" + "가" * 3000
    response = client.get(f"/api/v1/posts/?{long_query}")
    assert response.status_code == 414
    assert _error(response)["code"] == "uri_too_long"
    page = client.get(f"/staff/directory/?{long_query}")
    assert page.status_code == 414
    assert "쿼리 문자열" in page.content.decode()
    fine = client.get("/api/v1/posts/?page=1&" + "x=" + "y" * 3000)
    assert fine.status_code == 200


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_datetimes_without_offset_are_refused(world, on_host, in_schema, field):
    client = on_host(world.inst_a, world.staff_a)
    payload = {
        "title": "오프셋 없는 회의",
        "starts_at": "2026-12-01T14:00:00+09:00",
        "ends_at": "2026-12-01T15:00:00+09:00",
    }
    payload[field] = payload[field].removesuffix("+09:00")
    response = client.post("/api/v1/events/", payload, content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["fields"] == {field: [str(OFFSET_REQUIRED)]}
    with in_schema(world.inst_a):
        assert not Event.objects.filter(title="오프셋 없는 회의").exists()
    payload[field] = {"starts_at": "2026-12-01T05:00:00Z", "ends_at": "2026-12-01T06:00:00Z"}[field]
    response = client.post("/api/v1/events/", payload, content_type="application/json")
    assert response.status_code == 201, response.content


def test_naive_datetime_in_a_query_is_refused_too(world, on_host, in_schema):
    with in_schema(world.inst_a):
        facility = make_facility(name="오프셋 확인 회의실")
    client = on_host(world.inst_a, world.resident)
    url = f"/api/v1/facilities/{facility.pk}/availability/"
    response = client.get(url, {"from": "2026-12-01T09:00", "to": "2026-12-01T18:00+09:00"})
    assert response.status_code == 400
    assert _error(response)["fields"] == {"from": [str(OFFSET_REQUIRED)]}
    ok = client.get(url, {"from": "2026-12-01T09:00+09:00", "to": "2026-12-01T18:00+09:00"})
    assert ok.status_code == 200


def test_text_contract_strips_controls_and_bidi_overrides():
    assert clean_text("가" + FORBIDDEN_SAMPLES + "나\t다\n라\r\n") == "가나\t다\n라\r\n"
    assert clean_text("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert clean_text("보통 글") == "보통 글"


def test_api_json_text_is_cleaned_before_it_is_stored(world, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    response = client.post(
        "/api/v1/events/",
        {
            "title": "부서\u202e 회의" + FORBIDDEN_SAMPLES,
            "description": "첫 줄\n둘째\t줄\x00",
            "starts_at": "2026-12-01T14:00:00+09:00",
            "ends_at": "2026-12-01T15:00:00+09:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "부서 회의"
    with in_schema(world.inst_a):
        event = Event.objects.get(pk=response.json()["id"])
    assert event.title == "부서 회의"
    assert event.description == "첫 줄\n둘째\t줄"


def test_form_text_is_cleaned_before_it_is_stored(world, apex):
    client = apex(world.resident)
    response = client.post(
        "/accounts/tokens/new/",
        {"name": "대시\u202e보드\x07\u2066", "expires_in_days": "30"},
    )
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=world.resident).get().name == "대시보드"


def test_limits_are_settings(settings_module=settings):
    assert settings_module.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings_module.SUITE_MAX_QUERY_STRING == 4096
    assert settings_module.API_JSON_MAX_DEPTH == 32
