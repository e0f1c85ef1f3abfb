"""Which institution the code runs for: the kernel's two look-ups every app may use.

- ``current_institution()`` — the ``Institution`` of the current schema (inside
  ``schema_context`` too, where ``connection.tenant`` may be the public tenant);
- ``active_schemas()`` — the schema names of every active institution, for the periodic
  jobs that visit each one (booking reminders, payment reconciliation).
"""

from __future__ import annotations

from django.db import connection

from tenants.models import Institution


def current_institution() -> Institution | None:
    """The Institution of the current schema (works inside schema_context too)."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Institution):
        return tenant
    schema = getattr(connection, "schema_name", None)  # django-tenants' connection
    return Institution.objects.filter(schema_name=schema).first()


def active_schemas() -> list[str]:
    """Schema names of the active institutions, in name order."""
    return list(
        Institution.objects.filter(status=Institution.Status.ACTIVE)
        .exclude(schema_name="public")
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
