"""OpenAPI schema and Swagger UI on the apex and every institution host, assets served locally."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from drf_spectacular.validation import validate_schema

from api.pagination import MAX_PAGE_SIZE

pytestmark = pytest.mark.django_db

HOSTS = ["localhost", "testa.localhost", "testb.localhost"]
HTTP_METHODS = {"get", "put", "post", "patch", "delete"}


def schema_of(host: str) -> dict:
    response = Client(HTTP_HOST=host).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


@pytest.mark.parametrize("host", HOSTS)
def test_schema_is_valid_openapi_3(world, host):
    schema = schema_of(host)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/me/" in schema["paths"]


def test_schema_title_names_the_institution(world):
    assert world.inst_a.name in schema_of("testa.localhost")["info"]["title"]
    assert world.inst_a.name not in schema_of("testb.localhost")["info"]["title"]


@pytest.mark.parametrize("host", ["localhost", "testa.localhost"])
def test_schema_is_yaml_by_default(world, host):
    response = Client(HTTP_HOST=host).get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3")


@pytest.mark.parametrize("host", HOSTS)
def test_every_operation_documents_errors_in_one_shape(world, host):
    schema = schema_of(host)
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        for status in ("401", "403", "429"):
            assert status in responses, (method, path, status)
            content = responses[status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (method, path, status)
        assert "Retry-After" in responses["429"]["headers"]
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), (method, path)
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in responses, (method, path)
        if host != "localhost":  # any institution host may be suspended
            assert "503" in responses, (method, path)
        elif "503" in responses:  # the apex is never suspended: only a declared 503 of its own
            assert "institution_suspended" not in responses["503"]["description"], (method, path)


@pytest.mark.parametrize("host", HOSTS)
def test_token_security_scheme_is_documented(world, host):
    schema = schema_of(host)
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "acs_<prefix>_<secret>",
        "description": "개인 API 토큰. 웹의 '내 정보' 화면에서 만듭니다.",
    }
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert {"bearerAuth": []} in me["security"]


def test_pagination_documents_the_maximum_page_size(world):
    parameters = schema_of("localhost")["paths"]["/api/v1/tokens/"]["get"]["parameters"]
    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert page_size["schema"]["maximum"] == MAX_PAGE_SIZE
    assert str(MAX_PAGE_SIZE) in page_size["description"]


def test_pagination_pages_and_caps_page_size(world, make_token, bearer):
    for i in range(3):
        _token, raw = make_token(world.resident, name=f"토큰{i}")
    client = bearer("localhost", raw)
    first = client.get("/api/v1/tokens/?page_size=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert first["next"].startswith("http://localhost/api/v1/tokens/?")
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    capped = client.get(f"/api/v1/tokens/?page_size={MAX_PAGE_SIZE * 10}").json()
    assert len(capped["results"]) == 3


def test_datetimes_are_iso_8601_with_offset(world, make_token, bearer):
    _token, raw = make_token(world.resident, expires_in_days=30)
    body = bearer("localhost", raw).get("/api/v1/tokens/").json()["results"][0]
    for field in ("created_at", "expires_at", "last_used_at"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+09:00", body[field]), body


@pytest.mark.parametrize("host", HOSTS)
def test_swagger_ui_uses_only_local_assets(world, host):
    response = Client(HTTP_HOST=host).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html), "external asset in the docs page"
    for needle in ("cdn", "jsdelivr", "unpkg", "cdnjs", "googleapis"):
        assert needle not in html.lower()
    assets = re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", html)
    assert len(assets) >= 3
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    # The start-up script is a file of its own (no inline script under the CSP).
    assert '<script src="/api/docs/?script=">' in html
    script = Client(HTTP_HOST=host).get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_docs_need_no_sign_in_but_api_does(world):
    client = Client(HTTP_HOST="testa.localhost")
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 401


MONEY_NAME = re.compile(r"(^|_)(fee|fees|price|amount|total|refund|cost|deposit|discount|won)(_|$)")


def _properties(node, path=""):
    """Every (path, name, property schema) in a schema tree."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{path}.{name}", name, prop
        for key, value in node.items():
            yield from _properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{path}/{index}")


@pytest.mark.parametrize("host", HOSTS)
def test_money_is_whole_won_in_every_schema(world, host):
    """Convention for every endpoint: amounts of money are integers (won), never decimals."""
    schema = schema_of(host)
    offenders = [
        path
        for path, name, prop in _properties(schema.get("components", {}))
        if MONEY_NAME.search(name)
        and (prop.get("type") == "number" or prop.get("format") == "decimal")
    ]
    assert not offenders, f"money must be an integer number of won: {offenders}"


@pytest.mark.parametrize("host", HOSTS)
def test_datetimes_are_documented_as_date_time(world, host):
    """Fields named *_at are date-times (ISO 8601 with offset), not free strings."""
    schema = schema_of(host)
    offenders = [
        path
        for path, name, prop in _properties(schema.get("components", {}))
        if name.endswith("_at")
        and prop.get("type") == "string"
        and prop.get("format") != "date-time"
    ]
    assert not offenders, offenders
