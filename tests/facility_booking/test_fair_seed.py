"""The demo seed shows fair booking: a round taking applications, one drawn with its
public result, rules on the lottery facility, a club's series awaiting staff and a
waitlist place; idempotent; the last demo resident is left without any of it."""

from django_tenants.utils import schema_context

from facility_booking.models import (
    FacilityRules,
    LotteryApplication,
    LotteryRound,
    RecurringSeries,
    Reservation,
    RoundStatus,
    WaitlistEntry,
)
from facility_booking.seed import seed_institution


def test_seed_has_a_lottery_a_series_and_a_waitlist_and_is_idempotent(world):
    people = {
        "admin": world.admin_a,
        "facility": world.manager_a,
        "staff1": world.staff_a,
        "residents": [world.resident, world.resident2, world.staff_a2],
    }
    with schema_context(world.inst_a.schema_name):
        seed_institution(institution=world.inst_a, people=people)
        rounds = {r.status: r for r in LotteryRound.objects.all()}
        assert set(rounds) == {RoundStatus.OPEN, RoundStatus.DRAWN}
        drawn = rounds[RoundStatus.DRAWN]
        assert drawn.result["awards"] and drawn.result["numbers"]
        assert Reservation.objects.filter(origin="lottery", status="approved").exists()
        assert LotteryApplication.objects.filter(round=rounds[RoundStatus.OPEN]).count() == 2
        series = RecurringSeries.objects.get()
        assert series.reservations.filter(kind="booking", status="requested").count() >= 8
        assert FacilityRules.objects.filter(series_enabled=True).exists()
        assert FacilityRules.objects.filter(week_limit=2, weekend_daily_limit=True).exists()
        assert WaitlistEntry.objects.filter(status="waiting").count() == 1
        counts = (
            LotteryRound.objects.count(),
            LotteryApplication.objects.count(),
            RecurringSeries.objects.count(),
            WaitlistEntry.objects.count(),
            Reservation.objects.count(),
        )
        seed_institution(institution=world.inst_a, people=people)
        assert counts == (
            LotteryRound.objects.count(),
            LotteryApplication.objects.count(),
            RecurringSeries.objects.count(),
            WaitlistEntry.objects.count(),
            Reservation.objects.count(),
        )
        last = world.staff_a2
        assert not LotteryApplication.objects.filter(applicant=last).exists()
        assert not WaitlistEntry.objects.filter(applicant=last).exists()
        assert not RecurringSeries.objects.filter(applicant=last).exists()
