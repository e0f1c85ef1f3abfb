"""The production settings, exercised as docs/deployment.md runs them: gunicorn with
suite.settings.production behind a TLS proxy that sends X-Forwarded-Proto, a real
DATABASE_URL, a shared cache (CACHE_URL=db://…), static files collected and served by
WhiteNoise. Main pages and the API go through it: redirects to https, HSTS, secure cookies,
security headers, the error shape — and `check --deploy` has nothing to say."""

import json
import re
import uuid
from urllib.parse import quote

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from api.tokens import token_create
from groupware.schedule.models import Event
from tenants.models import Institution
from tests.factories import PASSWORD
from tests.hardening.conftest import manage, suite_env

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def hosts(module_db):
    a = Institution.objects.get(slug="testa")
    b = Institution.objects.get(slug="testb")
    return {"apex": "localhost", "a": a.primary_host, "b": b.primary_host, "inst_a": a}


@pytest.fixture(scope="module")
def staff_token(module_db):
    from accounts.models import User

    user = User.objects.get(email="staff.a@test.kr")
    token, raw = token_create(user=user, name=f"운영 점검 {uuid.uuid4().hex[:6]}")
    yield raw
    token.delete()


def test_check_deploy_has_nothing_to_say(module_db, tmp_path):
    env = suite_env(tmp_path, settings_module="suite.settings.production", app_name="suite-check")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_plain_http_is_redirected_to_https_except_health_checks(production, hosts):
    for host in (hosts["apex"], hosts["a"]):
        answer = production.request("GET", "/facilities/?page=2", host=host)
        assert answer.status == 301
        assert answer.header("Location") == f"https://{host}/facilities/?page=2"
    assert production.request("GET", "/healthz", host=hosts["apex"]).status == 200
    assert production.request("GET", "/healthz", host=hosts["a"]).status == 200


PAGES = [
    ("apex", "/", 200),
    ("apex", "/accounts/login/", 200),
    ("apex", "/portal/search/?q=%EB%8C%80%EA%B4%80", 200),
    ("apex", "/api/docs/", 200),
    ("apex", "/console/", 302),
    ("a", "/", 200),
    ("a", "/facilities/", 200),
    ("a", "/api/docs/", 200),
    ("a", "/accounts/login/", 302),  # sign-in happens on the apex
    ("a", "/staff/", 302),
    ("a", "/no/such/page/", 404),
]


@pytest.mark.parametrize(("host_key", "path", "status"), PAGES)
def test_main_pages_over_https_carry_the_security_headers(
    production, hosts, host_key, path, status
):
    answer = production.request("GET", path, host=hosts[host_key], headers=HTTPS)
    assert answer.status == status, (path, answer.status, answer.text[:300])
    assert answer.header("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert answer.header("X-Content-Type-Options") == "nosniff"
    assert answer.header("Referrer-Policy") == "same-origin"
    assert answer.header("X-Frame-Options") == "DENY"
    assert answer.header("Cross-Origin-Opener-Policy") == "same-origin"
    assert "script-src 'self'" in answer.header("Content-Security-Policy")
    assert "Traceback" not in answer.text
    if status == 302:
        assert answer.header("Location").startswith(("https://", "/")), answer.header("Location")
        assert not answer.header("Location").startswith("http://")
    if host_key == "a" and path == "/":
        assert hosts["inst_a"].name in answer.text


def test_static_files_come_from_the_web_processes(production, hosts):
    answer = production.request("GET", "/static/css/suite.css", host=hosts["apex"], headers=HTTPS)
    assert answer.status == 200
    assert answer.header("Content-Type").startswith("text/css")
    assert "max-age" in answer.header("Cache-Control")


@pytest.fixture
def person(module_db):
    """A resident whose password the production hashers can check (tests hash with MD5)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from accounts.models import User

    email = f"prod.{uuid.uuid4().hex[:8]}@test.kr"
    user = User.objects.create_user(email=email, password=None, name="운영주민")
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    User.objects.filter(pk=user.pk).update(password=hashed)
    yield email
    with schema_context(Institution.objects.get(slug="testa").schema_name):
        User.objects.filter(pk=user.pk).delete()
    connection.set_schema_to_public()


def test_sign_in_sets_secure_http_only_cookies(production, hosts, person):
    page = production.request("GET", "/accounts/login/", host=hosts["apex"], headers=HTTPS)
    csrf_cookie = next(c for c in page.cookies() if c.startswith("suite_csrftoken="))
    assert "Secure" in csrf_cookie and "SameSite=Lax" in csrf_cookie
    token = csrf_cookie.split(";", 1)[0].split("=", 1)[1]
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    body = f"email={quote(person)}&password={quote(PASSWORD)}&csrfmiddlewaretoken={form_token}"
    signed_in = production.request(
        "POST",
        "/accounts/login/",
        host=hosts["apex"],
        headers={
            **HTTPS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"suite_csrftoken={token}",
            "Referer": "https://localhost/accounts/login/",
            "Origin": "https://localhost",
        },
        body=body,
    )
    assert signed_in.status == 302, re.findall(
        r"<(?:p|li)[^>]*>([^<]*(?:비밀번호|이메일|잠시|동의)[^<]*)<", signed_in.text
    )
    session = next(c for c in signed_in.cookies() if c.startswith("suite_session="))
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session
    # The same form over plain http never gets that far: it is redirected first.
    assert (
        production.request("POST", "/accounts/login/", host=hosts["apex"], body=body).status == 301
    )


def test_api_answers_in_the_error_shape_and_serves_tokens(production, hosts, staff_token):
    anonymous = production.request("GET", "/api/v1/me/", host=hosts["a"], headers=HTTPS)
    assert anonymous.status == 401
    assert json.loads(anonymous.body)["error"]["code"] == "not_authenticated"
    auth = {**HTTPS, "Authorization": f"Bearer {staff_token}"}
    me = production.request("GET", "/api/v1/me/", host=hosts["a"], headers=auth)
    assert me.status == 200 and json.loads(me.body)["email"] == "staff.a@test.kr"
    missing = production.request("GET", "/api/v1/nothing/", host=hosts["a"], headers=auth)
    assert missing.status == 404 and json.loads(missing.body)["error"]["code"] == "not_found"
    unknown = production.request("GET", "/", host="nowhere.localhost", headers=HTTPS)
    assert unknown.status == 404 and "Traceback" not in unknown.text


def test_api_write_with_idempotency_key_through_production(production, hosts, staff_token):
    title = f"운영 재시도 {uuid.uuid4().hex[:6]}"
    headers = {
        **HTTPS,
        "Authorization": f"Bearer {staff_token}",
        "Content-Type": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
    }
    body = json.dumps(
        {
            "title": title,
            "starts_at": "2026-12-01T14:00:00+09:00",
            "ends_at": "2026-12-01T15:00:00+09:00",
        }
    )
    try:
        first = production.request(
            "POST", "/api/v1/events/", host=hosts["a"], headers=headers, body=body
        )
        again = production.request(
            "POST", "/api/v1/events/", host=hosts["a"], headers=headers, body=body
        )
        assert first.status == 201, first.text
        assert again.status == 201 and again.body == first.body
        assert again.header("Idempotent-Replayed") == "true"
        big = production.request(
            "POST",
            "/api/v1/events/",
            host=hosts["a"],
            headers=headers,
            body="x" * (5 * 1024 * 1024),
        )
        assert big.status == 413 and json.loads(big.body)["error"]["code"] == "request_too_large"
        long_query = production.request(
            "GET", "/api/v1/events/?q=" + "x" * 5000, host=hosts["a"], headers=headers
        )
        assert long_query.status == 414
        assert json.loads(long_query.body)["error"]["code"] == "uri_too_long"
        with schema_context(hosts["inst_a"].schema_name):
            assert Event.objects.filter(title=title).count() == 1
    finally:
        with schema_context(hosts["inst_a"].schema_name):
            Event.objects.filter(title=title).delete()
        connection.set_schema_to_public()


PRIVATE_PATHS = [
    "/media/{s}/./private/staff/x.png",
    "/media/{s}/%2e/private/staff/x.png",
    "/media/{s}/%252e/private/staff/x.png",
    "/media/{s}/facilities/../private/staff/x.png",
    "/media/{s}/facilities/%2e%2e/private/staff/x.png",
    "/media/{s}/facilities/..%2fprivate/staff/x.png",
    "/media/{s}//private/staff/x.png",
    "/media/{s}/facilities\\..\\private\\staff\\x.png",
    "/media/{s}/PRIVATE/staff/x.png",
    "/media/{s}/private/staff/x.png/",
]


def test_private_files_stay_private_over_real_http(production, hosts):
    schema = hosts["inst_a"].schema_name
    folder = production.extra["tmp"] / "media" / schema / "private" / "staff"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "x.png").write_bytes(b"SECRET-OVER-HTTP")
    for template in PRIVATE_PATHS:
        path = template.format(s=schema)
        for host in (hosts["apex"], hosts["a"], hosts["b"]):
            answer = production.request("GET", path, host=host, headers=HTTPS)
            assert answer.status >= 300 and b"SECRET" not in answer.body, (
                host,
                path,
                answer.status,
            )
