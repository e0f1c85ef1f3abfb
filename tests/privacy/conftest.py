"""Helpers for privacy tests: a person with personal data in every corner, and a
search of every text column of every schema (the catalog, not a fixed list)."""

import pytest
from django.db import connection
from django_tenants.utils import get_public_schema_name

from tenants.models import Institution

PERSON = {
    "email": "leaving.person@test.kr",
    "name": "탈퇴예정홍길순",
    "phone": "010-9876-5432",
    "password": "quiet-harbour-77",
}


def needles_for(email: str, name: str, phone: str) -> list[str]:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return [n for n in {email, name, phone, digits} if n]


def find_everywhere(
    needles: list[str], *, allowed: set[tuple[str, str]] = frozenset()
) -> list[str]:
    """``schema.table.column`` of every text, varchar or JSON column in the public schema
    and every institution schema that holds one of ``needles`` (case-insensitive).

    ``allowed``: (table, column) pairs that may (legal holds)."""
    schemas = [get_public_schema_name()] + list(
        Institution.objects.exclude(schema_name=get_public_schema_name()).values_list(
            "schema_name", flat=True
        )
    )
    hits = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_schema = c.table_schema"
            "  AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'"
            " WHERE c.table_schema = ANY(%s)"
            "  AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')"
            " ORDER BY 1, 2, 3",
            [schemas],
        )
        columns = cursor.fetchall()
        for schema, table, column in columns:
            if (table, column) in allowed:
                continue
            condition = " OR ".join([f'"{column}"::text ILIKE %s'] * len(needles))
            cursor.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" WHERE {condition}',  # noqa: S608
                [f"%{n}%" for n in needles],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{schema}.{table}.{column}")
    return hits


@pytest.fixture
def person_data():
    return dict(PERSON)
