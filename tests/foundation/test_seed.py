"""`make run` seeds the demo world; running it again adds nothing anywhere."""

from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from suite import demo
from tenants.models import Institution


def _row_counts(schema: str) -> dict[str, int]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        tables = [name for (name,) in cursor.fetchall() if name != "django_migrations"]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def test_demo_seed_is_idempotent(world):
    call_command("seed_demo", verbosity=0)
    schemas = ["public"] + [i.schema_name for i in demo.demo_institutions()]
    assert len(schemas) == 3
    first = {schema: _row_counts(schema) for schema in schemas}
    call_command("seed_demo", verbosity=0)
    second = {schema: _row_counts(schema) for schema in schemas}
    for schema in schemas:
        changed = {
            t: (first[schema][t], second[schema][t])
            for t in first[schema]
            if first[schema][t] != second[schema][t]
        }
        # the task queue may gain rows (e-mails queued by the first run's side effects); data may not
        changed.pop("django_tasks_database_dbtaskresult", None)
        assert changed == {}, f"{schema}: {changed}"
    culture = Institution.objects.get(slug="culture")
    assert first[culture.schema_name]["facility_booking_facility"] >= 4
    assert first[culture.schema_name]["groupware_staffprofile"] >= 20
