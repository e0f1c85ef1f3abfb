"""Background work of the portal index. Tasks carry the schema they read from."""

from django_tasks import task

from portal import public


@task()
def refresh_entries(*, schema_name: str, items: list[list[str]]) -> dict:
    """Re-read (kind, key) items from their sources in ``schema_name``; write or withdraw."""
    return public.refresh(schema_name, [(kind, key) for kind, key in items])


@task()
def rebuild_institution(*, schema_name: str) -> dict:
    """Re-create every public entry of one institution (after an import, for instance)."""
    from tenants.models import Institution

    institution = Institution.objects.filter(schema_name=schema_name).first()
    if institution is None:
        return {"written": 0, "withdrawn": 0}
    return public.rebuild(institution)
