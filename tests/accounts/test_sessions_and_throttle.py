"""Sessions end when idle (staff) or too old (everyone); a person sees their signed-in
devices and signs out everywhere; failed log-ins lock the account and the IP across
hosts and processes (a shared cache), with the wait shown; weak passwords are refused."""

import time

import pytest
from django.db import connection
from django.test import Client

from accounts.models import User, UserSession
from accounts.sessions import AUTH_AT, SEEN_AT
from tests.factories import PASSWORD


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"seen": SEEN_AT, "auth": AUTH_AT}[key]] = now - ago
    session.save()


def test_staff_are_signed_out_after_the_idle_limit(world, on_host, settings):
    settings.SESSION_IDLE_SECONDS = 1800
    client = on_host(world.inst_a, world.staff_a)
    assert client.get("/staff/").status_code == 200
    _age_session(client, seen=1801)
    response = client.get("/staff/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_residents_have_no_idle_limit_but_an_absolute_one(world, apex, settings):
    client = apex(world.resident)
    _age_session(client, seen=4 * 3600)
    assert client.get("/accounts/profile/").status_code == 200
    settings.SESSION_ABSOLUTE_SECONDS = 12 * 3600
    _age_session(client, auth=12 * 3600 + 5)
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_session_limits_cost_no_query_on_a_page_view(world, on_host):
    """Staff status is decided at sign-in and activity written at most once a minute, so a
    page view right after signing in neither reads memberships nor writes the session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = on_host(world.inst_a, world.staff_a)
    seen = client.session[SEEN_AT]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/profile/").status_code == 200
    statements = " ".join(q["sql"] for q in queries.captured_queries)
    assert 'UPDATE "django_session"' not in statements
    assert "accounts_usersession" not in statements
    assert client.session[SEEN_AT] == seen


def test_devices_listed_and_signed_out_everywhere(world, apex):
    laptop = Client(
        HTTP_HOST="localhost", HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Chrome/131.0"
    )
    phone = Client(HTTP_HOST="localhost", HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/605.1")
    for client in (laptop, phone):
        client.post("/accounts/login/", {"email": "resident2@test.kr", "password": PASSWORD})
        assert client.session.get("_auth_user_id")
    page = laptop.get("/accounts/security/").content.decode()
    assert "Chrome · Windows" in page and "Safari · iPhone" in page and "지금 이 기기" in page
    assert UserSession.objects.filter(user=world.resident2).count() == 2
    # This one stays, every other one ends.
    response = laptop.post("/accounts/sessions/end-all/", {"keep": "1"})
    assert response.status_code == 302
    assert laptop.get("/accounts/profile/").status_code == 200
    assert phone.get("/accounts/profile/").status_code == 302
    # Then everywhere, this one too.
    laptop.post("/accounts/sessions/end-all/")
    assert laptop.get("/accounts/profile/").status_code == 302


def test_one_device_can_be_signed_out_but_not_someone_elses(world):
    mine = Client(HTTP_HOST="localhost")
    other = Client(HTTP_HOST="localhost")
    mine.post("/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD})
    other.post("/accounts/login/", {"email": "resident2@test.kr", "password": PASSWORD})
    theirs = UserSession.objects.get(user=world.resident2)
    mine.post(f"/accounts/sessions/{theirs.pk}/end/")
    assert other.get("/accounts/profile/").status_code == 200
    assert mine.get(f"/accounts/sessions/{theirs.pk}/end/").status_code == 405


def _fail(host: str, email: str, ip: str = "198.51.100.7", **extra):
    return Client(HTTP_HOST=host, REMOTE_ADDR=ip, **extra).post(
        "/accounts/login/", {"email": email, "password": "wrong-password"}
    )


def test_account_lockout_holds_across_hosts_and_tells_the_wait(world, settings):
    settings.LOGIN_RATE_LIMIT = 3
    _fail("localhost", "resident@test.kr")
    _fail("127.0.0.1", "resident@test.kr", ip="203.0.113.50")  # another apex name, another IP
    _fail(world.inst_a.primary_host, "resident@test.kr")  # redirected to the apex: no count
    _fail("localhost", "resident@test.kr", ip="203.0.113.51")
    response = Client(HTTP_HOST="localhost", REMOTE_ADDR="192.0.2.9").post(
        "/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD}
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert "로그인 시도가 너무 많아" in body and "분 후에 다시 시도해 주세요" in body
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_LOCKOUT_SECONDS
    # The counters live in the shared PostgreSQL cache, not in this process.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM suite_security_cache WHERE cache_key LIKE %s", ["%lock%"]
        )
        assert cursor.fetchone()[0] >= 1
    # Another account is not affected.
    ok = Client(HTTP_HOST="localhost", REMOTE_ADDR="192.0.2.9").post(
        "/accounts/login/", {"email": "resident2@test.kr", "password": PASSWORD}
    )
    assert ok.status_code == 302


def test_ip_lockout_spans_accounts(world, settings):
    settings.LOGIN_IP_RATE_LIMIT = 3
    for n in range(3):
        _fail("localhost", f"nobody{n}@test.kr", ip="198.51.100.99")
    response = Client(HTTP_HOST="localhost", REMOTE_ADDR="198.51.100.99").post(
        "/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD}
    )
    assert response.status_code == 429
    other_ip = Client(HTTP_HOST="localhost", REMOTE_ADDR="198.51.100.100").post(
        "/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD}
    )
    assert other_ip.status_code == 302


def test_forged_forwarded_for_buys_no_fresh_budget(world, settings):
    settings.LOGIN_IP_RATE_LIMIT = 3
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    for n in range(3):
        _fail("localhost", f"x{n}@test.kr", ip="198.51.100.5", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    response = Client(
        HTTP_HOST="localhost", REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_FOR="10.9.9.200"
    ).post("/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD})
    assert response.status_code == 429


def test_behind_a_trusted_proxy_clients_are_told_apart(world, settings):
    settings.LOGIN_IP_RATE_LIMIT = 3
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for n in range(3):
        _fail("localhost", f"y{n}@test.kr", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    other_client = Client(
        HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2"
    ).post("/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD})
    assert other_client.status_code == 302


def test_successful_sign_ins_are_not_counted(world, settings):
    settings.LOGIN_IP_RATE_LIMIT = 3
    settings.LOGIN_RATE_LIMIT = 3
    for _ in range(6):
        response = Client(HTTP_HOST="localhost", REMOTE_ADDR="198.51.100.20").post(
            "/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD}
        )
        assert response.status_code == 302


@pytest.mark.parametrize(
    "password", ["password123!", "qwer1234!", "P@ssw0rd1", "1q2w3e4r!", "aaaa1111", "iloveyou2026"]
)
def test_common_passwords_and_their_disguises_are_refused(world, apex, password):
    response = apex().post(
        "/accounts/signup/",
        {
            "name": "새주민",
            "email": "weak@test.kr",
            "password1": password,
            "password2": password,
            "consent_signup_required": "on",
        },
    )
    assert response.status_code == 400
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="weak@test.kr").exists()


def test_phone_needs_its_optional_consent(world, apex):
    data = {
        "name": "새주민",
        "email": "phone@test.kr",
        "phone": "010-2222-3333",
        "password1": "river-stone-8421",
        "password2": "river-stone-8421",
        "consent_signup_required": "on",
    }
    response = apex().post("/accounts/signup/", data)
    assert response.status_code == 400 and "연락처를 입력하려면" in response.content.decode()
    assert not User.objects.filter(email="phone@test.kr").exists()
    data.pop("phone")
    assert apex().post("/accounts/signup/", data).status_code == 302


def test_required_consent_missing_stores_nothing(world, apex):
    response = apex().post(
        "/accounts/signup/",
        {
            "name": "새주민",
            "email": "noconsent@test.kr",
            "password1": "river-stone-8421",
            "password2": "river-stone-8421",
        },
    )
    assert response.status_code == 400 and "필수 동의 항목" in response.content.decode()
    assert not User.objects.filter(email="noconsent@test.kr").exists()


def test_signup_page_shows_required_and_optional_consents_apart(world, apex):
    body = apex().get("/accounts/signup/").content.decode()
    required, optional = body.index("필수 동의"), body.index("선택 동의")
    assert required < optional
    for words in ("수집 항목", "수집·이용 목적", "보유·이용 기간", "개인정보 처리방침"):
        assert words in body
