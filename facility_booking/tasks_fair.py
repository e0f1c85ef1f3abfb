"""Background work of fair booking. Each task carries its schema and runs inside
``schema_context`` (the worker starts in the public schema); each is safe to run twice
(a drawn round is not drawn again, an expired bill not expired again)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task
from django_tenants.utils import schema_context

from facility_booking.models import Kind, LotteryRound, Reservation, RoundStatus, Status


def fair_work_here(*, now=None) -> int:
    """Draw rounds whose window closed, expire unpaid series bills, end past waits."""
    from facility_booking.services import lottery, waitlist
    from facility_booking.services.reservations import reservation_expire

    now = now or timezone.now()
    count = lottery.draw_due_here(now=now)
    bills = Reservation.objects.filter(
        kind=Kind.SERIES, status=Status.APPROVED, total_amount__gt=0, payment_due__lt=now
    ).order_by("payment_due")
    count += sum(1 for bill in bills if reservation_expire(reservation=bill, now=now))
    count += waitlist.close_past_here(now=now)
    return count


@task()
def draw_round(*, schema_name: str, round_pk: int) -> bool:
    """Task (deferred to the round's close): draw that round if it is still to draw."""
    from facility_booking.services.lottery import lottery_draw

    with schema_context(schema_name):
        round = LotteryRound.objects.filter(pk=round_pk, status=RoundStatus.OPEN).first()
        if round is None or round.apply_closes_at > timezone.now():
            return False
        lottery_draw(round=round)
        return True


@task()
def fair_work(*, schema_name: str) -> int:
    """Task: the periodic fair-booking work of one institution."""
    with schema_context(schema_name):
        return fair_work_here()
