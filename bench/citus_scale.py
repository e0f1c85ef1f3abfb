"""1,000 institutions on one PostgreSQL server: disk and catalog per institution, and
what the operations that grow with institutions cost at that size — a no-op
`migrate_schemas`, onboarding, the portal's search and home page — in time and memory.

On a cluster of the benchmark's own (var/bench/scale): a thousand schemas never land
on the shared development cluster. docs/scaling.md reads its figures from here.
"""

import subprocess
import sys
import time

from bench.common import ROOT, BenchCluster, admin, django_env, figure, query, worker

TITLE = "1,000 institutions on one server (Citus readiness)"
CATALOG = """
SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'pg_catalog'
"""


def add_arguments(group) -> None:
    group.add_argument("--scale-institutions", type=int, default=1000, help="institutions to fill")
    group.add_argument(
        "--scale-reuse",
        action="store_true",
        help="measure on the cluster a previous run left filled (var/bench/scale), if any",
    )
    group.add_argument("--scale-keep", action="store_true", help="keep the filled cluster")


def sizes(url: str) -> dict:
    database, catalog = query(url, f"SELECT pg_database_size(current_database()), ({CATALOG})")[0]
    relations = query(url, "SELECT COUNT(*) FROM pg_class")[0][0]
    return {"database": int(database), "catalog": int(catalog), "relations": int(relations)}


def fill(env: dict, total: int, parallel: int = 2) -> float:
    """Onboard ``total`` institutions (each with a facility) in ``parallel`` processes."""
    started = time.perf_counter()
    share = [total // parallel + (1 if n < total % parallel else 0) for n in range(parallel)]
    procs = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "bench.worker", "fill", f"s{n}x", count],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, count in enumerate(map(str, share))
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=7200)
        if proc.returncode:
            raise RuntimeError(f"fill failed:\n{err[-3000:]}")
    return time.perf_counter() - started


def pending(url: str) -> int:
    """Institution schemas that have applied fewer migrations than the template."""
    template = query(url, "SELECT COUNT(*) FROM _template.django_migrations")[0][0]
    count = 0
    for (schema,) in query(url, "SELECT schema_name FROM tenants_institution"):
        applied = query(url, f'SELECT COUNT(*) FROM "{schema}".django_migrations')[0][0]
        count += applied < template
    return count


def run(args) -> dict:
    total = 60 if args.quick else args.scale_institutions
    cluster = BenchCluster("scale")
    url = cluster.database_url("suite")
    reused = args.scale_reuse and cluster.data.exists()
    if reused and not cluster.running():
        cluster.start()
    if not reused:
        cluster.create(max_connections=60, extra={"max_locks_per_transaction": 512})
    try:
        env = django_env(url, BENCH_TASKS="immediate", DB_POOL="0")
        if not reused:
            admin(cluster.url, "CREATE DATABASE suite")
            worker(env, "setup")
            empty = sizes(url)
            print(f"· filling {total} institutions (2 processes)", flush=True)
            fill_seconds = fill(env, total)
        else:
            empty, fill_seconds = None, None
            print("· reusing the filled cluster", flush=True)
        institutions = query(url, "SELECT COUNT(*) FROM tenants_institution")[0][0]
        # The code may have gained migrations since the fill (a shared working tree, a
        # new release): bring every schema up to date first, so the timed run below is
        # the no-op it claims to be.
        print("· bringing every schema up to date (untimed)", flush=True)
        catch_up = worker(env, "timed_command", "migrate_schemas", "--tenant")
        behind = pending(url)
        full = sizes(url)
        print("· measuring at that size", flush=True)
        noop = worker(env, "timed_command", "migrate_schemas", "--tenant")
        onboard = worker(env, "onboard_timed", 5)
        search = worker(env, "portal", "/portal/search/?q=공연장", 20)
        home = worker(env, "portal", "/", 20)
        disk = cluster.size()
        schema_bytes = query(
            url,
            """
            SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) / GREATEST(COUNT(DISTINCT n.oid), 1)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname LIKE 'inst\\_%%' AND c.relkind IN ('r', 'i', 'S', 't', 'm')
            """,
        )[0][0]
        relations_share = query(
            url,
            """
            SELECT COUNT(*) FILTER (WHERE n.nspname LIKE 'inst\\_%%')::float / COUNT(*)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            """,
        )[0][0]
    finally:
        if not args.scale_keep:
            cluster.destroy()
    per = max(institutions, 1)
    if empty is not None:
        per_disk = (full["database"] - empty["database"]) / per
        per_catalog = (full["catalog"] - empty["catalog"]) / per
        relations_per = (full["relations"] - empty["relations"]) / per
    else:  # reused: the institutions' own relations, and their share of the catalog
        per_disk = float(schema_bytes) + full["catalog"] * relations_share / per
        per_catalog = full["catalog"] * relations_share / per
        relations_per = full["relations"] * relations_share / per
    return {
        "institutions": institutions,
        "fill_seconds": fill_seconds,
        "reused": reused,
        "catch_up_seconds": catch_up["seconds"],
        "behind_after_catch_up": behind,
        "empty": empty,
        "full": full,
        "cluster_bytes": disk,
        "per_institution_bytes": per_disk,
        "per_institution_catalog_bytes": per_catalog,
        "relations_per_institution": relations_per,
        "noop": noop,
        "onboard": onboard,
        "search": search,
        "home": home,
        "figures": [
            figure(
                "institutions",
                institutions,
                note=f"filled in {fill_seconds / 60:.1f} min" if fill_seconds else "filled earlier",
            ),
            figure("disk per institution", per_disk / 1024 / 1024, "MiB"),
            figure("catalog per institution", per_catalog / 1024 / 1024, "MiB"),
            figure("relations per institution (tables, indexes, sequences)", round(relations_per)),
            figure("whole database", full["database"] / 1024**3, "GiB"),
            figure(
                "`migrate_schemas --tenant`, nothing to apply",
                noop["seconds"],
                "s",
                target="< 60 s",
                met=noop["seconds"] < 60,
                note=f"peak {noop['max_rss_mib']:.0f} MiB",
            ),
            figure(
                "onboarding one more institution (max of 5)",
                onboard["max"],
                "s",
                target="< 2 s",
                met=onboard["max"] < 2,
                note=f"mean {onboard['mean']:.2f} s",
            ),
            figure(
                "portal search (median)",
                search["median_ms"],
                "ms",
                target="≤ 300 ms",
                met=search["median_ms"] <= 300,
                note=f"{search['queries']} SQL statements, peak {search['max_rss_mib']:.0f} MiB",
            ),
            figure(
                "portal home (median)",
                home["median_ms"],
                "ms",
                target="≤ 300 ms",
                met=home["median_ms"] <= 300,
                note=f"{home['queries']} SQL statements, peak {home['max_rss_mib']:.0f} MiB",
            ),
        ],
    }


def details(result: dict) -> str:
    e, f = result["empty"], result["full"]
    before = (
        f"Before: {e['database'] / 1024**2:.0f} MiB, {e['relations']:,} relations; after"
        if e
        else "Measured on a cluster filled by an earlier run (per-institution figures from the"
        " institutions' own relations and their share of the catalog); with"
    )
    return f"""Filled through the suite's own onboarding (`institution_onboard`: the template cloned,
domain, settings, audit), each institution with one published facility, on a PostgreSQL
16 cluster of the benchmark's own. {before} {result["institutions"]:,} institutions:
{f["database"] / 1024**3:.2f} GiB, {f["relations"]:,} relations, of which the system
catalog is {f["catalog"] / 1024**2:.0f} MiB.

Before the timed no-op run, every schema is brought up to date untimed
({result["catch_up_seconds"]:.0f} s; {result["behind_after_catch_up"]} schemas still behind
afterwards): the code can gain migrations between the fill and the measurement. Times
are wall-clock in a fresh process (`bench/worker.py`); memory is that process's peak
resident size (its children included for `migrate_schemas`, which forks). Portal pages
are rendered by the suite's WSGI handler in-process, 20 times each after one warm-up.
"""


# --- inside the worker process ------------------------------------------------------


def fill_step(prefix: str, count: int) -> dict:
    import datetime as dt

    from django.db import connection
    from django_tenants.utils import schema_context

    from accounts.models import Membership, Role, User
    from facility_booking.services import facilities
    from tenants.models import Institution
    from tenants.services import institution_onboard

    made = 0
    for n in range(count):
        slug = f"{prefix}{n:04d}"
        if Institution.objects.filter(slug=slug).exists():
            continue
        institution_onboard(
            actor=None, slug=slug, name=f"규모 시험 기관 {slug}", short_name=slug[:10]
        )
        institution = Institution.objects.get(slug=slug)
        admin_user = User.objects.create_user(
            email=f"admin@{slug}.scale.kr", password=None, name="관리자"
        )
        Membership.objects.create(
            user=admin_user, institution=institution, role=Role.INSTITUTION_ADMIN
        )
        with schema_context(institution.schema_name):
            facility = facilities.facility_create(
                actor=admin_user,
                name=f"{slug} 공연장",
                kind="hall",
                capacity=100,
                slot_minutes=60,
                min_minutes=60,
                max_minutes=240,
                base_fee=10000,
            )
            facilities.facility_set_hours(
                actor=admin_user,
                facility=facility,
                hours={d: (dt.time(9), dt.time(21)) for d in range(7)},
            )
        connection.set_schema_to_public()
        made += 1
    return {"created": made}


def max_rss_mib() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def timed_command(*args) -> dict:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(*args, verbosity=0)
    return {"seconds": time.perf_counter() - started, "max_rss_mib": max_rss_mib()}


def onboard_timed(count: int) -> dict:
    import statistics

    from bench.worker import _onboard

    timings = _onboard(f"late{int(time.time())}-", count)
    return {
        "mean": statistics.mean(timings),
        "max": max(timings),
        "max_rss_mib": max_rss_mib(),
    }


def portal(path: str, rounds: int) -> dict:
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(path)
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return {
        "median_ms": statistics.median(timings) * 1000,
        "max_ms": max(timings) * 1000,
        "queries": len(captured.captured_queries),
        "max_rss_mib": max_rss_mib(),
    }
