"""Tasks for the tenancy plumbing tests: what schema a task finds itself in."""

from django.db import connection, transaction
from django_tasks import task
from django_tenants.utils import schema_context

from suite.tasks import run_in_schema


def _current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


@task()
def schema_seen(*, schema_name: str = "") -> str:
    """The schema the database resolves names in: the institution's, or public."""
    if not schema_name:
        return _current_schema()
    return run_in_schema(schema_name, _current_schema)


class Undone(Exception):
    pass


@task()
def switch_then_fail(*, schema_name: str) -> str:
    """Switches schema inside a savepoint that is rolled back, then fails."""
    with transaction.atomic():
        _current_schema()
        try:
            with transaction.atomic(), schema_context(schema_name):
                _current_schema()
                raise Undone
        except Undone:
            pass
        seen = _current_schema()
    raise Undone(seen)
