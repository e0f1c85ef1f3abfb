"""Scheduled work: destruction of personal data past its retention period.

``manage.py destroy_expired_data`` (cron, daily) runs it here or queues one task per
schema (``--enqueue``). Each task carries its schema name (the worker starts in public).
"""

from django_tasks import task
from django_tenants.utils import schema_context

from privacy.retention import destroy_due


@task()
def destroy_expired_data(*, schema_name: str) -> dict:
    """Task: destroy what is due in one schema (an institution's, or "public")."""
    with schema_context(schema_name):
        return destroy_due()
