"""Tests: the embedded database, in-memory e-mail, tasks run at once."""

import os

from suite.settings.base import *  # noqa: F403
from suite.settings.base import DATABASES

# Each pytest process gets its own test database so parallel runs never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_suite_{os.getpid()}"}
# Tests keep one connection per thread for the whole run (the per-test transaction lives on
# it); the pool is exercised by the live-server tests (tests/hardening), which run the
# development and production settings in their own processes.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # as before the pool: one per thread
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DEBUG = False
