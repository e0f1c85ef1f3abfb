"""`make run`: set up, start the task worker, serve on 127.0.0.1:SUITE_PORT (8000; `PORT=8101
make run` for another) until Ctrl-C. Links, redirects, e-mails and the banner use the same
setting.

The worker runs in its own process, watched by a thread: if it exits — whatever the
reason — it is started again (after 1 s, then longer up to 30 s while it keeps failing at
once), and the restart is printed. In production systemd does the same (docs/deployment.md).
"""

import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def addrport(given: str = "") -> str:
    """Where to listen: ``given``, else 127.0.0.1 on the port every link is built with."""
    return given or f"127.0.0.1:{settings.SUITE_PORT or 8000}"


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class WorkerSupervisor(threading.Thread):
    """Keeps one worker process running until ``stop()``; restarts it when it exits."""

    def __init__(self, command: list[str], *, log=print, max_backoff: float = 30.0):
        super().__init__(daemon=True, name="worker-supervisor")
        self.command = command
        self.log = log
        self.max_backoff = max_backoff
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    def _start(self) -> None:
        with self._lock:
            if not self._stopping.is_set():
                self.process = subprocess.Popen(self.command)  # noqa: S603

    def run(self) -> None:
        backoff = 0.0
        self._start()
        while not self._stopping.is_set():
            process = self.process
            if process is None:
                return
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            # A worker that ran a good while gets restarted at once; one that keeps dying
            # right away, with a growing pause (so a broken setup does not spin).
            backoff = (
                1.0
                if time.monotonic() - started > 60
                else min(self.max_backoff, backoff * 2 or 1.0)
            )
            self.restarts += 1
            self.log(
                f"작업 워커가 종료되었습니다 (코드 {code}). {backoff:.0f}초 후 다시 시작합니다."
            )
            if self._stopping.wait(backoff):
                return
            self._start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        with self._lock:
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.join(timeout=timeout)


class Command(BaseCommand):
    help = "Set up the database, seed demo data, run the task worker and the web server."

    def add_arguments(self, parser):
        parser.add_argument(
            "--addrport",
            default="",
            help="address:port to serve on (default 127.0.0.1 and the SUITE_PORT setting)",
        )
        parser.add_argument("--no-seed", action="store_true")

    def handle(self, *args, **options):
        # Ctrl-C and `kill` both end in a clean stop: worker first, then the
        # embedded database (pgserver stops it when the last handle exits).
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        call_command("setup_suite", seed=not options["no_seed"])
        supervisor = WorkerSupervisor(
            [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload"],
            log=lambda line: self.stderr.write(line),
        )
        supervisor.start()
        try:
            call_command("runserver", addrport(options["addrport"]), use_reloader=False)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            supervisor.stop()
