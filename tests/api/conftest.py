"""Fixtures for the API tests: tokens and clients that send them."""

import pytest
from django.test import Client

from api.throttling import throttle_cache
from api.tokens import token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each API test starts with empty rate-limit counters (they outlive transactions)."""
    throttle_cache().clear()
    yield
    throttle_cache().clear()


@pytest.fixture
def make_token(db):
    """Factory: (ApiToken, plain token) for a person, optionally scoped to an institution."""

    def make(user, *, institution=None, name="테스트 토큰", expires_in_days=None):
        return token_create(
            user=user, name=name, institution=institution, expires_in_days=expires_in_days
        )

    return make


@pytest.fixture
def bearer():
    """Factory: a client on ``host`` that sends ``Authorization: Bearer <raw>``."""

    def make(host: str, raw: str | None = None, **extra) -> Client:
        headers = {"HTTP_HOST": host, **extra}
        if raw is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return Client(**headers)

    return make
