"""Where a refused booking's server CPU goes (issue 18): the production WSGI app, in one
process, answering N API posts of taken slots — CPU per request, a cProfile top list,
and every statement the server received (PostgreSQL's own log: SET search_path,
BEGIN/COMMIT, savepoints, health checks and cache statements included).

    python -m bench.refused_profile setup            # own cluster + seeded world (once)
    python -m bench.refused_profile run [N] [--profile] [--tree DIR]
    python -m bench.refused_profile destroy

``run`` starts a subprocess with the settings ``make serve-prod`` uses
(bench.prod_settings, CACHE_URL=db://suite_cache, one proxy trusted) that imports
``suite.wsgi`` and calls it as gunicorn's sync worker would; ``--tree DIR`` runs another
checkout (e.g. ``git archive ede665e | tar -x -C DIR``) on the same database.
Not part of ``make bench``: a tool for looking, not a report.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

if __name__ == "__main__" and sys.argv[1:2] == ["inner"]:
    # run as a file in the served tree's directory (its own bench/ may lack this module)
    sys.path[0] = os.getcwd()
else:
    from bench.common import ROOT, VAR, BenchCluster, admin, django_env, query

    NAME = "refusedprof"
    FIXTURE = VAR / NAME / "fixture.json"


def _cluster() -> BenchCluster:
    return BenchCluster(NAME)


def _env(cluster: BenchCluster, tree: Path | None = None) -> dict:
    from bench.stack import environment

    env = environment(cluster.database_url("suite"), 8199, API_NUM_PROXIES=1, SUITE_PDF_WARM="0")
    env["PYTHONPATH"] = str(tree or ROOT)
    return env


def setup() -> None:
    from bench.refused_booking import _rush_step, _step
    from bench.stack import prepare

    cluster = _cluster()
    cluster.create(extra={"log_line_prefix": "'%p '"})
    admin(cluster.url, "CREATE DATABASE suite")
    env = _env(cluster)
    prepare(env, seed=True)
    steps_env = django_env(cluster.database_url("suite"), SECRET_KEY=env["SECRET_KEY"])
    fixture = _rush_step(steps_env, "rush_fixture", 400)
    FIXTURE.write_text(json.dumps(fixture))
    print("booked", _step(steps_env, "fill", FIXTURE)["booked"])


def _log_statements(cluster: BenchCluster, on: bool) -> None:
    admin(cluster.url, f"ALTER SYSTEM SET log_statement = '{'all' if on else 'none'}'")
    admin(cluster.url, "ALTER SYSTEM SET log_line_prefix = '%a '")
    query(cluster.url, "SELECT pg_reload_conf()")
    time.sleep(0.3)


def run(n: int, profile: bool, tree: Path) -> None:
    cluster = _cluster()
    if not cluster.running():
        cluster.start()
    env = _env(cluster, tree)
    args = [sys.executable, __file__, "inner", str(n), str(int(profile))]
    log = cluster.log
    _log_statements(cluster, True)
    try:
        done = subprocess.run(  # noqa: S603
            args,
            cwd=tree,
            env={**env, "REFUSED_FIXTURE": str(FIXTURE), "PGAPPNAME": APP},
            check=False,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        _log_statements(cluster, False)
    print(done.stdout)
    if done.returncode:
        print(done.stderr[-6000:])
        raise SystemExit(done.returncode)
    counted_from = re.search(r"COUNTED_FROM (\d+)", done.stdout).group(1)
    # the statements of the counted requests: the app's connections' (any of its pool's),
    # between its markers
    lines = log.read_text(errors="replace").splitlines()
    mine = [ln for ln in lines if ln.startswith(f"{APP} ") and "statement: " in ln]
    start = next(i for i, ln in enumerate(mine) if f"counted_from_{counted_from}" in ln)
    counted = []
    for ln in mine[start + 1 :]:
        if f"counted_end_{counted_from}" in ln:
            break
        counted.append(ln.split("statement: ", 1)[1])
    per = len(counted) / COUNTED
    kinds: dict[str, int] = {}
    for s in counted:
        key = re.sub(r"\s+", " ", s)[:90]
        key = re.sub(r"'[^']*'|\b\d+\b", "?", key)
        kinds[key] = kinds.get(key, 0) + 1
    print(f"statements per refused request: {per:.2f} (of {COUNTED} counted)")
    for key, count in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {count / COUNTED:5.2f}  {key}")


COUNTED = 20
APP = "refusedprof-app"


def inner(n: int, profile: bool) -> None:
    """In the app's process: warm up, count the statements of COUNTED requests, then
    time (and maybe profile) n requests."""
    import cProfile
    import pstats

    from bench.refused_booking import refused_api_booking
    from suite.wsgi import application

    fixture = json.loads(Path(os.environ["REFUSED_FIXTURE"]).read_text())
    residents = len(fixture["tokens"]) - len(fixture["slots"])
    requests = [refused_api_booking(fixture, k) for k in range(residents)]
    host = f"{fixture['host']}:8199"
    statuses: dict[int, int] = {}

    def call(k: int) -> None:
        token, ip, body = requests[k % len(requests)]
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/reservations/",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8199",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": host,
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_X_FORWARDED_FOR": ip,
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_ACCEPT": "application/json",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        seen = []
        result = application(environ, lambda status, headers, *a: seen.append(status))
        b"".join(result)
        if hasattr(result, "close"):
            result.close()
        code = int(seen[0][:3])
        statuses[code] = statuses.get(code, 0) + 1

    from django.db import connection

    for k in range(len(requests)):  # warm-up: imports, caches, the pool, every token used
        call(k)
    marker = int(time.time())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 'counted_from_{marker}'")
    print(f"COUNTED_FROM {marker}")
    for k in range(COUNTED):
        call(k)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 'counted_end_{marker}'")
    profiler = cProfile.Profile(time.process_time) if profile else None
    if profiler:
        profiler.enable()
    batches = []  # CPU ms per request of each batch of 50: the machine is shared
    for first in range(COUNTED, COUNTED + n, 50):
        cpu = time.process_time()
        for k in range(first, min(first + 50, COUNTED + n)):
            call(k)
        batches.append(1000 * (time.process_time() - cpu) / (min(first + 50, COUNTED + n) - first))
    if profiler:
        profiler.disable()
    batches.sort()
    print(f"statuses {statuses}")
    print(
        f"app CPU ms/request over {n}: best batch {batches[0]:.2f}, "
        f"median {batches[len(batches) // 2]:.2f} (load {os.getloadavg()[0]:.1f})"
    )
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(110)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["run"]
    if command == "setup":
        setup()
    elif command == "destroy":
        _cluster().destroy()
    elif command == "inner":
        import django

        django.setup()
        inner(int(rest[0]), rest[1] == "1")
    else:
        tree = ROOT
        if "--tree" in rest:
            tree = Path(rest[rest.index("--tree") + 1]).resolve()
        numbers = [int(a) for a in rest if a.isdigit()]
        run(numbers[0] if numbers else 300, "--profile" in rest, tree)
