"""Demo data for `make run`: idempotent — running it twice adds nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from suite import demo


class Command(BaseCommand):
    help = "Create the demo institutions, people and each app's demo data (idempotent)."

    def handle(self, *args, **options):
        people = demo.seed_platform()
        for institution in demo.demo_institutions():
            for hook in demo.app_seed_hooks():
                with schema_context(institution.schema_name):
                    hook(institution=institution, people=people.get(institution.slug, {}))
        if options["verbosity"]:
            self.stdout.write(demo.summary_text(settings))
