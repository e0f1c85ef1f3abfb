"""One error shape under /api/ for every status: 400 401 403 404 405 409 415 429 500 503."""

import json

import pytest
from django.test import Client

from accounts.models import Membership
from api.errors import MESSAGES
from tenants.models import Institution
from tests.api.urls_errors import TRACE_MARKER

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    """The response is JSON in the one error shape with this status and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = "tests.api.urls_errors"


@pytest.fixture
def admin_on_a(world, make_token, bearer):
    _token, raw = make_token(world.admin_a)
    return bearer(world.inst_a.primary_host, raw)


@pytest.mark.parametrize("host", ["localhost", "testa.localhost"])
def test_anonymous_is_401_with_bearer_challenge(world, host):
    response = Client(HTTP_HOST=host).get("/api/v1/me/")
    error = assert_error(response, 401, "not_authenticated")
    assert error["message"] == str(MESSAGES["not_authenticated"])
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("host", ["localhost", "testa.localhost"])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_path_is_404_json(world, host, method):
    """Also for POST without a CSRF cookie: the catch-all is not a CSRF-protected page."""
    client = Client(HTTP_HOST=host, enforce_csrf_checks=True)
    assert_error(getattr(client, method)("/api/v1/no-such-thing/"), 404, "not_found")
    assert_error(getattr(client, method)("/api/nothing"), 404, "not_found")


def test_missing_trailing_slash_gets_a_hint(world, admin_on_a):
    error = assert_error(admin_on_a.get("/api/v1/me"), 404, "not_found")
    assert "/api/v1/me/" in error["message"]


def test_unknown_api_path_is_json_even_with_debug(world, settings):
    settings.DEBUG = True
    assert_error(Client(HTTP_HOST="localhost").get("/api/v1/nope/"), 404, "not_found")


def test_method_not_allowed_is_405_json_with_allow(world, admin_on_a):
    error = assert_error(admin_on_a.put("/api/v1/me/"), 405, "method_not_allowed")
    assert "PUT" in error["message"]
    response = admin_on_a.delete("/api/v1/me/")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_not_found_object_is_404_json(world, admin_on_a):
    assert_error(admin_on_a.get("/api/v1/tokens/999999/"), 404, "not_found")
    assert_error(admin_on_a.get("/api/v1/tokens/99999999999999999999/"), 404, "not_found")


def test_page_past_the_end_is_404_json(world, admin_on_a):
    assert_error(admin_on_a.get("/api/v1/tokens/?page=99"), 404, "not_found")
    assert_error(admin_on_a.get("/api/v1/tokens/?page=abc"), 404, "not_found")


def test_session_post_without_csrf_is_403_csrf_failed(world, make_token):
    token, _raw = make_token(world.resident)
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(world.resident)
    response = client.post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert_error(response, 403, "csrf_failed")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_validation_error_lists_fields(world, admin_on_a, test_urls):
    response = admin_on_a.post(
        "/api/test/validate/",
        {"name": "too long name", "amount": -1, "period": {"from": "nope"}},
        content_type="application/json",
    )
    error = assert_error(response, 400, "invalid")
    assert error["message"] == str(MESSAGES["invalid"])
    assert set(error["fields"]) == {"name", "amount", "period.from"}
    assert all(isinstance(m, str) for msgs in error["fields"].values() for m in msgs)


def test_django_validation_error_becomes_400(world, admin_on_a, test_urls):
    error = assert_error(admin_on_a.post("/api/test/model-rule/"), 400, "invalid")
    assert error["fields"] == {"starts_at": ["시작 시각이 종료 시각보다 늦습니다."]}


def test_malformed_json_is_400_parse_error(world, admin_on_a, test_urls):
    response = admin_on_a.post("/api/test/validate/", "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_unsupported_media_type_is_415(world, admin_on_a, test_urls):
    response = admin_on_a.post("/api/test/validate/", "x", content_type="text/csv")
    assert_error(response, 415, "unsupported_media_type")


def test_not_acceptable_is_406(world, admin_on_a):
    response = admin_on_a.get("/api/v1/me/", HTTP_ACCEPT="application/xml")
    assert_error(response, 406, "not_acceptable")


def test_conflict_is_409(world, admin_on_a, test_urls):
    error = assert_error(admin_on_a.post("/api/test/clash/"), 409, "conflict")
    assert error["message"] == "이미 같은 시간에 예약이 있습니다."


@pytest.mark.parametrize("path", ["/api/test/boom/", "/api/test/plain-boom/"])
@pytest.mark.parametrize("debug", [False, True])
def test_server_error_is_500_json_without_trace(world, test_urls, settings, path, debug):
    """A crash in a DRF view or in plain Django code under /api/ answers JSON, also with
    DEBUG on (api.middleware.ApiExceptionMiddleware instead of Django's debug page)."""
    settings.DEBUG = debug
    client = Client(HTTP_HOST=Institution.objects.get(slug="testa").primary_host)
    client.raise_request_exception = False
    response = client.get(path)
    error = assert_error(response, 500, "server_error")
    body = response.content.decode()
    assert TRACE_MARKER not in body and "Traceback" not in body
    assert error["message"] == str(MESSAGES["server_error"])


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/test/plain-404/", 404, "not_found"),
        ("/api/test/plain-403/", 403, "permission_denied"),
        ("/api/test/plain-400/", 400, "bad_request"),
    ],
)
def test_plain_django_refusals_are_json_with_debug(world, test_urls, settings, path, status, code):
    """Http404 / PermissionDenied / BadRequest from a non-DRF view: the error shape, not
    Django's technical pages."""
    settings.DEBUG = True
    response = Client(HTTP_HOST="testa.localhost").get(path)
    assert_error(response, status, code)
    assert b"<html" not in response.content.lower()


def test_plain_crash_reaches_error_trackers(world, test_urls, settings):
    """The JSON answer does not hide the crash: it is signalled (the test client re-raises)."""
    settings.DEBUG = True
    with pytest.raises(RuntimeError, match=TRACE_MARKER):
        Client(HTTP_HOST="testa.localhost").get("/api/test/plain-boom/")


def test_crash_outside_api_is_left_to_django(world, test_urls, settings):
    """Pages keep Django's own handling (the HTML 500 page with DEBUG off)."""
    client = Client(HTTP_HOST="testa.localhost", raise_request_exception=False)
    response = client.get("/test/plain-boom/")
    assert response.status_code == 500
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("debug", [False, True])
def test_error_in_a_middleware_is_json_too(world, settings, debug):
    """A refusal before any view (here a Host header outside ALLOWED_HOSTS, raised in the
    host routing middleware) answers the error shape on /api/, also with DEBUG on — and
    stays a page elsewhere."""
    settings.DEBUG = debug
    settings.ALLOWED_HOSTS = ["localhost", ".localhost"]
    client = Client(HTTP_HOST="evil.example", raise_request_exception=False)
    assert_error(client.get("/api/v1/me/"), 400, "bad_request")
    if debug:  # (with DEBUG off the page itself is suite.views.bad_request's business)
        page = client.get("/")
        assert page.status_code == 400
        assert not page["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("host", ["localhost", "testa.localhost"])
def test_api_root_leads_to_the_docs(world, host):
    """`/api` and `/api/` send a browser to Swagger UI; other methods get the JSON 404."""
    client = Client(HTTP_HOST=host)
    response = client.get("/api", follow=True)
    assert response.redirect_chain[-1][0] == "/api/docs/"
    assert response.status_code == 200
    assert_error(client.post("/api/"), 404, "not_found")


def test_server_error_reaches_error_trackers(world, test_urls):
    """The crash is signalled like any unhandled exception (the test client re-raises it)."""
    client = Client(HTTP_HOST="testa.localhost")
    with pytest.raises(RuntimeError, match=TRACE_MARKER):
        client.get("/api/test/boom/")


def test_suspended_institution_is_503_json_with_retry_after(world, make_token, bearer):
    _token, raw = make_token(world.admin_a)
    world.inst_a.status = Institution.Status.SUSPENDED
    world.inst_a.save(update_fields=["status"])
    response = bearer(world.inst_a.primary_host, raw).get("/api/v1/me/")
    assert_error(response, 503, "institution_suspended")
    assert int(response["Retry-After"]) > 0
    # the other institution and the apex are unaffected
    assert bearer(world.inst_b.primary_host, raw).get("/api/v1/me/").status_code == 200
    assert bearer("localhost", raw).get("/api/v1/me/").status_code == 200


def test_unknown_host_api_is_404_json(world):
    assert_error(Client(HTTP_HOST="nowhere.localhost").get("/api/v1/me/"), 404, "unknown_host")


def test_deactivated_membership_loses_role_on_that_host(world, make_token, bearer):
    """The token's rights follow the person's current role: no cached permissions."""
    _token, raw = make_token(world.admin_a)
    client = bearer(world.inst_a.primary_host, raw)
    assert client.get("/api/v1/me/").json()["here"]["role"] == "institution_admin"
    Membership.objects.filter(user=world.admin_a, institution=world.inst_a).update(is_active=False)
    assert client.get("/api/v1/me/").json()["here"]["role"] is None


def test_errors_are_utf8_json_not_escaped_html(world):
    response = Client(HTTP_HOST="localhost").get("/api/v1/me/")
    assert json.loads(response.content.decode("utf-8"))["error"]["message"]
    assert b"<html" not in response.content.lower()


@pytest.mark.parametrize("accept", ["text/html", "application/vnd.oai.openapi", "*/*"])
def test_errors_are_json_whatever_the_accept_header(world, accept):
    response = Client(HTTP_HOST="localhost", HTTP_ACCEPT=accept).get("/api/v1/me/")
    if accept == "application/vnd.oai.openapi":  # me/ renders JSON (or HTML) only
        assert_error(response, 406, "not_acceptable")
    else:
        assert_error(response, 401, "not_authenticated")
    bad = Client(HTTP_HOST="localhost", HTTP_ACCEPT=accept, HTTP_AUTHORIZATION="Bearer x")
    response = bad.get("/api/schema/")  # renders YAML or JSON only: HTML is not acceptable
    if accept == "text/html":
        assert_error(response, 406, "not_acceptable")
    else:
        assert_error(response, 401, "invalid_token")


def test_djangos_404_handler_answers_json_on_api_paths(world, settings):
    """Behind the catch-all, suite.views.page_not_found also answers JSON for /api/ paths."""
    settings.ROOT_URLCONF = "tests.api.urls_bare"
    client = Client(HTTP_HOST="testa.localhost")
    assert_error(client.get("/api/v1/anything/"), 404, "not_found")
