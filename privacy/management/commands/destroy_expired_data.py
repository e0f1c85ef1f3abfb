from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name, schema_context

from privacy.erasure import institution_schemas
from privacy.retention import destroy_due
from privacy.tasks import destroy_expired_data


class Command(BaseCommand):
    help = (
        "Destroy personal data past its retention period in every institution and the "
        "platform (dormant accounts: notice 30 days before), writing destruction records. "
        "Run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue one task per schema for db_worker."
        )

    def handle(self, *args, enqueue=False, **options):
        schemas = [*institution_schemas(), get_public_schema_name()]
        for schema in schemas:
            if enqueue:
                destroy_expired_data.enqueue(schema_name=schema)
                self.stdout.write(f"{schema}: queued")
                continue
            with schema_context(schema):
                done = destroy_due()
            summary = ", ".join(f"{k} {v}" for k, v in done.items()) or "-"
            self.stdout.write(f"{schema}: {summary}")
