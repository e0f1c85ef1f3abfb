"""`make run`: set up, start the task worker, serve on 127.0.0.1:8000 until Ctrl-C."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Set up the database, seed demo data, run the task worker and the web server."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-seed", action="store_true")

    def handle(self, *args, **options):
        call_command("setup_suite", seed=not options["no_seed"])
        worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval", "1"])  # noqa: S603
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
