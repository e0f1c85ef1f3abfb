"""Schemas: the template new institutions are cloned from, and what the console measures.

New institutions are cloned from ``settings.TENANT_BASE_SCHEMA`` (django-tenants'
``clone_schema``, structure and rows, including ``django_migrations``) instead of
being migrated from zero. Cloning a stale template would hand out a stale
structure, so ``assert_template_current`` refuses when the template lacks a
migration this code has.
"""

import functools
import secrets

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


# --- cloning -----------------------------------------------------------------------

# What the fast clone cannot reproduce; any of these in the template sends the
# clone through django-tenants' generic clone_schema() instead.
_UNSUPPORTED_SQL = """
SELECT 'relation ' || c.relname || ' (' || c.relkind::text || ')' FROM pg_class c
 WHERE c.relnamespace = %(ns)s AND c.relkind NOT IN ('r', 'i', 'S')
UNION ALL
SELECT 'partition ' || c.relname FROM pg_class c
 WHERE c.relnamespace = %(ns)s AND (c.relispartition OR c.relhassubclass)
UNION ALL
SELECT 'routine ' || p.proname FROM pg_proc p
 WHERE p.pronamespace = %(ns)s AND p.prokind NOT IN ('f', 'p')
UNION ALL
SELECT 'type ' || t.typname FROM pg_type t
 WHERE t.typnamespace = %(ns)s AND (t.typtype IN ('e', 'd', 'r', 'm')
   OR (t.typtype = 'c' AND NOT EXISTS (
        SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')))
UNION ALL
SELECT 'policy ' || pol.polname FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid
 WHERE c.relnamespace = %(ns)s
UNION ALL
SELECT 'generated or serial column ' || c.relname || '.' || a.attname
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE c.relnamespace = %(ns)s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
   AND (a.attgenerated <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE '%%nextval(%%')
UNION ALL
SELECT 'sequence not owned by an identity column ' || c.relname FROM pg_class c
 WHERE c.relnamespace = %(ns)s AND c.relkind = 'S' AND NOT EXISTS (
   SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')
"""


def _namespace_oid(cursor, schema_name: str) -> int:
    cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema_name])
    row = cursor.fetchone()
    if row is None:
        raise ProvisioningError("template_missing")
    return row[0]


def clone_unsupported(template: str = TEMPLATE_SCHEMA) -> list[str]:
    """What in the template the fast clone cannot copy (empty: the fast clone is safe)."""
    with connection.cursor() as cursor:
        cursor.execute(_UNSUPPORTED_SQL, {"ns": _namespace_oid(cursor, template)})
        return [row[0] for row in cursor.fetchall()]


def _clone_statements(template: str, new_schema: str) -> list[str]:
    """DDL and data statements that rebuild the template's tables in ``new_schema``.

    Names of tables, indexes and constraints are kept exactly (later migrations
    drop and rename them by name). Runs with search_path = template, public so
    pg_get_constraintdef() leaves the template's own tables unqualified.
    """
    target = qident(new_schema)
    statements = [f"CREATE SCHEMA {target}"]
    connection.set_schema(template)
    try:
        with connection.cursor() as cursor:
            ns = _namespace_oid(cursor, template)
            cursor.execute(
                "SELECT c.relname, EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
                "   AND a.attidentity = 'a' AND NOT a.attisdropped)"
                " FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = 'r' ORDER BY c.relname",
                [ns],
            )
            tables = cursor.fetchall()
            for table, _always in tables:
                statements.append(
                    f"CREATE TABLE {target}.{qident(table)} (LIKE {qident(template)}.{qident(table)}"
                    " INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS"
                    " INCLUDING STORAGE INCLUDING COMMENTS)"
                )
            # Primary keys, unique and exclusion constraints, then foreign keys.
            cursor.execute(
                "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid)"
                " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
                " WHERE c.relnamespace = %s AND con.contype IN ('p', 'u', 'x', 'f')"
                " ORDER BY con.contype = 'f', c.relname, con.conname",
                [ns],
            )
            qualified_template = f"{qident(template)}."
            # One ALTER TABLE per table and pass: fewer statements, fewer
            # relation cache rebuilds.
            passes: dict[tuple[bool, str], list[str]] = {}
            for table, name, definition in cursor.fetchall():
                definition = definition.replace(
                    f"REFERENCES {qualified_template}", f"REFERENCES {target}."
                ).replace(f"REFERENCES {template}.", f"REFERENCES {target}.")
                is_fk = definition.startswith("FOREIGN KEY")
                passes.setdefault((is_fk, table), []).append(
                    f"ADD CONSTRAINT {qident(name)} {definition}"
                )
            for (_is_fk, table), clauses in sorted(passes.items()):
                statements.append(f"ALTER TABLE {target}.{qident(table)} " + ", ".join(clauses))
            # Indexes that do not belong to a constraint (pg_get_indexdef always
            # qualifies the table: point it at the new schema).
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid), quote_ident(%s)"
                " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                " WHERE c.relnamespace = %s AND NOT EXISTS"
                " (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid"
                "  AND con.contype IN ('p', 'u', 'x'))"
                " ORDER BY 2",
                [template, ns],
            )
            for _table, definition, printed in cursor.fetchall():
                statements.append(definition.replace(f" ON {printed}.", f" ON {target}.", 1))
            # Functions (triggers use them): the header names the template; the
            # body is left alone and resolves names through the search_path.
            cursor.execute(
                "SELECT pg_get_functiondef(p.oid), quote_ident(%s) FROM pg_proc p"
                " WHERE p.pronamespace = %s AND p.prokind IN ('f', 'p') ORDER BY p.proname",
                [template, ns],
            )
            for definition, printed in cursor.fetchall():
                for kind in ("FUNCTION", "PROCEDURE"):
                    definition = definition.replace(f"{kind} {printed}.", f"{kind} {target}.", 1)
                statements.append(definition)
            # The template's rows (django_migrations, defaults), then the sequences.
            for table, always in tables:
                overriding = " OVERRIDING SYSTEM VALUE" if always else ""
                statements.append(
                    f"INSERT INTO {target}.{qident(table)}{overriding}"  # noqa: S608 — quoted
                    f" SELECT * FROM {qident(template)}.{qident(table)}"
                )
            cursor.execute(
                "SELECT c.relname, a.attname FROM pg_attribute a"
                " JOIN pg_class c ON c.oid = a.attrelid"
                " WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attidentity <> ''"
                " AND NOT a.attisdropped",
                [ns],
            )
            for table, column in cursor.fetchall():
                qualified = f"{target}.{qident(table)}"
                literal = qualified.replace("'", "''")
                column_literal = column.replace("'", "''")
                statements.append(
                    f"SELECT setval(pg_get_serial_sequence('{literal}', '{column_literal}'),"  # noqa: S608
                    f" COALESCE(MAX({qident(column)}), 1), MAX({qident(column)}) IS NOT NULL)"
                    f" FROM {qualified}"  # noqa: S608 — identifiers quoted
                )
            # Triggers last, so copying the template's rows fires none of them.
            cursor.execute(
                "SELECT pg_get_triggerdef(t.oid), quote_ident(%s) FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE c.relnamespace = %s AND NOT t.tgisinternal ORDER BY t.tgname",
                [template, ns],
            )
            for definition, printed in cursor.fetchall():
                definition = definition.replace(f" ON {printed}.", f" ON {target}.", 1)
                definition = definition.replace(
                    f"FUNCTION {printed}.", f"FUNCTION {target}."
                ).replace(f"PROCEDURE {printed}.", f"PROCEDURE {target}.")
                statements.append(definition)
    finally:
        connection.set_schema_to_public()
    return statements


def clone_template(new_schema: str, template: str = TEMPLATE_SCHEMA) -> str:
    """Create ``new_schema`` as a copy of the template (structure and rows); return the way.

    The fast way rebuilds the tables with ``CREATE TABLE ... (LIKE ...)`` and the
    catalog's own definitions of constraints and indexes, sent in one round trip
    (django-tenants' generic clone_schema() spends ~30 ms per table in PL/pgSQL).
    Templates holding anything else (views, sequences of serial columns,
    aggregates, ...) take the generic way, as does ``TENANT_FAST_CLONE = False``
    (the benchmark compares both). Joins the caller's transaction.
    """
    if not getattr(settings, "TENANT_FAST_CLONE", True) or clone_unsupported(template):
        from django_tenants.clone import CloneSchema

        CloneSchema().clone_schema(template, new_schema, "DATA")
        connection.set_schema_to_public()
        return "generic"
    statements = _clone_statements(template, new_schema)
    # Unqualified names in function bodies and trigger definitions must find
    # the new schema's tables, as they found the template's.
    statements.insert(1, f"SET search_path TO {qident(new_schema)}, public")
    try:
        with connection.cursor() as cursor:
            cursor.execute(";\n".join(statements))
    finally:
        connection.set_schema_to_public()  # django-tenants sets search_path again
    return "fast"


# --- spare schemas ----------------------------------------------------------------
#
# Cloning costs a few hundred milliseconds of DDL, growing with every table the
# apps add. A small pool of spare clones made ahead of time (by migrate_schemas
# and, after each onboarding, by the task worker) turns onboarding into one
# ALTER SCHEMA ... RENAME. Spares are clones of the template and are only used
# while they hold exactly the template's migrations.

SPARE_PREFIX = "_spare_"


def spare_target() -> int:
    return int(getattr(settings, "TENANT_SPARE_SCHEMAS", 2))


def spare_schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY nspname",
            [SPARE_PREFIX],
        )
        return [row[0] for row in cursor.fetchall()]


def spare_status() -> dict:
    """What the console shows: spares waiting (one catalog query) and the pool's size."""
    ready, target = len(spare_schemas()), spare_target()
    return {"ready": ready, "target": target, "short": max(0, target - ready)}


def refill_spares_if_short() -> int:
    """Queue a refill when the pool is below its size (the worker runs this at start and
    at every housekeeping round, so the pool is full before the next burst even if a
    refill after an onboarding was lost). Returns how many spares are missing."""
    short = spare_status()["short"]
    if short:
        from tenants.tasks import refill_spare_schemas

        refill_spare_schemas.enqueue()
    return short


def _spare_is_current(name: str) -> bool:
    return applied_migrations(name) == applied_migrations(TEMPLATE_SCHEMA)


def take_spare(new_schema: str) -> str | None:
    """Rename a current spare schema to ``new_schema``; None when there is none.

    The spare is claimed with a transaction-level advisory lock, so two
    onboardings at once never take the same one. Caller is atomic.
    """
    for name in spare_schemas():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [name])
            if not cursor.fetchone()[0] or not schema_exists(name):
                continue
            if not _spare_is_current(name):
                continue
            cursor.execute(f"ALTER SCHEMA {qident(name)} RENAME TO {qident(new_schema)}")
            return name
    return None


def refill_spares(target: int | None = None) -> dict:
    """Drop spares that lag behind the template and clone new ones up to ``target``.

    Each spare is made in its own transaction; safe to run concurrently.
    """
    from django.db import transaction

    target = spare_target() if target is None else target
    dropped = created = 0
    for name in spare_schemas():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [name])
                locked = cursor.fetchone()[0]
            if locked and schema_exists(name) and not _spare_is_current(name):
                drop_schema(name)
                dropped += 1
    if target > 0 and not pending_migrations(TEMPLATE_SCHEMA):
        while len(spare_schemas()) < target:
            with transaction.atomic():
                clone_template(SPARE_PREFIX + secrets.token_hex(6))
            created += 1
    connection.set_schema_to_public()
    return {"dropped": dropped, "created": created, "spares": len(spare_schemas())}


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
