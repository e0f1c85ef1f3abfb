"""Bring the database to a working state: public schema, template, every institution.

Used by `make run` and safe to run any number of times.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.provisioning import ensure_template_schema


class Command(BaseCommand):
    help = "Migrate the public schema, the template schema and every institution schema; optionally seed demo data."

    def add_arguments(self, parser):
        parser.add_argument("--seed", action="store_true", help="Seed the demo data (idempotent).")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        self.stdout.write("· public schema")
        call_command(
            "migrate_schemas", shared=True, interactive=False, verbosity=max(verbosity - 1, 0)
        )
        self.stdout.write("· template schema")
        ensure_template_schema(verbosity=max(verbosity - 1, 0))
        self.stdout.write("· institution schemas")
        call_command(
            "migrate_schemas", tenant=True, interactive=False, verbosity=max(verbosity - 1, 0)
        )
        # CACHE_URL=db://<table>: the shared cache's table (nothing to do for other caches).
        call_command("createcachetable", verbosity=max(verbosity - 1, 0))
        if options["seed"]:
            call_command("seed_demo", verbosity=verbosity)
