"""Schemas: the template that new institutions are cloned from, and cloning itself."""

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

TEMPLATE_SCHEMA = settings.TENANT_BASE_SCHEMA


def ensure_template_schema(verbosity: int = 0) -> None:
    """Create the template schema if missing and bring it to the latest migration."""
    if not schema_exists(TEMPLATE_SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
    call_command(
        "migrate_schemas", schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=verbosity
    )
    connection.set_schema_to_public()
