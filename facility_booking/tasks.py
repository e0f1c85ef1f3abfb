"""Background work of facility booking. Every task carries the schema it acts in
and runs inside ``schema_context`` (the worker starts in the public schema)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tenants.utils import schema_context

from facility_booking.models import Kind, Reservation, Status


def _here(institution):
    """The institution of the current schema, read once per task (services take it)."""
    from facility_booking.portal import current_institution

    return institution or current_institution()


def expire_overdue_here(*, now=None, institution=None) -> int:
    """Expire approved, unpaid bookings past their payment deadline in the current schema."""
    now = now or timezone.now()
    institution = _here(institution)
    from facility_booking.services import reservation_expire

    due = Reservation.objects.filter(
        kind=Kind.BOOKING, status=Status.APPROVED, total_amount__gt=0, payment_due__lt=now
    ).order_by("payment_due")
    return sum(
        1 for r in due if reservation_expire(reservation=r, institution=institution, now=now)
    )


def send_reminders_here(*, now=None, institution=None) -> int:
    """E-mail everyone whose confirmed booking starts tomorrow (local date), once each."""
    now = now or timezone.now()
    institution = _here(institution)
    from facility_booking.services import reservation_send_reminder

    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(0)))
    end = start + dt.timedelta(days=1)
    upcoming = Reservation.objects.filter(
        kind=Kind.BOOKING,
        status__in=[Status.APPROVED, Status.PAID],
        reminder_sent_at__isnull=True,
        start__gte=start,
        start__lt=end,
    ).order_by("start")
    return sum(
        1
        for r in upcoming
        if reservation_send_reminder(reservation=r, institution=institution, now=now)
    )


def send_payment_reminders_here(*, now=None, institution=None) -> int:
    """Tell applicants whose payment deadline is within 24 hours (once each)."""
    now = now or timezone.now()
    institution = _here(institution)
    from facility_booking.services import reservation_send_payment_reminder

    due = Reservation.objects.filter(
        kind=Kind.BOOKING,
        status=Status.APPROVED,
        total_amount__gt=0,
        payment_reminder_sent_at__isnull=True,
        payment_due__gt=now,
        payment_due__lte=now + dt.timedelta(hours=24),
    ).order_by("payment_due")
    return sum(
        1
        for r in due
        if reservation_send_payment_reminder(reservation=r, institution=institution, now=now)
    )


@task()
def expire_reservations(*, schema_name: str) -> int:
    """Task: expire overdue unpaid bookings of one institution."""
    with schema_context(schema_name):
        return expire_overdue_here()


@task()
def send_reminders(*, schema_name: str) -> int:
    """Task: day-before reminders and payment-due reminders of one institution."""
    with schema_context(schema_name):
        return send_reminders_here() + send_payment_reminders_here()


@task()
def render_documents(*, schema_name: str, reservation_id: int) -> list[str]:
    """Task: store the current permit and receipt of a booking that changed (idempotent:
    a version already stored is not rendered again; a booking gone renders nothing)."""
    from facility_booking.documents import prerender

    with schema_context(schema_name):
        reservation = (
            Reservation.objects.select_related("facility").filter(pk=reservation_id).first()
        )
        return prerender(reservation) if reservation is not None else []
