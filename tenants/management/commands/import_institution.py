"""manage.py import_institution <archive> --slug <new-slug>"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from tenants.errors import LifecycleError
from tenants.management.commands._common import add_actor_argument, command_error
from tenants.services import cli_actor, institution_import


class Command(BaseCommand):
    help = "Restore an export archive into a new institution (schema cloned from the template)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--slug", required=True, help="Slug of the new institution.")
        parser.add_argument("--name", default="", help="Default: the archived institution's name.")
        parser.add_argument("--short-name", default="")
        parser.add_argument("--reason", default="", help="Recorded in the platform audit log.")
        add_actor_argument(parser)

    def handle(self, *args, **options):
        try:
            institution = institution_import(
                actor=cli_actor(options["actor"]),
                archive_path=options["archive"],
                slug=options["slug"],
                name=options["name"],
                short_name=options["short_name"],
                reason=options["reason"],
            )
        except (ValidationError, LifecycleError) as error:
            raise command_error(error) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{institution.name} ({institution.slug}) 가져오기 완료: {institution.absolute_url()}"
            )
        )
