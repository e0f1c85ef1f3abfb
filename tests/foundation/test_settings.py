"""Production settings refuse unsafe configuration; secure cookies are on."""

import os
import subprocess
import sys

from django.conf import settings as django_settings

BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "suite.settings.production",
    "DATABASE_URL": "postgres://suite@127.0.0.1:1/suite",  # never connected to
    "CACHE_URL": "db://suite_cache",  # production refuses a per-process cache
    "PATH": os.environ.get("PATH", ""),
}
CHECK = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_COOKIE_SECURE)"


def _run(**env):
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )


def test_production_refuses_debug():
    result = _run(DEBUG="1", SECRET_KEY="x" * 50)
    assert result.returncode != 0 and "DEBUG must be off" in result.stderr


def test_production_refuses_the_development_secret():
    result = _run(SECRET_KEY="dev-only-insecure-key-never-use-in-production")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    assert _run().returncode != 0


def test_production_starts_with_a_real_secret_and_secure_cookies():
    result = _run(SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_defaults_are_korean_and_seoul():
    assert django_settings.LANGUAGE_CODE == "ko"
    assert django_settings.TIME_ZONE == "Asia/Seoul"
