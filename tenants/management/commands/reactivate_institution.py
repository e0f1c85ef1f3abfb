"""manage.py reactivate_institution <slug> --reason "..." """

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from tenants.errors import LifecycleError
from tenants.management.commands._common import add_actor_argument, command_error, get_institution
from tenants.services import cli_actor, institution_reactivate


class Command(BaseCommand):
    help = "Reactivate a suspended institution."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--reason", required=True, help="Required; recorded in the audit log.")
        add_actor_argument(parser)

    def handle(self, *args, **options):
        institution = get_institution(options["slug"])
        try:
            institution_reactivate(
                actor=cli_actor(options["actor"]), institution=institution, reason=options["reason"]
            )
        except (ValidationError, LifecycleError) as error:
            raise command_error(error) from error
        self.stdout.write(self.style.SUCCESS(f"{institution.name} ({institution.slug}): 재개"))
