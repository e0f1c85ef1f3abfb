"""The production-style world the load and fault benchmarks share, and their traffic.

``production_world``: a PostgreSQL cluster of the benchmark's own (var/bench/<name>),
migrated and seeded with the demo world, residents with API tokens, and the suite
served by gunicorn + the task worker with production settings (bench/stack.py).

``mixed_traffic``: closed-loop virtual users, bounded by time and by a request count,
mixing what people do most — portal search (anonymous), availability and booking
(residents, API), the approval inbox and the staff dashboard (staff, signed in through
the login form and the sign-in hop to their institution's host).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import time
from dataclasses import dataclass

from bench.client import Sample, Visitor, new_client, timed
from bench.common import BenchCluster, admin, django_env, free_port, worker
from bench.stack import Stack, environment, prepare

DEMO_PASSWORD = "demo1234!"
STAFF = {
    "culture": ["culture.staff1@demo.kr", "culture.staff2@demo.kr", "culture.staff3@demo.kr"],
    "sports": ["sports.staff1@demo.kr", "sports.staff2@demo.kr"],
}
SEARCH_TERMS = [
    "공연장",
    "체육관",
    "회의실",
    "축구장",
    "연습실",
    "세미나실",
    "강당",
    "안내",
    "주차",
]
# What people do, and how often (weights).
MIX = {"search": 30, "availability": 25, "dashboard": 20, "inbox": 15, "booking": 10}
# The answers a client is promised for each (anything else is a failure, 5xx or not):
# a booking may be made (201), refused by a rule (400), lose the slot (409) or be
# rate-limited (429); reads may be rate-limited too.
EXPECTED = {
    "search": {200},
    "dashboard": {200},
    "inbox": {200},
    "availability": {200, 429},
    "booking": {201, 400, 409, 429},
}


@dataclass
class World:
    cluster: BenchCluster
    url: str
    env: dict
    stack: Stack
    fixture: dict
    seconds_to_build: float

    @property
    def port(self) -> int:
        return self.stack.port

    @property
    def apex(self) -> str:
        return f"https://localhost:{self.port}"

    def host(self, slug_host: str) -> str:
        return f"https://{slug_host}:{self.port}"


@contextlib.contextmanager
def production_world(name: str, *, residents: int = 24, workers: int = 4, extra_env=None):
    started = time.perf_counter()
    cluster = BenchCluster(name)
    cluster.create()
    try:
        admin(cluster.url, "CREATE DATABASE suite")
        url = cluster.database_url("suite")
        port = free_port()
        env = environment(url, port, EMAIL_FILE_PATH=cluster.home / "mail", **(extra_env or {}))
        print(f"· {name}: own cluster {cluster.home}, migrating and seeding", flush=True)
        prepare(env, seed=True)
        fixture = worker(django_env(url), "load_fixture", residents)
        stack = Stack(env, port, workers=workers, logs=cluster.home / "logs")
        print(f"· gunicorn ×{workers} + task worker on 127.0.0.1:{port}", flush=True)
        stack.start()
        try:
            yield World(cluster, url, env, stack, fixture, time.perf_counter() - started)
        finally:
            stack.stop()
    finally:
        cluster.destroy()


def _institution_hosts(world: World) -> dict[str, str]:
    """demo slug → host (culture → culture.localhost)."""
    return {h.split(".")[0]: h for h in world.fixture["facilities"]}


async def sign_in_staff(world: World, client) -> list[tuple[Visitor, str]]:
    hosts = _institution_hosts(world)
    people = []
    for slug, emails in STAFF.items():
        if slug not in hosts:
            continue
        for email in emails:
            visitor = Visitor(client, world.port)
            await visitor.sign_in(world.apex, email, DEMO_PASSWORD)
            # The sign-in hop: the institution host hands over to the portal and back.
            await visitor.request("GET", world.host(hosts[slug]) + "/staff/")
            people.append((visitor, world.host(hosts[slug])))
    return people


def _booking_payload(facility: dict, rng: random.Random) -> dict:
    day = dt.date.today() + dt.timedelta(days=rng.randint(6, 28))
    hour = rng.randint(9, 17)
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone(dt.timedelta(hours=9)))
    end = start + dt.timedelta(minutes=max(facility["min"], facility["slot"]))
    return {
        "facility": facility["id"],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "purpose": "부하 시험 예약",
        "headcount": 10,
        "contact_phone": "010-0000-0000",
    }


async def mixed_traffic(
    world: World,
    *,
    seconds: float,
    concurrency: int,
    max_requests: int,
    seed: int = 19,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    timeout: float = 15,
) -> list[Sample]:
    """Closed-loop users for ``seconds`` (or ``max_requests``), each picking an action by
    MIX. Every answer is recorded with its status (0 = no answer) and duration."""
    samples: list[Sample] = []
    async with new_client(concurrency * 2) as client:
        staff = await sign_in_staff(world, client)
        residents = []
        for email, token in world.fixture["tokens"].items():
            visitor = Visitor(client, world.port, token=token)
            residents.append((email, visitor))
        facilities = [
            (world.host(host), f)
            for host, items in world.fixture["facilities"].items()
            for f in items
        ]
        deadline = time.perf_counter() + seconds
        if ready is not None:
            ready.set()  # everyone signed in: the clock starts now
        kinds, weights = zip(*MIX.items(), strict=True)

        async def user(n: int) -> None:
            local = random.Random(seed * 1000 + n)
            while time.perf_counter() < deadline and len(samples) < max_requests:
                if stop is not None and stop.is_set():
                    return
                kind = local.choices(kinds, weights)[0]
                if kind == "search":
                    term = local.choice(SEARCH_TERMS)
                    sample = await timed(
                        Visitor(client, world.port),
                        kind,
                        "GET",
                        f"{world.apex}/portal/search/?q={term}",
                        timeout=timeout,
                    )
                elif kind in ("dashboard", "inbox"):
                    visitor, host = local.choice(staff)
                    path = "/staff/" if kind == "dashboard" else "/staff/approval/"
                    sample = await timed(visitor, kind, "GET", host + path, timeout=timeout)
                else:
                    _email, visitor = local.choice(residents)
                    host, facility = local.choice(facilities)
                    auth = {
                        "Authorization": f"Bearer {visitor.token}",
                        "Accept": "application/json",
                    }
                    if kind == "availability":
                        start = dt.datetime.now(dt.UTC) + dt.timedelta(days=local.randint(0, 20))
                        query = f"from={start:%Y-%m-%dT00:00:00Z}&to={start + dt.timedelta(days=7):%Y-%m-%dT00:00:00Z}"
                        sample = await timed(
                            visitor,
                            kind,
                            "GET",
                            f"{host}/api/v1/facilities/{facility['id']}/availability/?{query}",
                            headers=auth,
                            timeout=timeout,
                        )
                    else:
                        sample = await timed(
                            visitor,
                            kind,
                            "POST",
                            f"{host}/api/v1/reservations/",
                            json=_booking_payload(facility, local),
                            headers=auth,
                            timeout=timeout,
                            keep_body=True,
                        )
                samples.append(sample)
                if sample.status == 0:
                    await asyncio.sleep(0.05)  # no answer: do not spin

        await asyncio.gather(*(user(n) for n in range(concurrency)))
    return samples
