"""Background work that every app shares. Tasks carry the schema they act in."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task
from django_tenants.utils import schema_context


@task()
def send_email(*, to: list[str], subject: str, body: str, html: str = "") -> int:
    """Send one e-mail; failures are retried by the worker, never roll back data."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def run_in_schema(schema_name: str, function, *args, **kwargs):
    """Run a callable inside an institution schema (the worker starts in public)."""
    with schema_context(schema_name):
        return function(*args, **kwargs)
