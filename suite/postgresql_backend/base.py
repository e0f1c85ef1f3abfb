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
- **a new connection** (here): a connection handed out by the psycopg pool carries the
  search_path of whoever used it last, and a connection the task worker dropped without
  closing (suite/worker.py, the server went away) leaves the remembered value behind.
  Opening one always sends the ``SET`` again before its first statement.

Pooled connections are taken through ``suite.dbpool``: a forked child never uses its
parent's pool, and an unreachable database answers within seconds instead of after the
pool's whole wait (see that module).
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.asyncio import async_unsafe
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from psycopg import IsolationLevel

from suite import dbpool


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

    def connect(self):
        self.search_path_set_schemas = None
        self._setting_search_path = False
        super().connect()
