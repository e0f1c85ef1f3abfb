"""Background work of 전자결재. Tasks carry the schema they act in."""

from django_tasks import task

from groupware.approval.pdf import ensure_pdf
from suite.tasks import run_in_schema


@task()
def generate_document_pdf(*, schema_name: str, document_id: int) -> bool:
    """Render and store the official-document PDF of an approved document (idempotent)."""
    return run_in_schema(schema_name, ensure_pdf, document_id)
