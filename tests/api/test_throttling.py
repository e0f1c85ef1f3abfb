"""Rate limits: per person across the whole platform, per IP for anonymous callers and log-in."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    """Factory: set the throttle rates for this test (read at request time)."""

    def set_rates(**rates):
        current = dict(settings.REST_FRAMEWORK)
        current["DEFAULT_THROTTLE_RATES"] = {
            **current["DEFAULT_THROTTLE_RATES"],
            **rates,
        }
        settings.REST_FRAMEWORK = current

    return set_rates


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = "tests.api.urls_errors"


def assert_throttled(response):
    assert response.status_code == 429, response.content
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert error["fields"] == {}
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Retry-After"] in error["message"]


def test_person_limit_is_one_budget_across_institutions(world, rates, make_token, bearer):
    """Spreading calls over hosts does not multiply a person's limit."""
    rates(user="3/min")
    _token, raw = make_token(world.admin_a)
    hosts = [world.inst_a.primary_host, world.inst_b.primary_host, "localhost"]
    for host in hosts:
        assert bearer(host, raw).get("/api/v1/me/").status_code == 200
    assert_throttled(bearer(world.inst_a.primary_host, raw).get("/api/v1/me/"))
    assert_throttled(bearer("localhost", raw).get("/api/v1/me/"))


def test_session_and_token_share_the_persons_budget(world, rates, make_token, bearer, apex):
    rates(user="2/min")
    _token, raw = make_token(world.resident)
    assert bearer("localhost", raw).get("/api/v1/me/").status_code == 200
    assert apex(world.resident).get("/api/v1/me/").status_code == 200
    assert_throttled(apex(world.resident).get("/api/v1/me/"))


def test_one_persons_limit_does_not_touch_another(world, rates, make_token, bearer):
    rates(user="1/min")
    _t1, raw1 = make_token(world.resident)
    _t2, raw2 = make_token(world.resident2)
    assert bearer("localhost", raw1).get("/api/v1/me/").status_code == 200
    assert_throttled(bearer("localhost", raw1).get("/api/v1/me/"))
    assert bearer("localhost", raw2).get("/api/v1/me/").status_code == 200


def test_anonymous_limit_per_ip_across_hosts(world, rates, test_urls):
    rates(anon="2/min")
    first = Client(HTTP_HOST="testa.localhost", REMOTE_ADDR="192.0.2.1")
    second_host = Client(HTTP_HOST="testb.localhost", REMOTE_ADDR="192.0.2.1")
    other_ip = Client(HTTP_HOST="testa.localhost", REMOTE_ADDR="192.0.2.2")
    assert first.get("/api/test/ping/").status_code == 200
    assert first.get("/api/test/ping/").status_code == 200
    assert_throttled(first.get("/api/test/ping/"))
    # testb's host uses the institution URLconf too; its own API answers the same way
    assert_throttled(second_host.get("/api/schema/"))
    assert other_ip.get("/api/test/ping/").status_code == 200


def test_forged_forwarded_for_buys_no_new_budget(world, rates, test_urls):
    rates(anon="1/min")
    assert Client(HTTP_HOST="testa.localhost").get("/api/test/ping/").status_code == 200
    forged = Client(HTTP_HOST="testa.localhost", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert_throttled(forged.get("/api/test/ping/"))


def test_trusted_proxy_forwarded_for_is_used(world, rates, test_urls, settings):
    rates(anon="1/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def via_proxy(client_ip):
        return Client(
            HTTP_HOST="testa.localhost",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.1, {client_ip}",
        )

    assert via_proxy("203.0.113.1").get("/api/test/ping/").status_code == 200
    assert_throttled(via_proxy("203.0.113.1").get("/api/test/ping/"))
    assert via_proxy("203.0.113.2").get("/api/test/ping/").status_code == 200


def test_login_limit_is_stricter_and_counts_signed_in_callers_too(
    world, rates, test_urls, make_token, bearer
):
    rates(login="2/min", user="100/min", anon="100/min")
    _token, raw = make_token(world.resident)
    client = bearer("testa.localhost", raw)
    assert client.post("/api/test/login/").status_code == 200
    assert Client(HTTP_HOST="testa.localhost").post("/api/test/login/").status_code == 200
    assert_throttled(client.post("/api/test/login/"))


def test_throttled_counters_live_outside_the_schema_keyed_cache(world, rates, make_token, bearer):
    """Counters are in the 'throttle' cache, whose keys carry no schema name."""
    from django.conf import settings

    from api.throttling import throttle_cache

    assert "KEY_FUNCTION" not in settings.CACHES["throttle"]
    rates(user="5/min")
    token, raw = make_token(world.resident)
    bearer(world.inst_a.primary_host, raw).get("/api/v1/me/")
    assert len(throttle_cache().get(f"throttle_user_{world.resident.pk}")) == 1
