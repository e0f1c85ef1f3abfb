"""Rebuild the portal's search index from every institution's sources."""

import time

from django.core.management.base import BaseCommand, CommandError

from portal import public
from tenants.models import Institution


class Command(BaseCommand):
    help = (
        "Re-create the portal search entries of every institution (or those named) from "
        "their sources and drop stale ones. Run after importing an institution or "
        "changing what is indexed. Personal summaries (bookings, applications) are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="only these institutions (주소 이름)")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand each institution to the task worker instead of rebuilding here",
        )

    def handle(self, *args, **options):
        institutions = Institution.objects.exclude(schema_name="public").order_by("slug")
        if options["slugs"]:
            institutions = institutions.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(institutions.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"unknown institution(s): {', '.join(sorted(missing))}")
        total = {"written": 0, "withdrawn": 0}
        started = time.perf_counter()
        for n, institution in enumerate(institutions, start=1):
            if options["enqueue"]:
                from portal.tasks import rebuild_institution

                rebuild_institution.enqueue(schema_name=institution.schema_name)
                self.stdout.write(f"· {institution.slug}: queued")
                continue
            counts = public.rebuild(institution)
            for key in total:
                total[key] += counts[key]
            if options["verbosity"]:
                self.stdout.write(
                    f"· [{n}] {institution.slug}: {counts['written']} entries"
                    f", {counts['withdrawn']} stale removed"
                )
        if not options["enqueue"] and options["verbosity"]:
            self.stdout.write(
                f"Done: {total['written']} entries, {total['withdrawn']} stale removed "
                f"in {time.perf_counter() - started:.1f}s"
            )
