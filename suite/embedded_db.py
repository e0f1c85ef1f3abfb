"""The embedded PostgreSQL (pgserver) used when DATABASE_URL is not set.

A newcomer needs nothing installed: the first process that asks starts a
private cluster under ``var/pgdata``; every process holds a handle and the
server stops when the last one exits (Ctrl-C on ``make run``).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("SUITE_PGDATA", BASE_DIR / "var" / "pgdata"))

_server = None


def embedded_database_url() -> str:
    """Start (or attach to) the embedded cluster and return its URL."""
    global _server
    if _server is None:
        import warnings

        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless here.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver  # imported lazily: production never loads it

        PGDATA.parent.mkdir(parents=True, exist_ok=True)
        _forget_dead_handles()
        _server = pgserver.get_server(PGDATA, cleanup_mode="stop")
        _apply_tuning(_server)
    return _server.get_uri()


# One schema per institution: cloning the template locks about 500 relations in one
# transaction, and PostgreSQL's shared lock table (64 slots per connection by default)
# runs out when two clones overlap (an onboarding burst, parallel test workers).
TUNING = {"max_locks_per_transaction": "256"}
_TUNING_MARKER = "# agency-cloud-suite (suite/embedded_db.py)"


def _apply_tuning(server) -> None:
    """Write TUNING into the cluster's postgresql.conf once. The settings need a restart,
    so the server is restarted now only when this process is its sole user (a fresh
    cluster, ``make run``/``make test`` starting it); otherwise at its next start."""
    from pgserver import pg_ctl
    from pgserver.postgres_server import PostgresServer, PostmasterInfo

    conf = PGDATA / "postgresql.conf"
    text = conf.read_text()
    if _TUNING_MARKER in text:
        return
    lines = "".join(f"{name} = {value}\n" for name, value in TUNING.items())
    conf.write_text(f"{text}\n{_TUNING_MARKER}\n{lines}")
    with PostgresServer._lock:
        if server.global_process_id_list.get() == [os.getpid()]:
            pg_ctl(["-w", "restart"], pgdata=PGDATA, user=server.system_user, timeout=30)
            # pgserver stops the server it started when the last handle exits: point it
            # at the restarted postmaster.
            server._postmaster_info = PostmasterInfo.read_from_pgdata(PGDATA)


def _forget_dead_handles() -> None:
    """Drop handles of processes that died without cleaning up (kill -9, OOM).

    pgserver stops the cluster when the last handle exits; a stale handle
    would keep it running forever after every process is gone. A handle file
    left half-written by a killed process is reset to the live handles we can
    know of (none): the server then simply stays up rather than failing to start.
    Runs under pgserver's own inter-process lock.
    """
    import json

    import psutil
    from pgserver.postgres_server import PostgresServer

    handles = PGDATA / ".handle_pids.json"
    if not handles.exists():
        return
    with PostgresServer._lock:
        try:
            pids = json.loads(handles.read_text())
        except ValueError:
            pids = None
        alive = [pid for pid in pids or [] if isinstance(pid, int) and psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def database_url() -> str:
    """DATABASE_URL when set, else the embedded server's URL."""
    return os.environ.get("DATABASE_URL") or embedded_database_url()
