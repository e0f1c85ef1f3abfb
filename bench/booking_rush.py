"""The opening rush (issue 15): a facility's window of 50 slots opens to 500, then 2,000
residents at once, through the waiting room, against the suite served as in production
(gunicorn — by default 2 gthread workers × 4 threads, see GUNICORN — the task worker,
production settings, the database cache shared by the workers). Then the cost of a refused booking request with and without the room
(issue 18: refused requests per second, before and after)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import time
from dataclasses import dataclass, field

from bench.client import RawPool
from bench.common import BenchCluster, admin, django_env, figure, free_port, ms, summary
from bench.stack import Stack, environment, prepare

TITLE = "Opening rush: 50 slots, 500 and 2,000 residents through the waiting room"
RATE = 1200  # admitted a minute (20 a second)
BEFORE = (56, 79)  # refused requests a second measured before (issue 18)
# One process per core, threads for the time spent waiting on the database, connections
# kept open between requests (docs/deployment.md, "an opening rush on a small machine").
GUNICORN = "--worker-class gthread --threads 4 --keep-alive 5 --backlog 2048"


def add_arguments(group) -> None:
    group.add_argument("--rush-residents", type=int, nargs="+", default=[500, 2000])
    group.add_argument("--rush-rate", type=int, default=RATE, help="admitted per minute")
    group.add_argument("--rush-workers", type=int, default=2, help="gunicorn workers")
    group.add_argument(
        "--rush-gunicorn",
        default=GUNICORN,
        help="more gunicorn options, e.g. '--worker-class gthread --threads 4'",
    )
    group.add_argument("--rush-seconds", type=float, default=90, help="bound of one rush")
    group.add_argument(
        "--rush-connections", type=int, default=64, help="the load generator's connections"
    )
    group.add_argument(
        "--rush-refused", type=int, default=2000, help="requests per refused-request run"
    )


def _steps(env: dict, step: str, *args) -> dict:
    import json
    import subprocess
    import sys

    from bench.common import ROOT

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


@dataclass
class Resident:
    n: int
    token: str
    arrived: float = 0.0  # seconds from the start to the person's first request
    joined: float = 0.0  # seconds from the start to the place in line
    admitted_at: float | None = None
    final: str = ""  # booked / sold_out / gave_up / error
    final_at: float = 0.0
    tries: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)


@dataclass
class Tally:
    latencies: list = field(default_factory=list)  # every request
    booking_latencies: list = field(default_factory=list)  # admitted people's bookings
    statuses: collections.Counter = field(default_factory=collections.Counter)
    kinds: collections.Counter = field(default_factory=collections.Counter)
    first_5xx: str = ""
    unexpected: list = field(default_factory=list)


async def _call(pool, tally, kind, method, path, *, headers, json=None, timeout=30):
    """One request through the lean client; (body, status, seconds) — status 0: no answer."""
    import json as _json

    body = b""
    if json is not None:
        body = _json.dumps(json, ensure_ascii=False).encode()
        headers = {**headers, "Content-Type": "application/json"}
    started = time.perf_counter()
    try:
        response = await pool.request(method, path, headers, body, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - a load generator counts every failure
        tally.latencies.append(time.perf_counter() - started)
        tally.statuses[0] += 1
        tally.kinds[(kind, 0)] += 1
        return None, 0, repr(error)
    took = time.perf_counter() - started
    tally.latencies.append(took)
    tally.statuses[response.status_code] += 1
    tally.kinds[(kind, response.status_code)] += 1
    if response.headers.get("x-queue-lane"):
        tally.kinds[(kind + " (lane)", response.status_code)] += 1
    if response.status_code >= 500 and not tally.first_5xx:
        tally.first_5xx = response.text[:600]
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    return answer, response.status_code, took


def _base_headers(host: str, port: int) -> dict:
    return {
        "Host": f"{host}:{port}",
        "X-Forwarded-Proto": "https",
        "User-Agent": "suite-bench/1.0",
        "Accept-Language": "ko",
        "Accept": "application/json",
    }


async def rush(
    fixture: dict, port: int, residents: int, *, bound: float, opens_in: float, connections: int
):
    """Everyone arrives at once; each waits, books one slot (two more after a 409)."""
    base = _base_headers(fixture["host"], port)
    facility = fixture["facility"]
    slots = fixture["slots"]
    tally = Tally()
    people = [Resident(n, fixture["tokens"][n]) for n in range(residents)]
    start = time.perf_counter()
    deadline = start + bound

    # One bounded set of connections (the lean client, bench/client.py): each resident
    # sends their own token and address; the sockets are shared as a proxy's would be.
    async with RawPool(port, connections) as visitor:

        async def resident(p: Resident) -> None:
            headers = {
                **base,
                "Authorization": f"Bearer {p.token}",
                "Accept": "application/json",
                # Each resident from an address of their own, as the TLS proxy reports it.
                "X-Forwarded-For": f"10.{p.n // 65536 % 256}.{p.n // 256 % 256}.{p.n % 256}",
            }
            queue = f"/api/v1/facilities/{facility}/queue/"
            p.arrived = time.perf_counter() - start
            body, status, _took = await _call(
                visitor, tally, "join", "POST", queue, headers=headers
            )
            place = (body or {}).get("place", "")
            p.joined = time.perf_counter() - start if place or status == 200 else 0.0
            rng = random.Random(p.n)
            tried: set[int] = set()
            while time.perf_counter() < deadline:
                state = (body or {}).get("state")
                if status == 0 or status >= 500:
                    await asyncio.sleep(1)
                elif state == "sold_out":
                    p.final = "sold_out"
                    break
                elif state in ("admitted", "off"):
                    if p.admitted_at is None:
                        p.admitted_at = time.perf_counter() - start
                    free = [i for i in range(len(slots)) if i not in tried]
                    if p.tries >= 3 or not free:
                        p.final = "gave_up"
                        break
                    pick = rng.choice(free)
                    tried.add(pick)
                    p.tries += 1
                    booked, code, took = await _call(
                        visitor,
                        tally,
                        "booking",
                        "POST",
                        "/api/v1/reservations/",
                        headers=headers,
                        json={
                            "facility": facility,
                            "start": slots[pick][0],
                            "end": slots[pick][1],
                            "purpose": "오픈 러시",
                            "headcount": 10,
                            "contact_phone": "010-0000-0000",
                        },
                    )
                    if code and code < 500:
                        tally.booking_latencies.append(took)
                    if code == 201:
                        p.final = "booked"
                        break
                    error = ((booked or {}).get("error") or {}).get("code", "")
                    if code == 409 and error == "sold_out":
                        p.final = "sold_out"
                        break
                    if code == 409:
                        continue  # the slot went: another one
                    if code == 429:
                        await asyncio.sleep(1)
                        continue
                    tally.unexpected.append(f"booking {code}: {str(booked)[:200]}")
                    p.final = "error"
                    break
                elif state == "waiting":
                    await asyncio.sleep(max(0.2, float(body.get("poll_after") or 1)))
                else:
                    tally.unexpected.append(f"queue {status}: {str(body)[:200]}")
                    p.final = "error"
                    break
                if place:
                    body, status, _took = await _call(
                        visitor, tally, "poll", "GET", f"{queue}?place={place}", headers=headers
                    )
                else:  # the join went unanswered: join again (the same place if it was made)
                    body, status, _took = await _call(
                        visitor, tally, "join", "POST", queue, headers=headers
                    )
                place = (body or {}).get("place") or place
                if place and not p.joined:
                    p.joined = time.perf_counter() - start
            p.final_at = time.perf_counter() - start
            if not p.final:
                p.final = "no_answer_in_time"

        # Arrivals spread over the first 200 ms, as a crowd pressing the button does.
        async def arrive(p: Resident) -> None:
            await asyncio.sleep(random.Random(p.n).random() * 0.2)
            await resident(p)

        await asyncio.gather(*(arrive(p) for p in people))
    seconds = time.perf_counter() - start
    return people, tally, seconds


async def refused(fixture: dict, port: int, count: int, concurrency: int = 32):
    """Booking requests that are refused (taken slots or no admission), as fast as the
    server answers them: requests a second and latency."""
    base = _base_headers(fixture["host"], port)
    tally = Tally()
    tokens = fixture["tokens"]
    slots = fixture["slots"]
    sent = 0
    start = time.perf_counter()
    async with RawPool(port, concurrency) as client:

        async def user(n: int) -> None:
            nonlocal sent
            rng = random.Random(n)
            while sent < count and time.perf_counter() - start < 60:
                sent += 1
                k = rng.randrange(len(tokens))
                slot = slots[rng.randrange(len(slots))]
                await _call(
                    client,
                    tally,
                    "refused",
                    "POST",
                    "/api/v1/reservations/",
                    headers={
                        **base,
                        "Authorization": f"Bearer {tokens[k]}",
                        "X-Forwarded-For": f"10.9.{k // 256 % 256}.{k % 256}",
                    },
                    json={
                        "facility": fixture["facility"],
                        "start": slot[0],
                        "end": slot[1],
                        "purpose": "거절 측정",
                        "headcount": 10,
                        "contact_phone": "010-0000-0000",
                    },
                )

        await asyncio.gather(*(user(n) for n in range(concurrency)))
    seconds = time.perf_counter() - start
    stats = summary(tally.latencies)
    return {
        "requests": len(tally.latencies),
        "seconds": seconds,
        "per_second": len(tally.latencies) / seconds,
        "p50_ms": ms(stats.get("p50", 0)),
        "p99_ms": ms(stats.get("p99", 0)),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "server_errors": sum(v for k, v in tally.statuses.items() if k >= 500 or k == 0),
    }


def _pct(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def analyse(people, tally, seconds) -> dict:
    stats = summary(tally.latencies)
    finals = collections.Counter(p.final for p in people)
    admitted = [p for p in people if p.admitted_at is not None]
    return {
        "residents": len(people),
        "requests": len(tally.latencies),
        "seconds": seconds,
        "per_second": len(tally.latencies) / seconds if seconds else 0,
        "p50_ms": ms(stats.get("p50", 0)),
        "p95_ms": ms(stats.get("p95", 0)),
        "p99_ms": ms(stats.get("p99", 0)),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "kinds": {f"{k} {s}": v for (k, s), v in sorted(tally.kinds.items())},
        "server_errors": sum(v for k, v in tally.statuses.items() if k >= 500),
        "no_answer": tally.statuses.get(0, 0),
        "finals": dict(finals),
        # from each person's own arrival (their first request) to their place
        "place_p50_s": _pct([(p.joined or seconds) - p.arrived for p in people], 50),
        "place_max_s": max((p.joined or seconds) - p.arrived for p in people),
        "admitted": len(admitted),
        "admitted_booking_p50_ms": ms(_pct(tally.booking_latencies, 50)),
        "admitted_booking_p99_ms": ms(_pct(tally.booking_latencies, 99)),
        "final_p50_s": _pct([p.final_at for p in people], 50),
        "final_max_s": max(p.final_at for p in people),
        "unexpected": tally.unexpected[:5],
        "unexpected_count": len(tally.unexpected),
        "first_5xx": tally.first_5xx,
    }


@contextlib.contextmanager
def rush_world(workers: int, residents: int, gunicorn_args: tuple[str, ...] = ()):
    cluster = BenchCluster("rush")
    cluster.create()
    try:
        admin(cluster.url, "CREATE DATABASE suite")
        url = cluster.database_url("suite")
        # A port the system hands out, not the shared 8161–8169: another session's server
        # starting there between the check and gunicorn's bind would answer instead.
        port = free_port(1, 0)
        env = environment(
            url,
            port,
            EMAIL_FILE_PATH=cluster.home / "mail",
            API_NUM_PROXIES=1,  # behind the TLS proxy, which reports the client's address
        )
        print("· rush: own cluster, migrating and seeding", flush=True)
        prepare(env, seed=True)
        steps_env = django_env(url)
        fixture = _steps(steps_env, "rush_fixture", residents)
        # A freshly seeded database (thousands of new people and tokens) is not what an
        # opening meets in production: let autovacuum's analyze and the checkpoint that
        # the bulk load calls for happen now, not during the timed rush.
        admin(url, "VACUUM ANALYZE")
        admin(url, "CHECKPOINT")
        stack = Stack(
            env, port, workers=workers, logs=cluster.home / "logs", gunicorn_args=gunicorn_args
        )
        print(f"· gunicorn ×{workers} + task worker on 127.0.0.1:{port}", flush=True)
        stack.start()
        try:
            if not stack.web.alive():
                raise RuntimeError(f"gunicorn did not stay up on 127.0.0.1:{port} (port taken?)")
            yield fixture, port, steps_env
        finally:
            stack.stop()
    finally:
        cluster.destroy()


def run(args) -> dict:
    sizes = [100, 300] if args.quick else args.rush_residents
    results: dict = {"runs": {}, "rate": args.rush_rate, "workers": args.rush_workers}
    figures = []
    gunicorn_args = tuple(args.rush_gunicorn.split())
    with rush_world(args.rush_workers, max(sizes), gunicorn_args) as (fixture, port, steps_env):
        for size in sizes:
            _steps(steps_env, "rush_open", 1500, args.rush_rate, 1)
            time.sleep(0.3)
            print(f"· rush: {size} residents, room admitting {args.rush_rate}/min", flush=True)
            people, tally, seconds = asyncio.run(
                rush(
                    fixture,
                    port,
                    size,
                    bound=args.rush_seconds,
                    opens_in=1.5,
                    connections=args.rush_connections,
                )
            )
            result = analyse(people, tally, seconds)
            result["verify"] = _steps(steps_env, "rush_verify")
            results["runs"][size] = result
            v = result["verify"]
            figures += [
                figure(
                    f"{size}: requests, throughput",
                    f"{result['requests']:,} in {seconds:.1f} s",
                    note=f"{result['per_second']:.0f} req/s",
                ),
                figure(
                    f"{size}: latency p50 / p95 / p99",
                    f"{result['p50_ms']:.0f} / {result['p95_ms']:.0f} / {result['p99_ms']:.0f}",
                    "ms",
                ),
                figure(
                    f"{size}: place in line after arriving, slowest",
                    result["place_max_s"],
                    "s",
                    target="≤ 1 s" if size <= 500 else "",
                    met=(result["place_max_s"] <= 1) if size <= 500 else None,
                    note=f"median {result['place_p50_s']:.2f} s",
                ),
                figure(
                    f"{size}: admitted people's booking requests, p99",
                    result["admitted_booking_p99_ms"],
                    "ms",
                    target="< 1,000 ms" if size <= 500 else "",
                    met=(result["admitted_booking_p99_ms"] < 1000) if size <= 500 else None,
                    note=f"p50 {result['admitted_booking_p50_ms']:.0f} ms, {result['admitted']} admitted",
                ),
                figure(
                    f"{size}: everyone told booked / sold out, slowest",
                    result["final_max_s"],
                    "s",
                    target="≤ 15 s" if size <= 500 else "",
                    met=(result["final_max_s"] <= 15) if size <= 500 else None,
                    note=", ".join(f"{k} {n}" for k, n in sorted(result["finals"].items())),
                ),
                figure(
                    f"{size}: slots held twice / people over the limit",
                    f"{v['slots_held_twice']} / {v['people_over_limit']}",
                    target="0 / 0",
                    met=v["slots_held_twice"] == 0
                    and v["people_over_limit"] == 0
                    and v["overlapping"] == 0,
                    note=f"{v['bookings']} bookings of 50 slots",
                ),
                figure(
                    f"{size}: 5xx / no answer",
                    f"{result['server_errors']} / {result['no_answer']}",
                    target="0 / 0",
                    met=result["server_errors"] == 0 and result["no_answer"] == 0,
                ),
            ]
        # Refused requests: every slot is taken now.
        count = 500 if args.quick else args.rush_refused
        print("· refused requests with the room (no admission / sold out)", flush=True)
        after = asyncio.run(refused(fixture, port, count))
        _steps(steps_env, "rush_room", 0)
        time.sleep(1.2)  # the processes' snapshots of the room expire
        print("· refused requests without the room (taken slots, full booking path)", flush=True)
        before = asyncio.run(refused(fixture, port, count))
    results["refused_with_room"] = after
    results["refused_without_room"] = before
    # Issue 18's 56–79 req/s were refused requests of a rush without a waiting room, so
    # its target (3 × 79) is read against the same request: the room off, the booking
    # service's 409. With the room, the refusal is another request (403 before it).
    figures += [
        figure(
            "refused booking request, without the room (the booking service says 409)",
            before["per_second"],
            "req/s",
            target=f"≥ {3 * BEFORE[1]} req/s (3 × {BEFORE[1]})",
            met=before["per_second"] >= 3 * BEFORE[1] and before["server_errors"] == 0,
            note=f"p50 {before['p50_ms']:.0f} ms, p99 {before['p99_ms']:.0f} ms; "
            + ", ".join(f"{k}×{v}" for k, v in before["statuses"].items())
            + f"; issue 18 measured {BEFORE[0]}–{BEFORE[1]} req/s without a room",
        ),
        figure(
            "refused booking request, with the room (the lane's 403 / 409 before the service)",
            after["per_second"],
            "req/s",
            note=f"p50 {after['p50_ms']:.0f} ms, p99 {after['p99_ms']:.0f} ms; "
            + ", ".join(f"{k}×{v}" for k, v in after["statuses"].items()),
        ),
    ]
    results["figures"] = figures
    results["notes"] = NOTES.format(
        rate=args.rush_rate,
        workers=args.rush_workers,
        gunicorn=args.rush_gunicorn or "sync workers",
        connections=args.rush_connections,
    )
    return results


NOTES = (
    "The suite as production runs it (gunicorn ×{workers}, `{gunicorn}`, the task worker, "
    "production settings, CACHE_URL=db:// shared by the workers, one proxy trusted for "
    "X-Forwarded-For) on a PostgreSQL cluster of the benchmark's own, seeded with the demo "
    "world; the load generator on the same 2 cores, loopback only, each run bounded in time: "
    "asyncio with a lean HTTP/1.1 client (bench/client.py RawPool: {connections} keep-alive "
    "connections at most, each resident with their own API token and address). A facility "
    "offers 50 one-hour slots over five days; its waiting room opens 1.5 s after the "
    "residents start arriving (spread over 200 ms) and admits {rate} a minute; an admitted "
    "person has 2 minutes to book. Each resident joins the line (POST "
    "/api/v1/facilities/<id>/queue/), polls with the place token when told to (poll_after), "
    "and once admitted tries one random slot, and up to two others after a 409; 'sold out' "
    "(from the room's flag) ends the wait. The targets are issue 15's, for 500 residents; "
    "2,000 show how it grows. 'Place in line' is the time from a person's "
    "first request to the answer with their place (arrivals spread over 200 ms). Joins and polls are answered by the waiting "
    "room's fast lane in front of Django (facility_booking/waiting_room_lane.py), and so "
    "are the booking requests it refuses while the room runs — not admitted, sold out, "
    "slot taken (facility_booking/booking_lane.py); '(lane)' below counts them. Afterwards the database is checked: no slot held twice, nobody "
    "over the per-person limit (1). Refused requests: 32 clients post bookings for taken "
    "slots as fast as they are answered, first with the room running (no admission → 403, "
    "answered by the lane), then with the room off (the booking service answers 409)."
)


def details(result: dict) -> str:
    lines = [
        "| residents | requests | req/s | p50 | p95 | p99 | answers | final answers |",
        "|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for size, r in result["runs"].items():
        answers = ", ".join(f"{k}×{v}" for k, v in r["statuses"].items())
        finals = ", ".join(f"{k} {v}" for k, v in sorted(r["finals"].items()))
        lines.append(
            f"| {int(size):,} | {r['requests']:,} | {r['per_second']:.0f} | {r['p50_ms']:.0f} ms |"
            f" {r['p95_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {answers} | {finals} |"
        )
    text = "\n".join(lines)
    for size, r in result["runs"].items():
        kinds = ", ".join(f"{k}×{v}" for k, v in r["kinds"].items())
        text += f"\n\n{int(size):,} residents, by request: {kinds}."
        if r.get("unexpected"):
            text += f" Unexpected answers ({r['unexpected_count']}): `{r['unexpected'][0]}`"
        if r.get("first_5xx"):
            text += f"\n\nFirst 5xx:\n\n```\n{r['first_5xx']}\n```\n"
    return text + "\n"
