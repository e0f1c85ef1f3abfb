"""Query helpers for pages whose cost must not grow: several counts in one statement."""

from __future__ import annotations

import weakref

from django.db import DatabaseError, connections
from django.db.models import QuerySet
from psycopg.errors import InvalidSqlStatementName


def counts(**querysets: QuerySet) -> dict[str, int]:
    """``{name: queryset.count()}`` in one round trip, whatever the number of counts.

    Each queryset is counted as ``.count()`` would (distinct values included); they must
    share a database. Badge counts of the navigation, figures of a dashboard.
    """
    if not querysets:
        return {}
    parts, params = [], []
    using = None
    for queryset in querysets.values():
        using = using or queryset.db
        if queryset.query.is_empty():  # .none(): nothing to ask
            parts.append("0")
            continue
        sql, query_params = queryset.order_by().query.get_compiler(using=queryset.db).as_sql()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608 — the ORM's SQL
        params.extend(query_params)
    with connections[using or "default"].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(querysets, row, strict=True)}


# -- rows of one's own SQL as model instances --------------------------------------------
# For the few reads on the hottest paths (a refused booking in an opening rush: the API
# token, the facility asked for): the ORM compiles a query anew on every call, which
# costs more CPU than the statement itself. These reads run a constant SQL string and
# build the instances as the ORM would (same columns, same converters, ``from_db``).

_READERS: dict = {}


def _readers(model, connection) -> tuple[list[str], list[tuple]]:
    key = (model, connection.alias)
    if key not in _READERS:
        fields = model._meta.concrete_fields
        readers = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + field.get_db_converters(
                connection
            )
            readers.append((column, converters))
        _READERS[key] = ([f.attname for f in fields], readers)
    return _READERS[key]


def columns(model, alias: str) -> str:
    """The model's columns, as ``from_row`` reads them: ``alias."col", …``."""
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


def width(model) -> int:
    return len(model._meta.concrete_fields)


def from_row(model, row, start: int, connection):
    """The instance whose ``columns(model, …)`` start at ``row[start]`` (None when its
    primary key is NULL: the empty side of a LEFT JOIN)."""
    names, readers = _readers(model, connection)
    values = list(row[start : start + len(names)])
    pk_index = names.index(model._meta.pk.attname)
    if values[pk_index] is None:
        return None
    for i, (column, converters) in enumerate(readers):
        for converter in converters:
            values[i] = converter(values[i], column, connection)
    return model.from_db(connection.alias, names, values)


# -- statements prepared once per database connection -------------------------------------
# For the hottest statements whose planning costs more than running them (the portal's
# search box, the waiting room's join): ``PREPARE`` on a connection's first use, then
# ``EXECUTE``. A prepared statement is planned against the search_path in force and again
# when it changes, so one serves every institution's schema. It lives as long as the
# server session: a pooler in transaction mode (another session per transaction) breaks
# it, which is why each use has a setting to turn it off (docs/deployment.md).

_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def numbered(sql: str, numbers: tuple[int, ...] | None = None) -> str:
    """``sql`` with its ``%s`` placeholders replaced, in order, by ``$n`` of ``numbers``
    (default 1, 2, 3 …)."""
    parts = sql.split("%s")
    numbers = numbers if numbers is not None else tuple(range(1, len(parts)))
    if len(parts) != len(numbers) + 1:
        raise ValueError("placeholders and numbers differ")
    return "".join(f"{part}${n}" for part, n in zip(parts, numbers, strict=False)) + parts[-1]


def _send(cursor, statement: str, args) -> None:
    cursor.execute(statement, args)
    while cursor.description is None and cursor.cursor.nextset():
        pass


def execute_prepared(cursor, name: str, text: str, types: str, args, *, args_sql="", send=None):
    """EXECUTE the statement ``name`` (``text``, with ``$n`` parameters of ``types``) with
    ``args``, PREPAREd first on a connection that has not got it — by a DO block that
    prepares it only when the server has not (a prepared statement outlives a rolled-back
    transaction), in the same round trip — and again when the server lost it (DISCARD
    ALL, a new session) outside a transaction. ``args_sql``: the EXECUTE's argument list
    (default one ``%s`` per arg); ``send(cursor, statement, args)``: how the statement
    goes (default: executed, the cursor left on its rows)."""
    send = send or _send
    db = cursor.db
    known = _PREPARED.setdefault(db.connection, set())
    execute = f"EXECUTE {name}({args_sql or ', '.join(['%s'] * len(args))})"
    if name in known:
        try:
            send(cursor, execute, args)
            return
        except DatabaseError as error:
            if not isinstance(error.__cause__, InvalidSqlStatementName):
                raise
            known.discard(name)
            if db.in_atomic_block:
                raise
    body = f"PREPARE {name} ({types}) AS {text}".replace("%", "%%")
    prepare = (
        "DO $suite_prepare$ BEGIN IF NOT EXISTS (SELECT FROM pg_prepared_statements"
        f" WHERE name = '{name}') THEN EXECUTE $suite_body${body}$suite_body$; END IF;"
        " END $suite_prepare$;\n"
    )
    send(cursor, prepare + execute, args)
    known.add(name)
