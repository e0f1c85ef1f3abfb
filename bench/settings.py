"""Settings for the benchmark processes: a separate database, a throwaway tenant app.

DATABASE_URL points at the benchmark database (bench/__main__.py creates it).
BENCH_PROBE_DIR, when set, is put on sys.path and its ``bench_probe_app`` added
to the tenant apps, so the benchmark can add "one new migration" without
touching the project's apps.
"""

import os
import sys

from suite.settings.base import *  # noqa: F403
from suite.settings.base import SHARED_APPS, TENANT_APPS

PROBE_DIR = os.environ.get("BENCH_PROBE_DIR")
if PROBE_DIR:
    sys.path.insert(0, PROBE_DIR)
    TENANT_APPS = [*TENANT_APPS, "bench_probe_app"]
    INSTALLED_APPS = SHARED_APPS + [a for a in TENANT_APPS if a not in SHARED_APPS]

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Nothing runs in the background here: the benchmark refills the spare schemas
# itself, outside the timed onboarding (the worker does it in production).
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
if os.environ.get("BENCH_TASKS") == "immediate":
    # The scale benchmark: what the worker would do after each change (the portal index,
    # the spare schemas) happens at once, so the filled world is complete.
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
