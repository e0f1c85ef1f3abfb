"""Onboarding an institution: a spare clone, cloning in the request, django-tenants'
generic clone, and migrating from zero — the same service, interleaved.

Runs in a database of its own (``bench_onboarding``) through subprocesses whose
``DATABASE_URL`` points at it (bench/worker.py steps).
"""

from bench.common import django_env, figure, query, scratch_database, worker

TITLE = "Onboarding an institution: cloning vs. migrating from zero"
DB_NAME = "bench_onboarding"


def add_arguments(group) -> None:
    group.add_argument("--clone", type=int, default=10, help="institutions onboarded by cloning")
    group.add_argument("--migrate", type=int, default=5, help="institutions migrated from zero")


def run(args) -> dict:
    clones, zeros = (3, 2) if args.quick else (args.clone, args.migrate)
    with scratch_database(DB_NAME) as url:
        env = django_env(url)
        print(f"· {DB_NAME}: public schema and template", flush=True)
        setup = worker(env, "setup")
        print(f"· onboarding: {clones} by cloning, {zeros} by migrating from zero", flush=True)
        onboard = worker(env, "onboard", clones, zeros)
        tables, indexes = query(
            url,
            "SELECT (SELECT COUNT(*) FROM pg_tables WHERE schemaname = '_template'),"
            " (SELECT COUNT(*) FROM pg_indexes WHERE schemaname = '_template')",
        )[0]
    spare, clone = onboard["spare"], onboard["clone"]
    generic, zero = onboard["generic"], onboard["migrate"]
    return {
        "setup": setup,
        "onboard": onboard,
        "template_tables": tables,
        "template_indexes": indexes,
        "figures": [
            figure(
                "spare clone (as shipped): max",
                spare["max"],
                "s",
                target="< 1 s",
                met=spare["max"] < 1,
            ),
            figure(
                "spare clone: faster than migrating (mean)",
                zero["mean"] / spare["mean"],
                "×",
                target="≥ 5×",
                met=zero["mean"] / spare["mean"] >= 5,
            ),
            figure(
                "clone in the request: max",
                clone["max"],
                "s",
                target="< 1 s",
                met=clone["max"] < 1,
            ),
            figure(
                "clone in the request: faster than migrating (mean)",
                zero["mean"] / clone["mean"],
                "×",
                target="≥ 5×",
                met=zero["mean"] / clone["mean"] >= 5,
            ),
            figure("generic clone_schema(): mean", generic["mean"], "s"),
            figure("migrating from zero: mean", zero["mean"], "s"),
        ],
    }


def details(result: dict) -> str:
    o = result["onboard"]
    rows = [
        ("take a spare clone made ahead of time (`ALTER SCHEMA … RENAME`)", o["spare"]),
        ("clone the template in the request (`tenants.provisioning.clone_template`)", o["clone"]),
        ("clone the template (django-tenants' generic `clone_schema()`)", o["generic"]),
        ("migrate from zero", o["migrate"]),
    ]
    table = [
        "| way | institutions | mean | median | min | max | first |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, s in rows:
        table.append(
            f"| {label} | {s['count']} | {s['mean']:.3f} s | {s['median']:.3f} s |"
            f" {s['min']:.3f} s | {s['max']:.3f} s | {s['first']:.3f} s |"
        )
    return (
        "\n".join(table)
        + f"""

All four go through the same service (`tenants.services.institution_onboard`: schema,
domain, default settings, first admin invited, audit row, committed); they differ only
in whether a spare clone is ready and in two settings (`TENANT_FAST_CLONE`,
`TENANT_CREATION_FAKES_MIGRATIONS`). The ways run interleaved (one of each in turn), so
load on the machine hits them alike.

Why cloning costs what it does: the template has {result["template_tables"]} tables and
{result["template_indexes"]} indexes, and PostgreSQL 16 fsyncs every new B-tree index file
when it is built, even on an empty table — a few milliseconds each on this disk, more
under load. So the clone's cost grows with every index the apps add; the spare pool
(`TENANT_SPARE_SCHEMAS`, refilled by the task worker after each onboarding) takes it out
of the request altogether. Here the benchmark refills the pool itself between
onboardings, outside the timing.

Our clone (`TENANT_FAST_CLONE`, default on) creates each table with
`CREATE TABLE … (LIKE template.table INCLUDING DEFAULTS, IDENTITY, CONSTRAINTS …)`, adds
keys, constraints, indexes, functions and triggers from the catalog's own definitions
with every name kept, copies the template's rows and moves the identity sequences — all
in one round trip; templates holding objects it does not know go through
django-tenants' generic `clone_schema()` instead.
"""
    )
