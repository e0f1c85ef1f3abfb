"""Background work of 문서유통. A task may run more than once (a worker that died is
handed over, suite/worker.py): delivery is idempotent by the envelope's id, the e-mail
goes once (suite.tasks.effect_once)."""

from django_tasks import task

from groupware.exchange.relay.models import Envelope, EnvelopeState
from suite.tasks import run_in_schema


@task()
def deliver_envelope(*, envelope_id: str) -> str:
    """도달: make the receiver's copy, in the receiver's schema (the worker starts in public)."""
    from groupware.exchange.services.receiving import envelope_deliver

    envelope = (
        Envelope.objects.select_related("receiver")
        .filter(pk=envelope_id, channel=Envelope.Channel.CLOUD)
        .first()
    )
    if envelope is None:
        return "missing"
    received = run_in_schema(
        envelope.receiver.schema_name, envelope_deliver, envelope_id=envelope.pk
    )
    return "delivered" if received is not None else "not delivered"


@task(takes_context=True)
def email_envelope(context, *, envelope_id: str) -> bool:
    """An outside recipient gets the PDF by e-mail, at most once per envelope."""
    from groupware.exchange.services.sending import envelope_email

    return envelope_email(envelope_id=envelope_id, effect_key=f"exchange-mail:{envelope_id}")


def redeliver_waiting(older_than_seconds: int = 300) -> int:
    """Queue again the envelopes still 발송 after ``older_than_seconds`` (the process died
    between commit and queueing). Idempotent: a delivered envelope is left alone."""
    import datetime

    from django.utils import timezone

    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    count = 0
    for pk, channel in Envelope.objects.filter(
        state=EnvelopeState.SENT, sent_at__lt=cutoff
    ).values_list("pk", "channel"):
        if channel == Envelope.Channel.CLOUD:
            deliver_envelope.enqueue(envelope_id=str(pk))
        else:
            email_envelope.enqueue(envelope_id=str(pk))
        count += 1
    return count
