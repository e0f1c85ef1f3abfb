"""Refused booking requests (issue 18): how many a second the production stack answers
when every slot asked for is taken — over the API (Bearer token, JSON, 409 in the one
error shape) and through the apply form (session, CSRF, the page again with the error,
409) — and with the opening's waiting room running (no admission: 403).

The load generator is a lean asyncio client of its own (raw HTTP/1.1 over loopback,
keep-alive where the server offers it, one line of parsing per answer) so that its own
CPU, on the same cores as the server, weighs as little as possible; its CPU seconds are
reported with the figures. Steps that need Django run in subprocesses
(``python -m bench.refused_booking <step>``), as bench/worker.py's do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import time

from bench.common import (
    ROOT,
    BenchCluster,
    admin,
    django_env,
    figure,
    free_port,
    ms,
    summary,
)

TITLE = "Refused booking requests: API and form, requests a second"
BEFORE = (56, 79)  # refused requests a second measured when issue 18 was filed
TARGET = 3 * BEFORE[1]


def add_arguments(group) -> None:
    group.add_argument("--refused-requests", type=int, default=3000, help="requests per run")
    group.add_argument("--refused-seconds", type=float, default=30, help="bound of one run")
    group.add_argument("--refused-concurrency", type=int, default=16)
    group.add_argument("--refused-residents", type=int, default=400)
    group.add_argument("--refused-workers", type=int, default=4, help="gunicorn workers")
    group.add_argument(
        "--refused-keep", action="store_true", help="leave the cluster and stack running"
    )
    group.add_argument(
        "--refused-before",
        default="",
        help="a checkout of the code before (git archive <commit> | tar -x -C DIR): served "
        "too, on the same database, and measured in turn with the code of this tree",
    )
    group.add_argument("--refused-rounds", type=int, default=2, help="turns of before/after")


# -- the lean client ------------------------------------------------------------------------


class Conn:
    """One HTTP/1.1 connection to 127.0.0.1:port; reopened when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        at = lower.find(b"\r\ncontent-length:")
        if at >= 0:
            end = lower.index(b"\r\n", at + 2)
            body = await self.reader.readexactly(int(lower[at + 17 : end]))
        else:
            body = await self.reader.read()
        if b"\r\nconnection: close" in lower or at < 0:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def api_request(host: str, token: str, ip: str, body: bytes) -> bytes:
    return (
        f"POST /api/v1/reservations/ HTTP/1.1\r\nHost: {host}\r\n"
        f"X-Forwarded-Proto: https\r\nX-Forwarded-For: {ip}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def form_request(host: str, path: str, session: str, csrf: str, ip: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
        f"X-Forwarded-Proto: https\r\nX-Forwarded-For: {ip}\r\n"
        f"Referer: https://{host}{path}\r\nOrigin: https://{host}\r\n"
        f"Cookie: suite_session={session}; suite_csrftoken={csrf}\r\n"
        f"Accept: text/html\r\nAccept-Language: ko\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def hammer(port: int, requests: list[bytes], *, count: int, seconds: float, concurrency: int):
    """Send ``count`` requests (cycling through ``requests``) from ``concurrency``
    connections, as fast as they are answered; bounded by ``seconds``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    first_bodies: dict[int, str] = {}
    sent = 0
    cpu = time.process_time()
    start = time.perf_counter()

    async def user(n: int) -> None:
        nonlocal sent
        conn = Conn(port)
        rng = random.Random(n)
        while sent < count and time.perf_counter() - start < seconds:
            sent += 1
            raw = requests[rng.randrange(len(requests))]
            began = time.perf_counter()
            try:
                status, body = await conn.request(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                conn.close()
                status, body = 0, b""
            latencies.append(time.perf_counter() - began)
            statuses[status] = statuses.get(status, 0) + 1
            if status not in first_bodies:
                first_bodies[status] = body[:300].decode("utf-8", "replace")
        conn.close()

    await asyncio.gather(*(user(n) for n in range(concurrency)))
    took = time.perf_counter() - start
    stats = summary(latencies)
    return {
        "requests": len(latencies),
        "seconds": took,
        "per_second": len(latencies) / took,
        "p50_ms": ms(stats.get("p50", 0)),
        "p99_ms": ms(stats.get("p99", 0)),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "first_bodies": first_bodies,
        "client_cpu_s": round(time.process_time() - cpu, 2),
        "client_cpu_ms_per_request": round(
            1000 * (time.process_time() - cpu) / max(1, len(latencies)), 3
        ),
    }


# -- steps inside the benchmark's database (subprocesses) -----------------------------------


def step_fill(fixture_path: str) -> dict:
    """Every slot of the fixture's facility booked (one resident each, from the last
    residents: the measured ones ask for taken slots), no waiting room."""
    import datetime as dt

    from django_tenants.utils import schema_context

    from accounts.models import User
    from bench.rush_steps import _facility, _institution
    from facility_booking import services
    from facility_booking.models import Reservation, WaitingRoom

    fixture = json.loads(open(fixture_path).read())  # noqa: SIM115, PTH123
    institution = _institution()
    users = list(User.objects.filter(email__startswith="rush").order_by("-email"))
    with schema_context(institution.schema_name):
        facility = _facility()
        WaitingRoom.objects.filter(facility=facility).delete()
        Reservation.objects.filter(facility=facility).delete()
        for user, (start, end) in zip(users, fixture["slots"], strict=False):
            services.reservation_request(
                actor=user,
                institution=institution,
                facility=facility,
                start=dt.datetime.fromisoformat(start),
                end=dt.datetime.fromisoformat(end),
                purpose="선점",
                headcount=10,
                contact_phone="010-0000-0000",
            )
        booked = Reservation.objects.filter(facility=facility).count()
    return {"booked": booked}


def step_sessions(count: int, host: str) -> dict:
    """Signed-in browser sessions of ``count`` residents on ``host`` (as the log-in
    form leaves them), a CSRF cookie each, and the apply form's consent fields."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from accounts.models import User
    from privacy.consents import consent_set

    users = list(User.objects.filter(email__startswith="rush").order_by("email")[:count])
    sessions = []
    for user in users:
        client = Client(HTTP_HOST=host.split(":")[0], secure=True)
        client.force_login(user)
        sessions.append(
            [client.cookies[settings.SESSION_COOKIE_NAME].value, _get_new_csrf_string()]
        )
    consents = [item.field_name for item in consent_set("booking").items]
    return {"sessions": sessions, "consents": consents}


def step_room(enabled: int) -> dict:
    """A waiting room running on the facility now (nobody admitted), or none."""
    from bench.rush_steps import step_rush_open

    return step_rush_open(0, 60, enabled)


STEPS = {"fill": step_fill, "sessions": step_sessions, "room": step_room}


def _step(env: dict, step: str, *args) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.refused_booking", step, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"bench.refused_booking {step} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rush_step(env: dict, step: str, *args) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.rush_steps", step, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"bench.rush_steps {step} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the run --------------------------------------------------------------------------------


@contextlib.contextmanager
def world(args):
    from bench.stack import Stack, environment, prepare

    cluster = BenchCluster("refused")
    cluster.create()
    stack = None
    try:
        admin(cluster.url, "CREATE DATABASE suite")
        url = cluster.database_url("suite")
        port = free_port(1, 0)
        env = environment(url, port, EMAIL_FILE_PATH=cluster.home / "mail", API_NUM_PROXIES=1)
        print("· refused: own cluster, migrating and seeding", flush=True)
        prepare(env, seed=True)
        steps_env = django_env(url, SECRET_KEY=env["SECRET_KEY"])  # sessions the stack reads
        fixture = _rush_step(steps_env, "rush_fixture", args.refused_residents)
        path = cluster.home / "fixture.json"
        path.write_text(json.dumps(fixture))
        print(f"· booked {_step(steps_env, 'fill', path)['booked']} slots", flush=True)
        stack = Stack(env, port, workers=args.refused_workers, logs=cluster.home / "logs")
        stack.start()
        if not stack.web.alive():
            raise RuntimeError(f"gunicorn did not stay up on 127.0.0.1:{port}")
        print(f"· gunicorn ×{args.refused_workers} + task worker on 127.0.0.1:{port}", flush=True)
        before = None
        if args.refused_before:
            before = _before_server(args, env, cluster)
        try:
            yield fixture, port, steps_env, stack, before
        finally:
            if before is not None and not args.refused_keep:
                before[1].stop()
    finally:
        if not getattr(args, "refused_keep", False):
            if stack is not None:
                stack.stop()
            cluster.destroy()


class _Served:
    """gunicorn from another checkout (its own working directory and PYTHONPATH)."""

    def __init__(self, popen):
        self.popen = popen

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self) -> None:
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=20)


def _before_server(args, env: dict, cluster) -> tuple[int, _Served]:
    """The code before, served as the stack serves this tree's (same settings, workers
    and database), on a port of its own."""
    from bench.common import wait_for_http

    tree = os.path.abspath(args.refused_before)
    port = free_port(1, 0)
    log = (cluster.home / "logs" / f"gunicorn-before-{port}.log").open("ab")
    popen = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "suite.wsgi:application",
            "--workers",
            str(args.refused_workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--access-logfile",
            "-",
        ],
        cwd=tree,
        env={**env, "PYTHONPATH": tree, "SUITE_PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_for_http(f"http://127.0.0.1:{port}/healthz", host="localhost", timeout=90)
    print(f"· the code before ({tree}) on 127.0.0.1:{port}", flush=True)
    return port, _Served(popen)


def refused_api_booking(fixture: dict, k: int) -> tuple[str, str, bytes]:
    """Resident ``k``'s refused API booking: (token, address, JSON body for a taken slot)."""
    start, end = fixture["slots"][k % len(fixture["slots"])]
    body = json.dumps(
        {
            "facility": fixture["facility"],
            "start": start,
            "end": end,
            "purpose": "거절 측정",
            "headcount": 10,
            "contact_phone": "010-0000-0000",
        }
    ).encode()
    return fixture["tokens"][k], f"10.9.{k // 256}.{k % 256}", body


def _api_requests(fixture: dict, port: int, residents: int) -> list[bytes]:
    host = f"{fixture['host']}:{port}"
    count = min(residents, len(fixture["tokens"]) - len(fixture["slots"]))
    return [api_request(host, *refused_api_booking(fixture, k)) for k in range(count)]


def _form_requests(fixture: dict, port: int, sessions: dict) -> list[bytes]:
    from urllib.parse import urlencode

    host = f"{fixture['host']}:{port}"
    path = f"/facilities/{fixture['facility']}/apply/"
    out = []
    for k, (session, csrf) in enumerate(sessions["sessions"]):
        start, end = fixture["slots"][k % len(fixture["slots"])]
        fields = {
            "csrfmiddlewaretoken": csrf,
            "action": "submit",
            "date": start[:10],
            "start_time": start[11:16],
            "end_time": end[11:16],
            "purpose": "거절 측정",
            "headcount": "10",
            "contact_phone": "010-0000-0000",
            **{name: "on" for name in sessions["consents"]},
        }
        body = urlencode(fields).encode()
        out.append(form_request(host, path, session, csrf, f"10.8.{k // 256}.{k % 256}", body))
    return out


def _cpu_of(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115, PTH123
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _children(pid: int) -> list[int]:
    out = [pid]
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                kids = open(f"/proc/{pid}/task/{tid}/children").read().split()  # noqa: SIM115, PTH123
                for kid in kids:
                    out += _children(int(kid))
    return out


def measure(name: str, port: int, requests: list[bytes], args, server_pid: int) -> dict:
    # A short warm-up: every worker has imported, connected and compiled its templates.
    asyncio.run(hammer(port, requests, count=200, seconds=10, concurrency=args.refused_concurrency))
    pids = _children(server_pid)
    server_cpu = _cpu_of(pids)
    result = asyncio.run(
        hammer(
            port,
            requests,
            count=args.refused_requests,
            seconds=args.refused_seconds,
            concurrency=args.refused_concurrency,
        )
    )
    result["server_cpu_ms_per_request"] = round(
        1000 * (_cpu_of(pids) - server_cpu) / max(1, result["requests"]), 2
    )
    result["server_errors"] = sum(
        v for k, v in result["statuses"].items() if int(k) >= 500 or int(k) == 0
    )
    print(
        f"  {name}: {result['per_second']:.0f} req/s, p50 {result['p50_ms']} ms, "
        f"{result['statuses']}, client {result['client_cpu_ms_per_request']} ms/req, "
        f"gunicorn {result['server_cpu_ms_per_request']} ms/req",
        flush=True,
    )
    return result


def run(args) -> dict:
    if args.quick:
        args.refused_requests = min(args.refused_requests, 1000)
    results: dict = {"workers": args.refused_workers, "concurrency": args.refused_concurrency}
    with world(args) as (fixture, port, steps_env, stack, before):
        residents = len(fixture["tokens"]) - len(fixture["slots"])
        sessions = _step(steps_env, "sessions", min(residents, 200), fixture["host"])
        servers = [("after", port, stack.web.pid)]
        if before is not None:
            servers.insert(0, ("before", before[0], before[1].pid))
        rounds = args.refused_rounds if before is not None else 1
        turns: dict = {}
        for kind in ("api", "form"):
            for _turn in range(rounds):
                for label, at_port, pid in servers:
                    requests = (
                        _api_requests(fixture, at_port, residents)
                        if kind == "api"
                        else _form_requests(fixture, at_port, sessions)
                    )
                    done = measure(f"{kind}, slot taken, {label}", at_port, requests, args, pid)
                    done["load"] = os.getloadavg()[0]
                    turns.setdefault(f"{kind}_{label}", []).append(done)
        results["turns"] = turns
        # each figure: the best turn (the one least disturbed by the machine's other work)
        for key, runs in turns.items():
            results[key] = max(runs, key=lambda r: r["per_second"])
        results["api"], results["form"] = results["api_after"], results["form_after"]
        _step(steps_env, "room", 1)
        time.sleep(1.2)  # the processes' snapshots of the room expire
        results["api_room"] = measure(
            "API, waiting room, no ticket",
            port,
            _api_requests(fixture, port, residents),
            args,
            stack.web.pid,
        )
    figures = []
    for key, label, target in (
        ("api", "refused booking, API (409 slot taken)", True),
        ("form", "refused booking, form (409, the page with the error)", False),
        ("api_room", "refused booking, API, waiting room running (403 no ticket)", False),
    ):
        r = results[key]
        answers = ", ".join(f"{k}×{v}" for k, v in r["statuses"].items())
        figures.append(
            figure(
                label,
                round(r["per_second"], 1),
                "req/s",
                target=f"≥ {TARGET} req/s (3 × {BEFORE[1]})" if target else "",
                met=(r["per_second"] >= TARGET and r["server_errors"] == 0) if target else None,
                note=f"p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms; {answers}; "
                f"gunicorn CPU {r['server_cpu_ms_per_request']} ms/request, load client "
                f"{r['client_cpu_ms_per_request']} ms/request",
            )
        )
    for key, label in (("api_before", "API"), ("form_before", "form")):
        if key in results:
            r, after = results[key], results[key.replace("before", "after")]
            figures.append(
                figure(
                    f"refused booking, {label}, the code before (same database, same turns)",
                    round(r["per_second"], 1),
                    "req/s",
                    note=f"after ÷ before {after['per_second'] / r['per_second']:.1f}×; "
                    f"gunicorn CPU {r['server_cpu_ms_per_request']} ms/request; "
                    + ", ".join(f"{k}×{v}" for k, v in r["statuses"].items()),
                )
            )
    results["figures"] = figures
    results["notes"] = NOTES.format(
        workers=args.refused_workers, concurrency=args.refused_concurrency
    )
    return results


NOTES = (
    "The suite as `make serve-prod` runs it (gunicorn ×{workers}, the task worker, "
    "production settings, CACHE_URL=db:// shared by the workers, one proxy trusted for "
    "X-Forwarded-For) on a PostgreSQL cluster of the benchmark's own, seeded with the demo "
    "world. A facility offers 50 one-hour slots, all booked beforehand; {concurrency} "
    "connections of a lean asyncio client (raw HTTP/1.1 on loopback, on the same 2 cores; "
    "its CPU per request is in each row) post bookings of taken slots as fast as they are "
    "answered, each from a resident of their own (own token or session, own address): the "
    "API (Bearer token, JSON → 409 in the one error shape), the apply form (session, CSRF "
    "token, consents ticked → the page again with the error next to the field, 409), then "
    "the API with the facility's waiting room running and nobody admitted (403). The "
    "rate limits stay on (booking 60/min per account, 300/min per address): requests are "
    "spread over enough residents to stay under them. After a warm-up of 200 requests. "
    "With --refused-before, the code before is served as well (same settings, workers and "
    "database) and the two are measured in turn; each row shows the best turn."
)


def details(result: dict) -> str:
    turns = result.get("turns") or {}
    if not turns:
        return ""
    lines = [
        "| run | turn | req/s | p50 | p99 | gunicorn CPU / request | load (1 min) | answers |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key, runs in turns.items():
        for n, r in enumerate(runs, 1):
            answers = ", ".join(f"{k}×{v}" for k, v in r["statuses"].items())
            lines.append(
                f"| {key.replace('_', ', ')} | {n} | {r['per_second']:.0f} | {r['p50_ms']:.0f} ms |"
                f" {r['p99_ms']:.0f} ms | {r['server_cpu_ms_per_request']} ms |"
                f" {r.get('load', 0):.1f} | {answers} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import django

    django.setup()
    name, *rest = sys.argv[1:]
    out = STEPS[name](*[int(a) if a.lstrip("-").isdigit() else a for a in rest])
    print(json.dumps(out))
