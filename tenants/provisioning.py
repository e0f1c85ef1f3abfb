"""Schemas: the template new institutions are cloned from, and what the console measures.

New institutions are cloned from ``settings.TENANT_BASE_SCHEMA`` (django-tenants'
``clone_schema``, structure and rows, including ``django_migrations``) instead of
being migrated from zero. Cloning a stale template would hand out a stale
structure, so ``assert_template_current`` refuses when the template lacks a
migration this code has.
"""

import functools

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists

from tenants.errors import ProvisioningError

TEMPLATE_SCHEMA = settings.TENANT_BASE_SCHEMA

# Tables the console counts. The booking app is written in parallel, so the
# names are looked up, never assumed to exist.
FACILITY_TABLES = ("facility_booking_facility",)
BOOKING_TABLES = ("facility_booking_booking", "facility_booking_reservation")


def qident(name: str) -> str:
    """A PostgreSQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def ensure_template_schema(verbosity: int = 0) -> None:
    """Create the template schema if missing and bring it to the latest migration."""
    if not schema_exists(TEMPLATE_SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {qident(TEMPLATE_SCHEMA)}")
    call_command(
        "migrate_schemas", schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=verbosity
    )
    connection.set_schema_to_public()


@functools.cache
def _migration_leaves() -> tuple[frozenset, dict]:
    """Leaf migrations on disk, and what each squashed migration replaces.

    Cached: migration files do not change under a running process.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes()), dict(loader.replacements)


def applied_migrations(schema_name: str) -> set[tuple[str, str]]:
    """(app, name) rows of the schema's own ``django_migrations``; empty when it has none."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.tables"
            " WHERE table_schema = %s AND table_name = 'django_migrations'",
            [schema_name],
        )
        if cursor.fetchone() is None:
            return set()
        cursor.execute(f"SELECT app, name FROM {qident(schema_name)}.django_migrations")  # noqa: S608 — identifiers quoted
        return {(app, name) for app, name in cursor.fetchall()}


def pending_migrations(schema_name: str) -> list[tuple[str, str]]:
    """Leaf migrations the schema has not applied (a leaf implies its ancestors)."""
    leaves, replacements = _migration_leaves()
    applied = applied_migrations(schema_name)
    pending = []
    for leaf in sorted(leaves):
        if leaf in applied:
            continue
        replaced = replacements.get(leaf)
        if replaced is not None and all(tuple(r) in applied for r in replaced.replaces):
            continue
        pending.append(leaf)
    return pending


def assert_template_current() -> None:
    """Raise ProvisioningError unless the template exists and has every migration."""
    if not schema_exists(TEMPLATE_SCHEMA):
        raise ProvisioningError("template_missing")
    if pending_migrations(TEMPLATE_SCHEMA):
        raise ProvisioningError("template_outdated")


def schema_tables(schema_name: str) -> list[str]:
    """Ordinary and partitioned tables of a schema, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
            " ORDER BY c.relname",
            [schema_name],
        )
        return [row[0] for row in cursor.fetchall()]


def schema_sizes(schema_names: list[str]) -> dict[str, int]:
    """Bytes on disk per schema: tables with their indexes and TOAST."""
    if not schema_names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, COALESCE(SUM(pg_total_relation_size(c.oid)), 0)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'm')"
            " GROUP BY n.nspname",
            [list(schema_names)],
        )
        sizes = dict(cursor.fetchall())
    return {name: int(sizes.get(name, 0)) for name in schema_names}


def table_row_counts(schema_names: list[str], table_names: tuple[str, ...]) -> dict:
    """{(schema, table): rows} for those of the tables that exist; one round trip."""
    if not schema_names or not table_names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema = ANY(%s) AND table_name = ANY(%s)",
            [list(schema_names), list(table_names)],
        )
        existing = cursor.fetchall()
        if not existing:
            return {}
        parts = [
            f"SELECT %s, %s, COUNT(*) FROM {qident(schema)}.{qident(table)}"  # noqa: S608 — identifiers quoted
            for schema, table in existing
        ]
        params = [value for pair in existing for value in pair]
        cursor.execute(" UNION ALL ".join(parts), params)
        return {(schema, table): count for schema, table, count in cursor.fetchall()}


def institution_stats(institutions) -> dict[str, dict]:
    """Per schema: facilities, bookings (None when the tables do not exist yet), bytes."""
    schemas = [i.schema_name for i in institutions]
    sizes = schema_sizes(schemas)
    counts = table_row_counts(schemas, FACILITY_TABLES + BOOKING_TABLES)
    stats = {}
    for schema in schemas:

        def total(tables, schema=schema):
            found = [counts[(schema, t)] for t in tables if (schema, t) in counts]
            return sum(found) if found else None

        stats[schema] = {
            "facilities": total(FACILITY_TABLES),
            "bookings": total(BOOKING_TABLES),
            "size": sizes.get(schema, 0),
        }
    return stats


def drop_schema(schema_name: str) -> None:
    """Drop a schema and everything in it (joins the caller's transaction)."""
    if schema_name in ("public", TEMPLATE_SCHEMA) or not schema_name:
        raise ValueError(f"refusing to drop {schema_name!r}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {qident(schema_name)} CASCADE")
