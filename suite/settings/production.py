"""Production: refuses to start with DEBUG on, the development secret, the embedded
database or a per-process cache."""

import os

from django.core.exceptions import ImproperlyConfigured

# Checked before the base settings load: without DATABASE_URL they would start the
# embedded PostgreSQL (pgserver under var/), which is for development only.
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "Set DATABASE_URL to your PostgreSQL server: production never runs on the embedded "
        "database (docs/deployment.md)."
    )

from suite.settings.base import *  # noqa: E402,F403
from suite.settings.base import (  # noqa: E402
    CACHES,
    DEBUG,
    DEVELOPMENT_SECRET_KEY,
    MIDDLEWARE,
    SECRET_KEY,
    SPECTACULAR_SETTINGS,
    STORAGES,
)

# Rate limits, log-in lockouts and sign-in tickets must be shared by every web process
# and host: a cache that lives inside one process would give each worker its own budget.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)
for _alias, _cache in CACHES.items():
    if _cache.get("BACKEND") in PER_PROCESS_CACHES:
        raise ImproperlyConfigured(
            f"CACHES[{_alias!r}] is per process ({_cache['BACKEND'].rsplit('.', 1)[-1]}): set "
            "CACHE_URL to a shared cache (redis://…, memcached://…, or db://<table> for "
            "PostgreSQL) — docs/configuration.md."
        )

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG).")
if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of 32+ characters.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The HSTS header asks to be preloaded (with includeSubDomains and a year, as the list
# requires); submitting the domain to hstspreload.org stays a decision of the operator.
SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "1") != "0"
# Load balancers probe the app directly over plain HTTP: no redirect for the health checks.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SUITE_SCHEME = "https"

# drf-spectacular's deploy check generates the API schema once more without a request or a
# host, which is not how it is served (per host, tests/api/test_schema_docs.py checks every
# operation there): what it reports are schema-quality notes for development, not
# deployment settings, so `check --deploy` keeps to the latter.
SPECTACULAR_SETTINGS = {**SPECTACULAR_SETTINGS, "ENABLE_DJANGO_DEPLOY_CHECK": False}

# Static files straight from the web processes (WhiteNoise): compressed copies and
# far-future caching, no separate file server needed. `manage.py collectstatic` on every
# release (docs/deployment.md); a CDN or the proxy may still sit in front.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
