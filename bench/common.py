"""What every benchmark shares: the machine, databases of its own, subprocesses, figures.

Benchmarks never touch the development or test databases. Two ways to get one:

- ``scratch_database(name)``: a database of its own on the embedded server (or on
  the server ``DATABASE_URL`` names), created and dropped by the benchmark;
- ``BenchCluster``: a PostgreSQL cluster of its own (pgserver's binaries, a data
  directory under ``var/bench/``), for what must stop and start the server
  (the fault benchmarks) or fill it with a thousand schemas.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"


# --- the machine -------------------------------------------------------------------


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- figures -----------------------------------------------------------------------


def figure(
    name: str,
    value,
    unit: str = "",
    *,
    target: str = "",
    met: bool | None = None,
    note: str = "",
) -> dict:
    """One row of a benchmark's table: what was measured, its target, met or not."""
    return {"name": name, "value": value, "unit": unit, "target": target, "met": met, "note": note}


def summary(timings: list[float]) -> dict:
    """Mean, median, percentiles and extremes of a list of seconds."""
    if not timings:
        return {"count": 0}
    ordered = sorted(timings)

    def pct(p: float) -> float:
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]

    return {
        "count": len(ordered),
        "mean": statistics.mean(ordered),
        "median": statistics.median(ordered),
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "min": ordered[0],
        "max": ordered[-1],
    }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- databases ---------------------------------------------------------------------


def server_url() -> str:
    """The server the suite uses (DATABASE_URL, or the embedded one started on demand)."""
    sys.path.insert(0, str(ROOT))
    from suite.embedded_db import database_url

    return database_url()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def query(url: str, statement: str, params=None) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(statement, params).fetchall()


@contextlib.contextmanager
def scratch_database(name: str, *, base: str | None = None, keep: bool = False):
    """A database of the benchmark's own on the suite's server; dropped afterwards."""
    base = base or server_url()
    admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(base, f'CREATE DATABASE "{name}"')
    try:
        yield with_database(base, name)
    finally:
        if not keep:
            admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class BenchCluster:
    """A PostgreSQL cluster of the benchmark's own (pgserver's PostgreSQL 16 binaries),
    listening on a Unix socket in its own directory only. Never the shared cluster:
    the fault benchmarks stop and start this one while others keep working."""

    def __init__(self, name: str):
        import pgserver

        self.bin = Path(pgserver.__file__).parent / "pginstall" / "bin"
        self.home = VAR / name
        self.data = self.home / "data"
        self.socket = self.home / "sock"
        self.log = self.home / "postgres.log"

        # PostgreSQL refuses to run as root: as root (CI, these machines) the cluster
        # belongs to the unprivileged user pgserver itself uses for the shared cluster.
        self.owner = "pgserver" if os.geteuid() == 0 else None

    def pg(self, tool: str, *args, check: bool = True, timeout: float = 120):
        done = subprocess.run(
            [str(self.bin / tool), *map(str, args)],
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.owner,
        )
        if check and done.returncode:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr[-2000:]}")
        return done

    def _own(self) -> None:
        if self.owner is None:
            return
        import pwd

        from pgserver.utils import ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists(self.owner)
        entry = pwd.getpwnam(self.owner)
        ensure_prefix_permissions(self.home)
        for path in [self.home, *self.home.rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql://postgres:@/postgres?host={self.socket}"

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres:@/{name}?host={self.socket}"

    def create(self, *, max_connections: int = 150, extra: dict | None = None) -> None:
        self.destroy()
        self.socket.mkdir(parents=True)
        self._own()
        self.pg("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        settings = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.socket}'",
            "max_connections": max_connections,
            "shared_buffers": "256MB",
            "fsync": "on",
            "logging_collector": "off",
            **(extra or {}),
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")
        self.start()

    def start(self, timeout: float = 60) -> None:
        self.pg("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", int(timeout), "start")

    def stop(self, mode: str = "fast") -> None:
        self.pg("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self.pg("pg_ctl", "-D", self.data, "status", check=False).returncode == 0

    def destroy(self) -> None:
        if self.data.exists():
            self.stop("immediate")
        shutil.rmtree(self.home, ignore_errors=True)

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.data.rglob("*") if p.is_file())


# --- processes ---------------------------------------------------------------------


def free_port(start: int = 8161, end: int = 8169) -> int:
    """A free loopback port in the benchmark's range (8161–8169), else any free one."""
    for port in range(start, end + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django_env(database_url: str, *, settings: str = "bench.settings", **extra) -> dict:
    """Environment for a subprocess of the suite pointed at a benchmark database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "PYTHONPATH": str(ROOT),
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env: dict, *args, timeout: float = 1800) -> tuple[float, str]:
    """Run manage.py with this environment; (seconds, output)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(map(str, args))} failed:\n{done.stderr[-4000:]}")
    return time.perf_counter() - started, done.stdout


def worker(env: dict, step: str, *args, timeout: float = 3600) -> dict:
    """A step of bench/worker.py in a fresh process; its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", step, *map(str, args)],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"bench.worker {step} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Process:
    """A long-running child (a server, a worker) in its own process group."""

    name: str
    argv: list
    env: dict
    log: Path
    popen: subprocess.Popen | None = None
    started: list = field(default_factory=list)

    def start(self) -> Process:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("ab")
        self.popen = subprocess.Popen(  # noqa: S603
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(time.time())
        return self

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive():
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(timeout=10)


def wait_for_http(url: str, *, host: str | None = None, timeout: float = 60) -> float:
    """Poll until the URL answers (any status below 500); seconds waited."""
    import httpx

    started = time.perf_counter()
    headers = {"Host": host} if host else {}
    while time.perf_counter() - started < timeout:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, headers=headers, timeout=2).status_code < 500:
                return time.perf_counter() - started
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
