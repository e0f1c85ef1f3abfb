"""The database and in-process caches are not culled at Django's default 300 entries: one
table holds host lookups, sign-in tickets and rate-limit counters for everyone."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.cache import caches

from suite.settings.base import cache_backend

CHECK = (
    "import django; django.setup(); from django.core.cache import caches; "
    "print(*[(caches[a]._max_entries, caches[a]._cull_frequency) "
    "for a in ('default', 'throttle', 'platform', 'security')])"
)


def _run(**env):
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        env={
            "DJANGO_SETTINGS_MODULE": "suite.settings.dev",
            "PATH": os.environ.get("PATH", ""),
            "CACHE_URL": "db://suite_cache",
            **env,
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def test_configured_caches_keep_many_entries():
    for alias in ("default", "throttle", "platform", "security"):
        cache = caches[alias]
        assert cache._max_entries == settings.CACHE_MAX_ENTRIES >= 100_000
        assert cache._cull_frequency == settings.CACHE_CULL_FREQUENCY == 10


def test_database_cache_url_gets_the_limits():
    entry = cache_backend("db://suite_cache", alias="default")
    assert entry["BACKEND"].endswith("DatabaseCache")
    assert entry["OPTIONS"] == {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 10}
    # Redis and memcached evict by memory: no options they would not understand.
    assert "OPTIONS" not in cache_backend("redis://127.0.0.1:6379/0", alias="default")


def test_limits_come_from_the_environment():
    result = _run(CACHE_MAX_ENTRIES="250000", CACHE_CULL_FREQUENCY="4")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0].count("(250000, 4)") == 4


def test_a_tiny_or_wholesale_cull_is_refused():
    for env in ({"CACHE_MAX_ENTRIES": "300"}, {"CACHE_CULL_FREQUENCY": "0"}):
        result = _run(**env)
        assert result.returncode != 0 and "CACHE_MAX_ENTRIES" in result.stderr
