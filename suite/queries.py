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
