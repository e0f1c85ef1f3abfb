"""`migrate_schemas` over many institution schemas: nothing to apply (ours, --no-skip,
django-tenants' standard executor) and one new migration (a throwaway app)."""

import shutil
import tempfile
import textwrap
import time
from pathlib import Path

from bench.common import django_env, figure, manage, query, scratch_database, worker

TITLE = "migrate_schemas over many institution schemas"
DB_NAME = "bench_migrations"

PROBE_MODELS = '''
from django.db import models


class Probe(models.Model):
    """A throwaway model: the benchmark's "one new migration"."""

    label = models.CharField(max_length=20, default="")

    class Meta:
        app_label = "bench_probe_app"
'''

PROBE_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Probe",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("label", models.CharField(default="", max_length=20)),
            ],
        ),
    ]
"""


def add_arguments(group) -> None:
    group.add_argument("--schemas", type=int, default=100, help="institution schemas in total")


def attempt(failures: dict, key: str, env: dict, *args) -> float | None:
    """A comparison run: its time, or None with the error kept (the others still run)."""
    try:
        return manage(env, *args)[0]
    except RuntimeError as error:
        failures[key] = str(error)[-1500:]
        return None


def make_probe_app(directory: Path) -> Path:
    app = directory / "bench_probe_app"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    return app


def run(args) -> dict:
    schemas = 10 if args.quick else args.schemas
    scratch = Path(tempfile.mkdtemp(prefix="bench-probe-"))
    probe = make_probe_app(scratch)
    try:
        with scratch_database(DB_NAME) as url:
            env = django_env(
                url,
                BENCH_PROBE_DIR=scratch,
                SUITE_VAR_DIR=scratch / "var",
                PYTHONPATH=f"{Path(__file__).resolve().parent.parent}:{scratch}",
            )
            worker(env, "setup")
            print(f"· filling {schemas} institutions (cloned)", flush=True)
            started = time.perf_counter()
            populate = worker(env, "populate", schemas)
            populate["seconds"] = time.perf_counter() - started
            total = populate["total"]
            startup, _ = manage(env, "check")
            print(f"· migrate_schemas --tenant over {total} schemas, nothing to apply", flush=True)
            noop, out = manage(env, "migrate_schemas", "--tenant")
            failures = {}
            noop_all = attempt(failures, "no-skip", env, "migrate_schemas", "--tenant", "--no-skip")
            noop_standard = attempt(
                failures, "standard", env, "migrate_schemas", "--tenant", "--executor=standard"
            )
            print("· one new migration", flush=True)
            (probe / "models.py").write_text(textwrap.dedent(PROBE_MODELS))
            (probe / "migrations" / "0001_initial.py").write_text(textwrap.dedent(PROBE_MIGRATION))
            one = attempt(failures, "one new migration", env, "migrate_schemas", "--tenant")
            applied = query(
                url,
                "SELECT COUNT(*) FROM information_schema.tables"
                " WHERE table_name = 'bench_probe_app_probe'",
            )[0][0]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "schemas": total,
        "populate": populate,
        "startup": startup,
        "noop": noop,
        "noop_all": noop_all,
        "noop_standard": noop_standard,
        "one": one,
        "one_applied_in": applied,
        "failures": failures,
        "figures": [
            figure(
                f"nothing to apply, {total} schemas (ours)",
                noop,
                "s",
                target="< 30 s",
                met=noop < 30,
            ),
            figure(
                "nothing to apply, `--no-skip` (migrate in every schema)",
                noop_all if noop_all is not None else "failed",
                "s" if noop_all is not None else "",
                target="runs",
                met=noop_all is not None,
            ),
            figure(
                "nothing to apply, django-tenants' standard executor",
                noop_standard if noop_standard is not None else "failed",
                "s" if noop_standard is not None else "",
                target="runs",
                met=noop_standard is not None,
            ),
            figure(
                f"one new migration (template + {total} schemas)",
                one if one is not None else "failed",
                "s" if one is not None else "",
                target=f"applied in all {total} schemas",
                met=applied >= total + 1,
                note=f"table present in {applied} schemas",
            ),
            figure("`manage.py check` (process start-up)", startup, "s"),
        ],
    }


def details(result: dict) -> str:
    failed = "".join(
        f"\n`{key}` failed:\n\n```\n{text.strip()[-800:]}\n```\n"
        for key, text in result.get("failures", {}).items()
    )
    return (
        failed
        + f"""
Wall-clock time of `manage.py migrate_schemas --tenant` as an operator runs it (a
fresh process). Filling the database to {result["schemas"]} institutions (cloned) took
{result["populate"]["seconds"]:.1f} s for {result["populate"]["created"]} institutions.

How: the template is migrated first; each institution schema's `django_migrations` is
compared with the leaf migrations on disk (one small query per schema), and only
schemas that lack one are migrated, by a pool of forked workers (`--parallel N`,
default the CPU count up to 4). The "one new migration" run includes re-cloning the
spare schemas.
"""
    )
