"""Tests: the embedded database, in-memory e-mail, tasks run at once."""

import os

from suite.settings.base import *  # noqa: F403
from suite.settings.base import DATABASES

# Each pytest process gets its own test database so parallel runs never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_suite_{os.getpid()}"}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DEBUG = False
