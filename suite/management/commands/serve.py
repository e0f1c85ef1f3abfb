"""`make run`: set up, start the task worker, serve on 127.0.0.1:8000 until Ctrl-C."""

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Set up the database, seed demo data, run the task worker and the web server."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-seed", action="store_true")

    def handle(self, *args, **options):
        # Ctrl-C and `kill` both end in a clean stop: worker first, then the
        # embedded database (pgserver stops it when the last handle exits).
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        call_command("setup_suite", seed=not options["no_seed"])
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload"]
        )
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
