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
        _server = pgserver.get_server(PGDATA, cleanup_mode="stop")
    return _server.get_uri()


def database_url() -> str:
    """DATABASE_URL when set, else the embedded server's URL."""
    return os.environ.get("DATABASE_URL") or embedded_database_url()
