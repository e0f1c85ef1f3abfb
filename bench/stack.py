"""The suite run as in production (docs/deployment.md): gunicorn with several workers,
static files from WhiteNoise, the task worker, production settings (hosts aside).

Used by `make serve-prod` (bench/serve_prod.py) and by the load and fault benchmarks,
which point it at a PostgreSQL cluster of their own.
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import threading
import time
from pathlib import Path

from bench.common import ROOT, VAR, Process, manage, wait_for_http

SETTINGS = "bench.prod_settings"


def secret_key(path: Path = VAR / "serve-prod-secret") -> str:
    """A random SECRET_KEY kept under var/ (gitignored), the same across restarts."""
    if os.environ.get("SECRET_KEY") and len(os.environ["SECRET_KEY"]) >= 32:
        return os.environ["SECRET_KEY"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def environment(database_url: str, port: int, **extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key(),
        "CACHE_URL": os.environ.get("CACHE_URL", "db://suite_cache"),
        "SUITE_DOMAIN": "localhost",
        "SUITE_PORT": str(port),
        "ALLOWED_HOSTS": "localhost,.localhost,127.0.0.1",
        "SUITE_APEX_ALIASES": "127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def prepare(env: dict, *, seed: bool = True) -> None:
    """As on every release: static files collected, every schema migrated, the cache table."""
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "setup_suite", *(["--seed"] if seed else []), "--verbosity", "0")
    manage(env, "createcachetable")


class Stack:
    """gunicorn (``workers`` processes) on 127.0.0.1:port and one task worker that is
    restarted when it exits, as systemd would."""

    def __init__(
        self,
        env: dict,
        port: int,
        *,
        workers: int = 4,
        logs: Path = VAR / "logs",
        gunicorn_args: tuple[str, ...] = (),
    ):
        self.env, self.port, self.workers = env, port, workers
        self.logs = logs
        self.web = Process(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "suite.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "10",
                "--access-logfile",
                "-",
                "--access-logformat",
                '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
                *gunicorn_args,  # e.g. the worker class and threads (bench/booking_rush.py)
            ],
            env,
            logs / f"gunicorn-{port}.log",
        )
        self.task_worker = self._worker()
        self.worker_restarts = 0
        self._watch = threading.Event()
        self._watcher: threading.Thread | None = None

    def _worker(self) -> Process:
        return Process(
            "db_worker",
            [sys.executable, "manage.py", "db_worker", "--interval", "0.5", "--no-reload"],
            self.env,
            self.logs / f"worker-{self.port}.log",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> float:
        started = time.perf_counter()
        self.web.start()
        self.task_worker.start()
        self._watch.set()
        self._watcher = threading.Thread(target=self._keep_worker, daemon=True)
        self._watcher.start()
        wait_for_http(f"{self.url}/healthz", host="localhost", timeout=timeout)
        return time.perf_counter() - started

    def _keep_worker(self) -> None:
        while self._watch.is_set():
            if not self.task_worker.alive():
                time.sleep(1)
                if not self._watch.is_set():
                    return
                self.worker_restarts += 1
                self.task_worker = self._worker().start()
            time.sleep(0.5)

    def kill_worker(self) -> int:
        """SIGKILL the task worker (the watcher starts a new one); the killed pid."""
        pid = self.task_worker.pid
        self.task_worker.signal(signal.SIGKILL)
        return pid

    def stop(self) -> None:
        self._watch.clear()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        self.task_worker.stop()
        self.web.stop()

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
