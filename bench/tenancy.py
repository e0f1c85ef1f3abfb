"""Tenancy overhead: the same read endpoint served on an institution host through the
whole host → institution → schema path, and with that switch bypassed (the institution
and its search_path pinned once), same process, same data, interleaved."""

from bench.common import django_env, figure, manage, scratch_database, worker

TITLE = "Tenancy overhead: institution host vs. the schema switch bypassed"
DB_NAME = "bench_tenancy"
# (label, path): the same views both ways.
ENDPOINTS = [
    ("API: facility list (JSON)", "/api/v1/facilities/"),
    ("page: facility list (HTML)", "/facilities/"),
]
TARGET = 1.05  # issue 18: within 5 % of no tenancy at all


def add_arguments(group) -> None:
    group.add_argument("--tenancy-rounds", type=int, default=600, help="requests per way")


def run(args) -> dict:
    rounds = 150 if args.quick else args.tenancy_rounds
    with scratch_database(DB_NAME) as url:
        env = django_env(url, API_RATE_ANON="1000000/min", DB_POOL="0")
        print(f"· {DB_NAME}: migrating and seeding the demo world", flush=True)
        manage(env, "setup_suite", "--seed", "--verbosity", "0")
        print(f"· {rounds} requests each way per endpoint, interleaved", flush=True)
        measured = worker(env, "tenancy", rounds)
    figures = []
    for label, _path in ENDPOINTS:
        m = measured[label]
        ratio = m["host_median"] / m["pinned_median"]
        m["ratio"] = ratio
        figures.append(
            figure(
                f"{label}: host / bypassed (median)",
                ratio,
                "×",
                target=f"≤ {TARGET}×",
                met=ratio <= TARGET,
                note=f"{m['host_median'] * 1000:.2f} ms vs {m['pinned_median'] * 1000:.2f} ms",
            )
        )
        figures.append(
            figure(
                f"{label}: SQL statements per request, host / bypassed",
                f"{m['host_queries']} / {m['pinned_queries']}",
            )
        )
    return {"rounds": rounds, "endpoints": measured, "figures": figures}


def details(result: dict) -> str:
    lines = [
        "| endpoint | way | median | mean | p95 | SQL statements |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for label, m in result["endpoints"].items():
        for way in ("host", "pinned"):
            lines.append(
                f"| {label} | {'institution host' if way == 'host' else 'switch bypassed'} |"
                f" {m[f'{way}_median'] * 1000:.2f} ms | {m[f'{way}_mean'] * 1000:.2f} ms |"
                f" {m[f'{way}_p95'] * 1000:.2f} ms | {m[f'{way}_queries']} |"
            )
    return (
        "\n".join(lines)
        + f"""

How: one process (bench/worker.py `tenancy`) builds two WSGI handlers over the same
settings and data (a scratch database with the demo world). **Institution host** is the
suite as shipped: `InstitutionMiddleware` resolves the Host header to its institution
and switches the connection's schema for the request. **Switch bypassed** replaces only
that middleware with one that hands the view the same institution, already resolved,
and keeps the connection's search_path pinned to its schema — what the cost would be
with no tenancy at all. {result["rounds"]} requests each way per endpoint, alternating
which goes first, on one persistent connection, anonymous, after a warm-up; the ratio is
of the medians. SQL statements counted with `CaptureQueriesContext` (including
`SET search_path`).
"""
    )


# --- inside the worker process ------------------------------------------------------


class PinnedInstitutionMiddleware:
    """The bypass: the institution resolved once for the whole process, its schema kept."""

    institution = None

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.db import connection

        institution = type(self).institution
        request.institution = institution
        request.tenant = institution
        request.urlconf = settings.ROOT_URLCONF
        if connection.schema_name != institution.schema_name:
            connection.set_tenant(institution)
        return self.get_response(request)


def measure(rounds: int) -> dict:
    """Runs in bench/worker.py (Django set up): {label: medians, means, p95, queries}."""
    import statistics
    import time
    from io import BytesIO

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from tenants.models import Institution

    institution = Institution.objects.get(slug="culture")
    host = institution.primary_host
    PinnedInstitutionMiddleware.institution = institution
    connection.settings_dict["CONN_MAX_AGE"] = None  # one persistent connection for both
    host_handler = WSGIHandler()
    pinned = [
        "bench.tenancy.PinnedInstitutionMiddleware"
        if m == "suite.middleware.InstitutionMiddleware"
        else m
        for m in settings.MIDDLEWARE
    ]
    with override_settings(MIDDLEWARE=pinned):
        pinned_handler = WSGIHandler()

    def environ(path: str) -> dict:
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": "80",
            "HTTP_HOST": host,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": BytesIO(),
            "wsgi.url_scheme": "http",
            "wsgi.errors": BytesIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }

    def call(handler, path: str) -> float:
        statuses = []
        started = time.perf_counter()
        body = handler(environ(path), lambda status, headers, *a: statuses.append(status))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        elapsed = time.perf_counter() - started
        assert statuses and statuses[0].startswith("200"), (path, statuses)
        return elapsed

    def queries(handler, path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            call(handler, path)
        return len(captured.captured_queries)

    out = {}
    for label, path in ENDPOINTS:
        for _ in range(30):  # warm-up: templates, URL resolvers, connection
            call(host_handler, path)
            call(pinned_handler, path)
        timings = {"host": [], "pinned": []}
        for n in range(rounds):
            order = ("host", "pinned") if n % 2 == 0 else ("pinned", "host")
            for way in order:
                handler = host_handler if way == "host" else pinned_handler
                timings[way].append(call(handler, path))
        result = {}
        for way, values in timings.items():
            ordered = sorted(values)
            result[f"{way}_median"] = statistics.median(ordered)
            result[f"{way}_mean"] = statistics.mean(ordered)
            result[f"{way}_p95"] = ordered[int(len(ordered) * 0.95) - 1]
        result["host_queries"] = queries(host_handler, path)
        result["pinned_queries"] = queries(pinned_handler, path)
        out[label] = result
    return out
