"""Background work of the institution lifecycle."""

from django_tasks import task


@task()
def refill_spare_schemas() -> dict:
    """Clone spare schemas up to TENANT_SPARE_SCHEMAS (the worker runs in public)."""
    from tenants.provisioning import refill_spares

    return refill_spares()
