"""Background sending. Notifications live in the public schema: no schema to carry."""

from __future__ import annotations

from django_tasks import task

from notifications import services


@task()
def send_deliveries(*, ids: list[int]) -> int:
    """Send these deliveries (each at most once; not yet due or taken ones are skipped),
    then recover a few claims left by dead workers."""
    sent = 0
    for pk in ids:
        if services.send_delivery(pk) == "sent":
            sent += 1
    # A delivery still claimed by another worker's lease: that worker may be dead (this
    # task is then being run again after it died mid-send). Look again when the lease
    # runs out; by then a live worker has marked it sent and the look finds nothing to do.
    services.check_when_leases_end(ids)
    return sent


@task()
def sweep() -> int:
    """Everything due: held for quiet hours, retries, dead workers' claims."""
    return services.sweep()
