"""Send every due notification: quiet-hour holds, retries, claims of dead workers.

Run from cron every minute (``--enqueue`` hands it to db_worker instead).
"""

from django.core.management.base import BaseCommand

from notifications import services, tasks


class Command(BaseCommand):
    help = "Send due notifications (quiet-hour holds, retries, recovered claims)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args, **options):
        if options["enqueue"]:
            tasks.sweep.enqueue()
            self.stdout.write("queued")
            return
        sent = services.sweep()
        self.stdout.write(f"sent {sent}")
