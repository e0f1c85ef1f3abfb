"""Live processes for the hardening tests: the suite served by gunicorn with the production
settings (as docs/deployment.md describes), the development server as `make run` starts
it, and task workers — each in its own process, against this test run's database.

They see committed data only: tests that talk to them use ``committed_db`` (or the module
fixtures below) and remove what they create. Every process gets an ``application_name``
(PGAPPNAME) so its connections can be counted — and cut, to play a database outage.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent


def test_database_url() -> str:
    """This pytest process's test database, as a DATABASE_URL for other processes."""
    params = connection.settings_dict
    user = quote(params.get("USER") or "postgres")
    password = quote(params.get("PASSWORD") or "")
    host = params.get("HOST") or params.get("OPTIONS", {}).get("host") or ""
    port = params.get("PORT") or ""
    name = params["NAME"]
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{name}?host={quote(host)}" + (
            f"&port={port}" if port else ""
        )
    return f"postgresql://{user}:{password}@{host}:{port or 5432}/{name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Live:
    """One process of the suite listening on 127.0.0.1:port."""

    argv: list[str]
    env: dict
    port: int
    app_name: str
    process: subprocess.Popen | None = None
    log: Path | None = None
    extra: dict = field(default_factory=dict)

    def start(self, *, ready_path: str = "/healthz", timeout: float = 90) -> Live:
        self.process = subprocess.Popen(  # noqa: S603
            self.argv,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log.open("ab") if self.log else subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.argv[:3]} exited: {self.tail()}")
            try:
                self.request("GET", ready_path, host="127.0.0.1", timeout=5)
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.argv[:3]} did not answer: {self.tail()}")

    def tail(self) -> str:
        return (
            self.log.read_text(errors="replace")[-3000:] if self.log and self.log.exists() else ""
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        host: str,
        headers: dict | None = None,
        body: bytes | str | None = None,
        timeout: float = 30,
    ) -> Answer:
        """One HTTP request with ``path`` sent exactly as given (no normalisation)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host)
            data = body.encode() if isinstance(body, str) else body
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            if data is not None:
                conn.putheader("Content-Length", str(len(data)))
            # The server may answer (413) before reading the whole body.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                conn.endheaders(data)
            response = conn.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def suite_env(tmp: Path, *, settings_module: str, app_name: str, **extra) -> dict:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp)),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": test_database_url(),
        "PGAPPNAME": app_name,
        "SUITE_VAR_DIR": str(tmp),
        "EMAIL_FILE_PATH": str(tmp / "mail"),
        "SUITE_DOMAIN": "localhost",
        "LOG_LEVEL": "WARNING",
    }
    if settings_module == "suite.settings.production":
        env.update(
            SECRET_KEY=secrets.token_urlsafe(48),
            CACHE_URL="db://suite_hardening_cache",
            SUITE_PORT="",
        )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def connections_of(app_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [app_name]
        )
        return cursor.fetchone()[0]


@contextmanager
def database_outage(*app_names: str):
    """The test database refuses new connections and drops those of ``app_names``' processes
    (this test's own connection stays, so the test can watch and repair)."""
    name = connection.settings_dict["NAME"]

    def cut():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = ANY(%s)",
                [list(app_names)],
            )

    def allow(value: bool) -> None:
        # A database cannot refuse connections from inside itself: ask from another one.
        with psycopg.connect(test_database_url().replace(f"/{name}", "/postgres", 1)) as other:
            other.autocommit = True
            other.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(value).lower()}')

    allow(False)
    try:
        cut()
        yield cut
    finally:
        allow(True)


def wait_for(predicate, *, timeout: float = 30, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return predicate()


@pytest.fixture(scope="package")
def module_db(django_db_setup, django_db_blocker):
    """Database access for the live processes shared by these modules (commits; clean up
    yourself)."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture(scope="package")
def production(module_db, tmp_path_factory):
    """gunicorn with suite.settings.production behind a (simulated) TLS proxy, as
    docs/deployment.md describes: a real DATABASE_URL, a shared cache, collected static
    files. Answers on 127.0.0.1:<port>; send Host and X-Forwarded-Proto yourself."""
    tmp = tmp_path_factory.mktemp("production")
    app_name = f"suite-prod-{uuid.uuid4().hex[:8]}"
    env = suite_env(tmp, settings_module="suite.settings.production", app_name=app_name)
    # What a release runs (docs/deployment.md): the shared cache's table, static files.
    created = manage(env, "createcachetable")
    assert created.returncode == 0, created.stderr
    # The API docs' bundled Swagger UI and DRF's assets are left out: compressing them takes
    # ~50 s; the pages that use them still render (their files would just be missing).
    collected = manage(
        env,
        "collectstatic",
        "--noinput",
        "-v",
        "0",
        "-i",
        "drf_spectacular_sidecar",
        "-i",
        "rest_framework",
    )
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    server = Live(
        argv=[
            str(VENV_BIN / "gunicorn"),
            "suite.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--limit-request-line",
            "8190",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        env=env,
        port=port,
        app_name=app_name,
        log=tmp / "gunicorn.log",
        extra={"tmp": tmp},
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
