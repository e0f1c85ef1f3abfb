"""suite.net.client_ip: one rule for the caller's address across the API, log-in and audit."""

import pytest
from django.test import RequestFactory

from suite.net import client_ip


def _request(**meta):
    return RequestFactory().get("/", **meta)


@pytest.fixture
def proxies(settings):
    def set_count(count):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return set_count


def test_without_trusted_proxies_forwarded_for_is_ignored(proxies):
    proxies(0)
    request = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "10.0.0.1"


def test_one_trusted_proxy_takes_the_last_hop(proxies):
    proxies(1)
    request = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.2")
    assert client_ip(request) == "203.0.113.2"


def test_two_trusted_proxies_take_the_second_hop_from_the_right(proxies):
    proxies(2)
    forwarded = "192.0.2.7, 198.51.100.1, 10.0.0.2"
    request = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == "198.51.100.1"


def test_more_proxies_configured_than_hops_takes_the_leftmost(proxies):
    proxies(3)
    request = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(request) == "203.0.113.5"


def test_malformed_hop_falls_back_to_remote_addr(proxies):
    proxies(1)
    request = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(request) == "10.0.0.1"


def test_no_valid_address_is_none(proxies):
    proxies(0)
    assert client_ip(_request(REMOTE_ADDR="")) is None
    assert client_ip(_request(REMOTE_ADDR="garbage")) is None


def test_ipv6_is_normalised(proxies):
    proxies(0)
    assert client_ip(_request(REMOTE_ADDR="2001:DB8::1")) == "2001:db8::1"
