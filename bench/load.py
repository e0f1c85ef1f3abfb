"""Mixed traffic against the suite run as in production (gunicorn ×4, WhiteNoise, the
task worker, production settings): throughput, p50/p95/p99 per kind, 0 × 5xx."""

import asyncio
import collections

from bench.common import figure, ms, summary
from bench.traffic import EXPECTED, MIX, mixed_traffic, production_world

TITLE = "Mixed traffic, served as in production"


def add_arguments(group) -> None:
    group.add_argument("--load-seconds", type=float, default=60, help="measured duration")
    group.add_argument("--load-users", type=int, default=16, help="concurrent virtual users")
    group.add_argument("--load-max", type=int, default=20000, help="request cap")
    group.add_argument("--load-workers", type=int, default=4, help="gunicorn workers")


def analyse(samples, seconds: float) -> dict:
    by_kind = collections.defaultdict(list)
    for s in samples:
        by_kind[s.kind].append(s)
    kinds = {}
    for kind, items in sorted(by_kind.items()):
        stats = summary([s.seconds for s in items])
        kinds[kind] = {
            "count": len(items),
            "per_second": len(items) / seconds,
            "p50_ms": ms(stats["p50"]),
            "p95_ms": ms(stats["p95"]),
            "p99_ms": ms(stats["p99"]),
            "statuses": dict(collections.Counter(s.status for s in items)),
        }
    everything = summary([s.seconds for s in samples])
    return {
        "requests": len(samples),
        "per_second": len(samples) / seconds,
        "p50_ms": ms(everything.get("p50", 0)),
        "p95_ms": ms(everything.get("p95", 0)),
        "p99_ms": ms(everything.get("p99", 0)),
        "server_errors": sum(1 for s in samples if s.status >= 500),
        "no_answer": sum(1 for s in samples if s.status == 0),
        "unexpected": sum(
            1 for s in samples if s.status and s.status < 500 and s.status not in EXPECTED[s.kind]
        ),
        "kinds": kinds,
        "first_5xx": next((s.body[:600] for s in samples if s.status >= 500), ""),
        "first_unexpected": next(
            (
                f"{s.kind} {s.status}: {s.body[:300]}"
                for s in samples
                if s.status and s.status < 500 and s.status not in EXPECTED[s.kind]
            ),
            "",
        ),
    }


def run(args) -> dict:
    seconds = 15 if args.quick else args.load_seconds
    users = args.load_users
    with production_world("load", workers=args.load_workers) as world:
        print("· warming up (5 s)", flush=True)
        asyncio.run(mixed_traffic(world, seconds=5, concurrency=4, max_requests=500))
        print(f"· {users} users for {seconds:.0f} s", flush=True)
        samples = asyncio.run(
            mixed_traffic(world, seconds=seconds, concurrency=users, max_requests=args.load_max)
        )
        build = world.seconds_to_build
    result = analyse(samples, seconds)
    result.update(
        {"seconds": seconds, "users": users, "workers": args.load_workers, "build": build}
    )
    result["figures"] = [
        figure("requests", result["requests"], note=f"{users} users, {seconds:.0f} s"),
        figure("throughput", result["per_second"], "req/s"),
        figure("p50", result["p50_ms"], "ms"),
        figure("p95", result["p95_ms"], "ms", target="≤ 1,000 ms", met=result["p95_ms"] <= 1000),
        figure("p99", result["p99_ms"], "ms", target="≤ 2,000 ms", met=result["p99_ms"] <= 2000),
        figure(
            "5xx answers", result["server_errors"], target="0", met=result["server_errors"] == 0
        ),
        figure(
            "answers outside what the client is promised (e.g. 404, 403)",
            result["unexpected"],
            target="0",
            met=result["unexpected"] == 0,
        ),
        figure(
            "no answer (refused, reset, timeout)",
            result["no_answer"],
            target="0",
            met=result["no_answer"] == 0,
        ),
    ]
    return result


def details(result: dict) -> str:
    lines = [
        "| kind | share | requests | req/s | p50 | p95 | p99 | answers |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    total = sum(MIX.values())
    for kind, k in result["kinds"].items():
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(k["statuses"].items()))
        lines.append(
            f"| {kind} | {MIX.get(kind, 0) * 100 // total} % | {k['count']:,} | {k['per_second']:.1f} |"
            f" {k['p50_ms']:.0f} ms | {k['p95_ms']:.0f} ms | {k['p99_ms']:.0f} ms | {statuses} |"
        )
    text = "\n".join(lines)
    text += f"""

What runs: `make serve-prod`'s stack (bench/stack.py) — gunicorn with {result["workers"]} sync
workers, static files by WhiteNoise, the task worker, `suite.settings.production` with the
hosts of this machine — against a PostgreSQL 16 cluster of the benchmark's own
(var/bench/load, migrated and seeded with the demo world, built in {result["build"]:.0f} s),
all on this machine. The load generator (bench/traffic.py, asyncio + httpx) runs
closed-loop users on the same 2 cores, sends what the TLS proxy would
(`X-Forwarded-Proto: https`) and talks only to 127.0.0.1.

- **search**: the portal's search page, anonymous, one of a few common words;
- **availability**: `GET /api/v1/facilities/<id>/availability/` for a week, as a resident (API token);
- **booking**: `POST /api/v1/reservations/` for a random slot 6–28 days ahead, as a resident:
  201 when the slot is free, 409 when taken, 400 when a rule refuses (per-person cap,
  window), 429 when the person's booking rate is spent — all answers a client is
  promised; only 5xx and no answer count as failures;
- **inbox** / **dashboard**: the approval inbox and the staff dashboard, signed in as staff
  (through the login form and the sign-in hop to the institution's host).
"""
    if result.get("first_unexpected"):
        text += f"\nFirst unexpected answer seen:\n\n```\n{result['first_unexpected']}\n```\n"
    if result.get("first_5xx"):
        text += f"\nFirst 5xx answer seen:\n\n```\n{result['first_5xx']}\n```\n"
    return text
