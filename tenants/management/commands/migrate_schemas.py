"""migrate_schemas: the public schema, then the template, then every institution in parallel.

django-tenants' own command migrates the institutions one after the other and
runs Django's full ``migrate`` in each, even when there is nothing to apply —
the famous "900 tenants, 12 minutes, no migrations" of its issue tracker.
This override:

* migrates the template schema first (new institutions are cloned from it, so
  it must never lag behind — ``tenants.provisioning.assert_template_current``
  refuses to clone a stale one);
* skips institution schemas whose ``django_migrations`` already has every
  leaf migration (one small query per schema instead of a full ``migrate``);
* runs the rest in a pool of forked worker processes (``--parallel N``,
  default: the number of CPUs, at most 4) and shows "institution N of M" on a
  terminal (one line per schema when the output is not a terminal).

``--schema``, ``--shared`` alone and an explicit ``--executor`` keep
django-tenants' behaviour unchanged (``Institution.create_schema`` relies on
``--schema``).
"""

import contextlib
import io
import multiprocessing
import os
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_exists

from suite.dbpool import close_pools
from tenants.provisioning import TEMPLATE_SCHEMA, pending_migrations, qident, refill_spares

CODENAME = "parallel"


def _run(job, allow_atomic: bool):
    """Migrate one schema; never raises (the caller reports failures)."""
    args, options, schema_name, idx, count, echo = job
    started = time.perf_counter()
    buffer = io.StringIO()
    try:
        with (
            contextlib.nullcontext() if echo else redirect_stdout(buffer),
            contextlib.nullcontext() if echo else redirect_stderr(buffer),
        ):
            run_migrations(
                args,
                options,
                CODENAME,
                schema_name,
                allow_atomic=allow_atomic,
                idx=idx,
                count=count,
            )
        return schema_name, True, time.perf_counter() - started, ""
    except BaseException:  # noqa: BLE001 — SystemExit from migrate too
        output = buffer.getvalue() + traceback.format_exc()
        return schema_name, False, time.perf_counter() - started, output
    finally:
        connection.set_schema_to_public()


def _migrate_one(job):
    """Pool worker (a forked process with its own connection)."""
    return _run(job, allow_atomic=False)


def _child_started():
    """Pool initializer: the child's own connections and pool (suite.dbpool forgot the
    parent's at the fork) are closed when it exits, not dropped."""
    from multiprocessing.util import Finalize

    Finalize(None, close_pools, exitpriority=10)


def _migrate_one_in_process(job):
    """Sequential path, inside the caller's transaction when there is one."""
    return _run(job, allow_atomic=True)


class Command(MigrateSchemasCommand):
    help = (
        "Migrate the public schema, the template schema and every institution schema "
        "(institutions in parallel, up-to-date ones skipped)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-skip",
            action="store_true",
            dest="no_skip",
            help="Run migrate in every institution schema, even those already up to date.",
        )

    def handle(self, *args, **options):
        if (
            options.get("schema_name")
            or options.get("executor")
            or (options.get("shared") and not options.get("tenant"))
        ):
            return super().handle(*args, **options)
        self.verbosity = int(options.get("verbosity", 1))
        started = time.perf_counter()
        if not options.get("tenant"):
            self._say("· public schema")
            super().handle(*args, **{**options, "shared": True, "tenant": False})
        self._migrate_template(args, options)
        self._migrate_institutions(args, options)
        self._say(f"· done in {time.perf_counter() - started:.1f}s")
        return None

    # --- steps -------------------------------------------------------------------

    def _say(self, message: str, ending: str = "\n") -> None:
        if self.verbosity >= 1:
            self.stdout.write(message, ending=ending)
            self.stdout.flush()

    def _can_skip(self, args, options) -> bool:
        """Only a plain "bring everything up to date" run may skip schemas."""
        return not (
            args
            or options.get("app_label")
            or options.get("migration_name")
            or options.get("fake")
            or options.get("fake_initial")
            or options.get("plan")
            or options.get("prune")
            or options.get("run_syncdb")
            or options.get("no_skip")
        )

    def _migrate_template(self, args, options) -> None:
        if not schema_exists(TEMPLATE_SCHEMA):
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {qident(TEMPLATE_SCHEMA)}")
        if self._can_skip(args, options) and not pending_migrations(TEMPLATE_SCHEMA):
            self._say(f"· template schema {TEMPLATE_SCHEMA}: up to date")
        else:
            if options.get("check_unapplied"):
                raise SystemExit(1)
            self._say(f"· template schema {TEMPLATE_SCHEMA}")
            MigrateSchemasCommand(stdout=self.stdout, stderr=self.stderr).handle(
                *args,
                **{**options, "schema_name": TEMPLATE_SCHEMA, "shared": False, "tenant": False},
            )
            connection.set_schema_to_public()
        if not (options.get("check_unapplied") or options.get("plan")):
            # Spare clones follow the template: stale ones go, new ones come.
            spares = refill_spares()
            self._say(
                f"· spare schemas: {spares['spares']} ready"
                f" ({spares['created']} cloned, {spares['dropped']} stale dropped)"
            )

    def _institution_schemas(self) -> list[str]:
        names = list(
            get_tenant_model()
            .objects.exclude(schema_name__in=[get_public_schema_name(), TEMPLATE_SCHEMA])
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names or [""]]
            )
            present = {row[0] for row in cursor.fetchall()}
        # Archived institutions whose schema was purged have nothing to migrate.
        return [name for name in names if name in present]

    def _migrate_institutions(self, args, options) -> None:
        schemas = self._institution_schemas()
        todo = schemas
        if self._can_skip(args, options):
            todo = [name for name in schemas if pending_migrations(name)]
            if len(todo) < len(schemas):
                self._say(
                    f"· {len(schemas) - len(todo)} of {len(schemas)} institution schemas "
                    "already up to date"
                )
        if options.get("check_unapplied"):
            if todo:
                self.stderr.write("pending migrations in: " + ", ".join(todo))
                raise SystemExit(1)
            return
        if not todo:
            return
        parallel = options.get("parallel") or getattr(
            settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", None
        )
        parallel = max(1, min(int(parallel or min(os.cpu_count() or 1, 4)), len(todo)))
        self._say(
            f"· institution schemas: {len(todo)} to migrate"
            + (f", {parallel} at a time" if parallel > 1 else "")
        )
        child_options = {
            **options,
            "skip_checks": True,  # the checks ran once, here
            "interactive": False,
            "verbosity": self.verbosity if self.verbosity >= 2 else 0,
            "schema_name": None,
        }
        echo = self.verbosity >= 2
        jobs = [(args, child_options, name, i, len(todo), echo) for i, name in enumerate(todo)]
        if parallel == 1:
            results = (_migrate_one_in_process(job) for job in jobs)
            self._report(results, len(todo))
        else:
            # Forked children must open their own connections: nothing of ours may be open,
            # idle in a pool or shared with them (suite.dbpool also forgets, in each child,
            # whatever the parent still held).
            close_pools()
            context = multiprocessing.get_context("fork")
            with context.Pool(processes=parallel, initializer=_child_started) as pool:
                self._report(pool.imap_unordered(_migrate_one, jobs, chunksize=1), len(todo))
                pool.close()
                pool.join()  # children exit normally, closing their connections
        connection.set_schema_to_public()

    def _report(self, results, total: int) -> None:
        tty = self.stdout.isatty()
        failures = []
        for number, (schema_name, ok, seconds, output) in enumerate(results, 1):
            state = "ok" if ok else "FAILED"
            line = f"  institution {number} of {total}: {schema_name} {state} ({seconds:.1f}s)"
            if not ok:
                failures.append((schema_name, output))
            if tty and ok:
                self._say("\r" + line.ljust(78), ending="" if number < total else "\n")
            else:
                if tty:
                    self._say("")
                self._say(line)
        for schema_name, output in failures:
            self.stderr.write(f"--- {schema_name}\n{output}")
        if failures:
            raise CommandError(
                f"{len(failures)} of {total} institution schemas failed: "
                + ", ".join(name for name, _ in failures)
            )
