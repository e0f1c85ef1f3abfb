"""manage.py export_institution <slug> [--output PATH]"""

from django.core.management.base import BaseCommand

from tenants.errors import LifecycleError
from tenants.management.commands._common import add_actor_argument, command_error, get_institution
from tenants.services import cli_actor, institution_export


class Command(BaseCommand):
    help = "Export an institution (its schema's data, media and a manifest) to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--output", "-o", help="File or directory (default: var/exports/<slug>-<time>.tar.gz)."
        )
        parser.add_argument("--reason", default="", help="Recorded in the platform audit log.")
        add_actor_argument(parser)

    def handle(self, *args, **options):
        institution = get_institution(options["slug"])
        try:
            result = institution_export(
                actor=cli_actor(options["actor"]),
                institution=institution,
                destination=options["output"],
                reason=options["reason"],
            )
        except LifecycleError as error:
            raise command_error(error) from error
        tables = result.manifest["tables"]
        rows = sum(t["rows"] for t in tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.path} — {len(tables)} tables, {rows} rows, "
                f"{result.manifest['media_files']} files, {result.path.stat().st_size} bytes"
            )
        )
