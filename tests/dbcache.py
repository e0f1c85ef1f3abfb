"""The test database, built once per state of the code and then copied.

Building it means migrating the public schema, migrating the template schema and
onboarding the test world (tests/factories.py): about a minute. The first run builds it
and keeps a copy as ``test_cache_<key>`` on the same PostgreSQL server; later runs (and
the other ``pytest -n`` workers of the same run) create their database from that copy
with ``CREATE DATABASE … TEMPLATE`` in a few seconds. The key is a hash of what can change
what the build produces — every migration, the models, app configs and signal handlers,
the settings and the apps onboarding runs through (``_ONBOARDING``), the test world, the
installed Django and django-tenants — so a change to any of them builds afresh. A new
copy replaces the copies of other keys.

``SUITE_TEST_DB_CACHE=0`` builds without a copy (the way a fresh clone always starts).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

BASE_DIR = Path(settings.BASE_DIR)
PREFIX = "test_cache_"
# Folders that hold no code the build runs; tests/ is left out except the world's builders.
_NOT_BUILD = {".venv", "var", "node_modules", ".git", "tests", "bench", "docs", "locale"}
# Apps whose code runs while the public schema, the template and the test world are made
# (settings, onboarding, people, institution defaults, the portal's signal handlers).
_ONBOARDING = {"suite", "tenants", "accounts", "institution", "portal"}
_BUILDERS = ("tests/factories.py", "tests/conftest.py", "tests/dbcache.py", "pyproject.toml")


def enabled() -> bool:
    return os.environ.get("SUITE_TEST_DB_CACHE", "1") != "0"


def _builds(path: Path) -> bool:
    """Whether ``path`` (relative) can change what the build produces: migrations (and what
    they import), models, app configs and signal handlers, and the apps onboarding runs
    through — not the views, services and templates of the feature apps, so editing those
    keeps the copy."""
    if "migrations" in path.parts or "fixtures" in path.parts:
        return True
    if path.suffix != ".py":
        return False
    return (
        path.parts[0] in _ONBOARDING
        or path.name.startswith("models")
        or "models" in path.parts
        or path.name in ("apps.py", "signals.py")
    )


def build_key() -> str:
    digest = hashlib.sha256()
    files = []
    for folder, subfolders, names in os.walk(BASE_DIR):
        here = Path(folder)
        if here == BASE_DIR:
            subfolders[:] = [d for d in subfolders if d not in _NOT_BUILD]
        subfolders[:] = [d for d in subfolders if d != "__pycache__" and not d.startswith(".")]
        files += [here / n for n in names if _builds((here / n).relative_to(BASE_DIR))]
    files += [BASE_DIR / name for name in _BUILDERS]
    for path in sorted(files):
        digest.update(str(path.relative_to(BASE_DIR)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for package in ("django", "django-tenants"):
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
    return digest.hexdigest()[:16]


@contextmanager
def _build_lock():
    """One process builds; the others wait and then copy its result."""
    folder = BASE_DIR / "var"
    folder.mkdir(exist_ok=True)
    with (folder / ".test-db-cache.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _use(name: str) -> None:
    """Point the default connection (and settings, as Django's create_test_db does) at
    ``name``."""
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def setup(build) -> list:
    """Create this process's test database (``build()`` fills a fresh one); returns the
    configuration ``django.test.utils.teardown_databases`` takes."""
    from django.test.utils import setup_databases

    old_name = connection.settings_dict["NAME"]
    if not enabled():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        build()
        return config
    test_name = connection.creation._get_test_db_name()
    key = build_key()
    cache = PREFIX + key
    with _build_lock():
        if _exists(cache):
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
                cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{cache}"')
            _use(test_name)
        else:
            config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
            build()
            _keep_copy(test_name, cache)
            return config
    return [(connection, old_name, True)]


def _keep_copy(test_name: str, cache: str) -> None:
    """Copy the freshly built database to ``cache`` (nobody may be connected to the source
    meanwhile: this process's connection is closed for it), and drop copies of other keys."""
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{cache}" TEMPLATE "{test_name}"')
        # never opened again: it only serves as a template
        cursor.execute(f'ALTER DATABASE "{cache}" ALLOW_CONNECTIONS false')
        cursor.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s",
            [PREFIX, cache],
        )
        stale = [row[0] for row in cursor.fetchall()]
    for name in stale:
        try:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        except DatabaseError:  # another run is copying it right now: next time, then
            continue
    connection.ensure_connection()
