"""Query helpers for pages whose cost must not grow: several counts in one statement."""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet


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
