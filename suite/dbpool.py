"""Pooled database connections that survive a fork and answer quickly in an outage.

Each process takes its connections from a psycopg pool (``OPTIONS["pool"]``, Django's
own support; docs/deployment.md "Database connections"). Two things that pool does not
do by itself, done here (``suite.postgresql_backend`` calls in):

**Fork.** A forked child (``migrate_schemas --parallel``, a multiprocessing pool,
gunicorn with ``--preload``) inherits the parent's pool object and its open sockets. The
child would take the parent's idle connections and talk on the same server session as
the parent and its siblings — "the connection is lost", "server closed the connection
unexpectedly". So, in every child, right after ``os.fork()``: the inherited pools and
connections are forgotten (kept referenced, never closed: closing would end the parent's
sessions) and the child opens its own pool on first use. ``close_pools()`` is for a
parent about to fork on purpose: it closes its own connections and pools first, so
nothing is left idle on the server for the children's lifetime.

**Outage.** Waiting for a pooled connection normally means every connection is busy; but
while the database is unreachable the pool keeps retrying in the background and every
request would wait the whole ``DB_POOL_TIMEOUT``, then the pool's reconnection back-off
(1, 2, 4, 8 … s) would delay the recovery. Instead:

- a request that has waited ``SUITE_DB_OUTAGE_CHECK`` seconds (1 s) without a
  connection checks whether the server answers at all — one direct connection attempt
  (``connect_timeout``, 2 s), shared by the process's threads. It does not: the request
  fails now with ``DatabaseUnreachable`` (503 + Retry-After, suite/outage.py) and the
  process remembers the database is down. It does: the pool is merely busy, keep waiting
  up to ``DB_POOL_TIMEOUT``;
- while the database is down, each request first makes (or shares, with the requests
  waiting at the same moment) one direct connection attempt, at most one every 0.1 s
  per process: refused, it fails at once; accepted, the outage ends for the process — so
  no request that arrives after the database is back is told it is away;
- the pool gives up its own background retries after ``reconnect_timeout`` (2 s,
  ``DB_POOL_RECONNECT_TIMEOUT``) so it never sleeps through the database's return: the
  next request asks it to connect again at once.
"""

from __future__ import annotations

import os
import threading
import time
import weakref

import psycopg
from django.conf import settings

# Every DatabaseWrapper of our backend (any thread), so a forked child can forget their
# connections; and what the child inherited, kept alive so it is never closed there.
_wrappers: weakref.WeakSet = weakref.WeakSet()
_inherited: list = []


def track(wrapper) -> None:
    _wrappers.add(wrapper)


def _pools() -> dict:
    from django.db.backends.postgresql.base import DatabaseWrapper

    return DatabaseWrapper._connection_pools  # type: ignore[attr-defined]  # Django 5.1+


def close_pools(timeout: float = 5.0) -> None:
    """Close this process's connections and pools (before forking on purpose): the
    children start clean and nothing of ours sits idle on the server meanwhile. The
    next query in this process opens a new pool."""
    from django.db import connections

    connections.close_all()
    pools = _pools()
    for alias in list(pools):
        pool = pools.pop(alias, None)
        if pool is not None:
            pool.close(timeout=timeout)


def _forget_parent_connections() -> None:
    """In a forked child: never use (or close) what belongs to the parent."""
    pools = _pools()
    _inherited.extend(pools.values())
    pools.clear()
    for wrapper in list(_wrappers):
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None
        # The search_path the backend remembers was the parent's session's.
        wrapper.search_path_set_schemas = None
    _health.clear()  # its locks may have been held by a parent's thread


os.register_at_fork(after_in_child=_forget_parent_connections)


# --- outages -----------------------------------------------------------------------


class DatabaseUnreachable(psycopg.OperationalError):
    """The database did not accept a connection just now (no SQLSTATE: suite.outage
    answers 503 database_unavailable)."""


class _Health:
    """What one process knows about one database's reachability."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # one attempt at a time; the others share its verdict
        self.down = False
        self.attempted_at = -1e9  # time.monotonic() when the last attempt started
        self.running_since: float | None = None  # the attempt under way, if any
        self.error = ""

    def now(self) -> float:
        """A caller's "since": now, or the start of the attempt already under way (its
        verdict is as fresh as can be had without waiting for another attempt)."""
        running = self.running_since
        return running if running is not None else time.monotonic()


_health: dict[str, _Health] = {}

# Attempts of one process are at least this far apart (a refusing server answers in
# milliseconds: without it, a crowd of requests during an outage would hammer it).
MIN_ATTEMPT_SPACING = 0.1


def health(alias: str) -> _Health:
    state = _health.get(alias)
    if state is None:
        state = _health.setdefault(alias, _Health())
    return state


def outage_check() -> float:
    return float(getattr(settings, "SUITE_DB_OUTAGE_CHECK", 1.0))


def reachable(wrapper, state: _Health, *, since: float) -> bool:
    """Does the server accept a connection? Answered by a direct connection attempt that
    started at ``since`` (``time.monotonic()``, ``_Health.now()``) or later: callers
    waiting meanwhile share it, and a request that arrives after the database came back
    is not told an older "down"."""
    with state.lock:
        if state.attempted_at < since:
            pause = state.attempted_at + MIN_ATTEMPT_SPACING - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            started = state.running_since = time.monotonic()
            params = wrapper.get_connection_params()
            params.setdefault("connect_timeout", 2)
            try:
                psycopg.connect(**params, autocommit=True).close()
            except psycopg.Error as error:
                state.down = True
                state.error = (str(error).strip().splitlines() or [type(error).__name__])[0]
            else:
                state.down, state.error = False, ""
            finally:
                state.attempted_at, state.running_since = started, None
        return not state.down


def _unreachable(state: _Health) -> DatabaseUnreachable:
    # Raised outside any ``except``: no chained SQLSTATE may turn the 503 into a 500.
    return DatabaseUnreachable(f"database unreachable: {state.error or 'no connection'}")


def checkout(wrapper):
    """A connection from ``wrapper``'s pool: at once when one is free; after waiting up to
    the pool's ``timeout`` while all are busy; ``DatabaseUnreachable`` within about
    ``SUITE_DB_OUTAGE_CHECK`` (+ the connect timeout) seconds when the server is away, at
    once (one shared connection attempt) while it is known to be away."""
    from psycopg_pool import PoolTimeout

    pool = wrapper.pool
    pool.open()
    every = outage_check()
    state = health(wrapper.alias)
    if state.down and not reachable(wrapper, state, since=state.now()):
        raise _unreachable(state)
    deadline = time.monotonic() + pool.timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            return pool.getconn(timeout=max(0.05, min(every, remaining)))
        except PoolTimeout:
            if remaining <= every:
                raise
        # No connection for ``every`` seconds: busy, or is the server away? A verdict
        # from the last ``every`` seconds will do.
        if not reachable(wrapper, state, since=time.monotonic() - every):
            break
    raise _unreachable(state)


# --- the check of a connection handed out ---------------------------------------------


def check_connection(conn) -> None:
    """The pool's check of a connection it hands out (``CONN_HEALTH_CHECKS``), without a
    round trip while nothing happened to it.

    An idle pooled session has nothing to say: the server sends nothing unasked on it (we
    LISTEN on none of them). A server that ended the session — a restart, an idle
    timeout, ``pg_terminate_backend`` — sends its FATAL message and closes the socket,
    and then the socket is readable. So: closed, or readable → psycopg's own check (an
    empty statement; it fails and the pool replaces the connection, or it passes and has
    read whatever was waiting); otherwise the connection is as good as an empty
    statement could tell. (A peer gone without a word — a cut network — is no more found
    by the empty statement than here: it would wait as long as any query.)"""
    from psycopg_pool import ConnectionPool

    if conn.closed or _readable(conn.fileno()):
        ConnectionPool.check_connection(conn)


def _readable(fd: int) -> bool:
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        return bool(selector.select(0))
