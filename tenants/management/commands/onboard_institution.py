"""manage.py onboard_institution --slug culture --name "..." --short-name "..." --admin-email a@b.kr"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from tenants.errors import LifecycleError
from tenants.management.commands._common import add_actor_argument, command_error
from tenants.services import cli_actor, institution_onboard


class Command(BaseCommand):
    help = (
        "Onboard an institution: schema cloned from the template, domain, settings, admin invite."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="Host label: <slug>.<apex>.")
        parser.add_argument("--name", required=True, help="Official name (기관 정식 명칭).")
        parser.add_argument("--short-name", required=True, help="Short name (기관 약칭).")
        parser.add_argument("--admin-email", help="First institution admin; gets an invitation.")
        parser.add_argument("--admin-name", default="")
        parser.add_argument("--domain", default="", help="Extra custom domain (optional).")
        parser.add_argument("--reason", default="", help="Recorded in the platform audit log.")
        add_actor_argument(parser)

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            institution = institution_onboard(
                actor=cli_actor(options["actor"]),
                slug=options["slug"],
                name=options["name"],
                short_name=options["short_name"],
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
                custom_domain=options["domain"],
                reason=options["reason"],
            )
        except (ValidationError, LifecycleError) as error:
            raise command_error(error) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{institution.name} ({institution.slug}) 온보딩 완료: {institution.absolute_url()}"
                f" — {time.perf_counter() - started:.2f}s"
            )
        )
