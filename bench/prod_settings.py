"""Settings of `make serve-prod`: production's, hosts aside.

``suite.settings.production`` as it stands (DEBUG off, secure cookies, HSTS, the
shared cache, the connection pool, WhiteNoise) — with the hosts of this machine from
the environment (``SUITE_DOMAIN=localhost``, ``SUITE_PORT``). Production sits behind
a TLS proxy that sends ``X-Forwarded-Proto: https``; the load generator sends it too.

``SERVE_PROD_PLAIN_HTTP=1`` is for a person looking with a browser on
http://localhost:PORT without a proxy: no redirect to https and cookies without the
``Secure`` flag, nothing else changed.
"""

import os

from suite.settings.production import *  # noqa: F403

if os.environ.get("SERVE_PROD_PLAIN_HTTP") == "1":
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0
    SUITE_SCHEME = "http"

# The fault benchmarks shorten how long the task worker waits before it hands over the
# tasks of a worker that stopped beating (production: 60 s), to measure it in seconds.
if os.environ.get("SUITE_WORKER_DEAD_AFTER"):
    SUITE_WORKER_DEAD_AFTER = int(os.environ["SUITE_WORKER_DEAD_AFTER"])
if os.environ.get("SUITE_WORKER_HOUSEKEEPING"):
    SUITE_WORKER_HOUSEKEEPING = int(os.environ["SUITE_WORKER_HOUSEKEEPING"])
