"""django-tenants' PostgreSQL backend, with the search_path set once per connection and
schema instead of before every statement (``TENANT_LIMIT_SET_CALLS``), and safe at that.

With ``TENANT_LIMIT_SET_CALLS`` the wrapper remembers which search_path it last sent
(``search_path_set_schemas``) and skips the ``SET`` while that is still what the server
has. The remembered value must therefore be forgotten whenever the server's value may
differ from it:

- a schema switch (``set_tenant`` / ``set_schema``): django-tenants forgets it;
- ``ROLLBACK`` and ``ROLLBACK TO SAVEPOINT``: a ``SET`` issued inside the transaction or
  after the savepoint is undone by the server (the known leak of another institution's
  search_path after a rolled-back savepoint); django-tenants 4 forgets it — pinned by
  tests/suite/test_tenancy_plumbing.py;
- closing the connection: django-tenants forgets it;
- **a new connection** (here): a connection the task worker dropped without closing
  (suite/worker.py, the server went away) leaves the remembered value behind, so
  connecting forgets it. A connection handed out by the psycopg pool carries the
  search_path of whoever used it last: the value is remembered *on the pooled psycopg
  connection itself* when it goes back to the pool — only when it goes back idle (no
  transaction open whose rollback could undo a ``SET``) — and taken up again by whoever
  checks it out next. A sync gunicorn worker's pool hands its connections out in turn,
  so without this every request of an institution host paid a ``SET search_path`` round
  trip (issue 18, bench/refused_profile.py). A connection the pool opened anew carries
  nothing and gets the ``SET`` before its first statement.

The pool's health check of a connection handed out (``CONN_HEALTH_CHECKS``) is one round
trip per request; ``suite.dbpool.check_connection`` asks the server only when the socket
has something to say (a server that closed or terminated the session has sent its
goodbye), see there.

Pooled connections are taken through ``suite.dbpool``: a forked child never uses its
parent's pool, and an unreachable database answers within seconds instead of after the
pool's whole wait (see that module).
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.asyncio import async_unsafe
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from psycopg import IsolationLevel
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

from suite import dbpool

# The attribute of a pooled psycopg connection holding its session's search_path.
SEARCH_PATH_ATTR = "_suite_search_path"


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dbpool.track(self)  # a forked child forgets this wrapper's (parent's) connection

    @async_unsafe
    def get_new_connection(self, conn_params):
        if not self.pool:
            return super().get_new_connection(conn_params)
        # Django 5.2's pooled path, with the wait for a connection bounded by the
        # database's reachability (suite.dbpool.checkout) instead of pool.getconn().
        isolation_level = self.settings_dict["OPTIONS"].get("isolation_level")
        try:
            self.isolation_level = IsolationLevel(
                IsolationLevel.READ_COMMITTED if isolation_level is None else isolation_level
            )
        except ValueError:
            raise ImproperlyConfigured(
                f"Invalid transaction isolation level {isolation_level} specified."
            ) from None
        connection = dbpool.checkout(self)
        if isolation_level is not None:
            connection.isolation_level = self.isolation_level
        return connection

    @property
    def pool(self):
        pool = super().pool
        # Django installs the pool's own check (an empty statement per checkout); ours
        # asks the server only when the socket says something happened (suite.dbpool).
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = dbpool.check_connection
        return pool

    def connect(self):
        self.search_path_set_schemas = None
        self._setting_search_path = False
        super().connect()
        if self.pool and self.connection is not None and self.search_path_set_schemas is None:
            # What this pooled connection's session was left with (see close()): trusted
            # only when it is the very search_path this wrapper wants now — the "already
            # set" flag is all django-tenants looks at before skipping the SET.
            left = getattr(self.connection, SEARCH_PATH_ATTR, None)
            if left and self.schema_name and left == self._get_cursor_search_paths():
                self.search_path_set_schemas = left

    def close(self):
        raw = self.connection
        if raw is not None and self.pool:
            # Going back to the pool: remember the session's search_path on the psycopg
            # connection for its next user — only while no transaction is open (the pool
            # rolls one back, and with it a SET made in it) and nothing is being set.
            idle = raw.info.transaction_status == TransactionStatus.IDLE
            known = self.search_path_set_schemas if idle and not self._setting_search_path else None
            setattr(raw, SEARCH_PATH_ATTR, list(known) if known else None)
        super().close()
