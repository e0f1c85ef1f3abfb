"""Ask the gateway about open orders and unfinished refunds of every institution.

Run from cron every few minutes (``--enqueue`` queues one task per institution).
"""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from payments import tasks
from payments.services import reconcile_here
from tenants.current import active_schemas


class Command(BaseCommand):
    help = "Reconcile open payment orders and refunds with the gateway."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args, **options):
        for schema in active_schemas():
            if options["enqueue"]:
                tasks.reconcile.enqueue(schema_name=schema)
                continue
            with schema_context(schema):
                count = reconcile_here()
            self.stdout.write(f"{schema}: {count}")
