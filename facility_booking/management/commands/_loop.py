"""Shared loop of the booking commands: every active institution, inline or queued."""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from tenants.current import active_schemas


class InstitutionLoopCommand(BaseCommand):
    task = None  # the django-tasks task taking schema_name
    inline = None  # function(now=None) -> int, run in the current schema
    verb = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue one task per institution for the worker instead of running here.",
        )

    def handle(self, *args, enqueue=False, **options):
        total = 0
        for schema_name in active_schemas():
            if enqueue:
                type(self).task.enqueue(schema_name=schema_name)
                self.stdout.write(f"{schema_name}: queued")
                continue
            with schema_context(schema_name):
                count = type(self).inline()
            total += count
            self.stdout.write(f"{schema_name}: {count} {self.verb}")
        if not enqueue:
            self.stdout.write(self.style.SUCCESS(f"total {total} {self.verb}"))
