"""manage.py delete_institution <slug> --reason "..." [--force] [--purge]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from tenants.errors import LifecycleError
from tenants.management.commands._common import add_actor_argument, command_error, get_institution
from tenants.services import cli_actor, institution_delete


class Command(BaseCommand):
    help = (
        "Delete an institution: archived (hosts answer 410), refused unless an export exists "
        "(or --force); --purge also drops its schema."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--reason", required=True, help="Required; recorded in the audit log.")
        parser.add_argument(
            "--force", action="store_true", help="Delete even though no export was recorded."
        )
        parser.add_argument(
            "--purge",
            action="store_true",
            help="Also drop the schema and its data (cannot be undone; the row stays archived).",
        )
        add_actor_argument(parser)

    def handle(self, *args, **options):
        institution = get_institution(options["slug"])
        try:
            institution_delete(
                actor=cli_actor(options["actor"]),
                institution=institution,
                reason=options["reason"],
                force=options["force"],
                purge=options["purge"],
            )
        except (ValidationError, LifecycleError) as error:
            raise command_error(error) from error
        what = "보관 및 스키마 영구 삭제" if options["purge"] else "보관(삭제) 처리"
        self.stdout.write(self.style.SUCCESS(f"{institution.name} ({institution.slug}): {what}"))
