"""Retention of fair booking's personal data (facility_booking/personal_data.py), run by
privacy's daily destruction (privacy.retention.destroy_due):

- lottery applications: deleted 180 days after their round was drawn (or cancelled);
  the round's published inputs still re-run to the same result, winners' bookings stay;
- waitlist places: deleted 90 days after their period passed or the place ended;
- club series: the applicant's details (and those on the series' bill) destroyed 3 years
  after the last date, or after a rejection/cancellation; amounts and payments stay;
- booking restrictions: deleted a year after they ended or were lifted.

Each rule takes nothing a day early, writes a destruction record without content, and
does nothing the second time."""

import datetime as dt

import pytest
from django.utils import timezone

from facility_booking import draw
from facility_booking.models import (
    FacilityRules,
    LotteryApplication,
    LotteryChoice,
    LotteryRound,
    RecurringSeries,
    Reservation,
    Sanction,
    WaitlistEntry,
)
from facility_booking.personal_data import DESTROYED
from facility_booking.services import lottery, series
from facility_booking.services.reservations import reservation_record_payment
from privacy import retention
from privacy.models import DestructionRecord
from tests.facility_booking.conftest import at, make_facility

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
KINDS = ("lottery_applicant", "waitlist_applicant", "series_applicant", "booking_sanction")


def next_weekday(weekday: int, weeks_ahead: int = 1) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def drawn_round(world, facility, *, title: str, drawn_days_ago: float) -> LotteryRound:
    """A round with two applicants for one slot, drawn ``drawn_days_ago`` days ago."""
    now = timezone.now()
    round = lottery.round_create(
        actor=world.manager_a,
        facility=facility,
        title=title,
        apply_opens_at=now - dt.timedelta(hours=1),
        apply_closes_at=now + dt.timedelta(days=1),
        slots=[(at(9, 8), at(9, 10))],
    )
    slot = round.slots.get()
    for person, phone in ((world.resident, "010-1111-2222"), (world.resident2, "010-3333-4444")):
        lottery.lottery_apply(
            actor=person,
            round=round,
            choices=[slot.pk],
            purpose="조기축구",
            contact_phone=phone,
        )
    round = lottery.lottery_draw(
        round=round, actor=world.manager_a, now=round.apply_closes_at + dt.timedelta(minutes=1)
    )
    LotteryRound.objects.filter(pk=round.pk).update(
        drawn_at=now - dt.timedelta(days=drawn_days_ago)
    )
    return LotteryRound.objects.get(pk=round.pk)


def test_the_fair_kinds_are_registered_with_their_periods(world, schema_a):
    rows = {row["kind"].key: row for row in retention.settings_rows()}
    assert {k: rows[k]["days"] for k in KINDS} == {
        "lottery_applicant": 180,
        "waitlist_applicant": 90,
        "series_applicant": 3 * 365,
        "booking_sanction": 365,
    }
    assert retention.describe("lottery_applicant") == "추첨일로부터 6개월"  # 180일
    assert retention.describe("series_applicant") == "마지막 이용일로부터 3년"


def test_admins_may_lengthen_but_not_go_below_the_minimum(world, on_host, in_schema):
    admin = on_host(world.inst_a, world.admin_a)
    page = admin.get("/manage/privacy/retention/").content.decode()
    for label in ("대관 추첨 신청자 정보", "예약대기 신청자 정보", "정기대관 신청자 정보"):
        assert label in page
    short = admin.post("/manage/privacy/retention/", {"days_lottery_applicant": "30"})
    assert short.status_code == 400 and "90일 이상" in short.content.decode()
    with in_schema(world.inst_a):
        assert retention.days_for("lottery_applicant") == 180


def test_lottery_applications_go_after_the_appeal_period_and_the_draw_still_reruns(world, schema_a):
    facility = make_facility(name="추첨 보유 구장")
    old = drawn_round(world, facility, title="지난 추첨", drawn_days_ago=181)
    recent = drawn_round(
        world, make_facility(name="최근 추첨 구장"), title="최근 추첨", drawn_days_ago=179
    )
    won = Reservation.objects.get(origin="lottery", facility=facility)
    winner_name = won.applicant_name
    now = timezone.now()
    done = retention.destroy_due(now=now)
    assert done["lottery_applicant"] == 2
    assert not LotteryApplication.objects.filter(round=old).exists()
    assert not LotteryChoice.objects.filter(slot__round=old).exists()
    assert LotteryApplication.objects.filter(round=recent).count() == 2  # not a day early
    # The round's record: the published file still re-runs to the same result, and the
    # winner's booking is a booking (kept under booking_applicant, 3 years after use).
    old.refresh_from_db()
    same, _result = draw.verify(lottery.published_inputs(old))
    assert same and old.result["numbers"]
    won.refresh_from_db()
    assert won.applicant_name == winner_name and won.contact_phone and won.total_amount > 0
    record = DestructionRecord.objects.get(kind="lottery_applicant")
    assert record.count == 2 and record.method == "delete" and "6개월" in record.reason
    assert world.resident.get_full_name() not in record.reason + record.label
    assert retention.destroy_due(now=now)["lottery_applicant"] == 0  # nothing twice
    # A day later the recent round's applications are due as well.
    assert retention.destroy_due(now=now + 2 * DAY)["lottery_applicant"] == 2


def test_open_and_cancelled_rounds(world, schema_a):
    now = timezone.now()
    facility = make_facility(name="취소 추첨 구장")
    cancelled = lottery.round_create(
        actor=world.manager_a,
        facility=facility,
        title="취소된 추첨",
        apply_opens_at=now - dt.timedelta(hours=1),
        apply_closes_at=now + dt.timedelta(days=1),
        slots=[(at(9, 8), at(9, 10))],
    )
    slot = cancelled.slots.get()
    lottery.lottery_apply(
        actor=world.resident, round=cancelled, choices=[slot.pk], purpose="a", contact_phone="010"
    )
    open_round = lottery.round_create(
        actor=world.manager_a,
        facility=facility,
        title="진행 중 추첨",
        apply_opens_at=now - dt.timedelta(hours=1),
        apply_closes_at=now + dt.timedelta(days=1),
        slots=[(at(9, 12), at(9, 14))],
    )
    lottery.lottery_apply(
        actor=world.resident,
        round=open_round,
        choices=[open_round.slots.get().pk],
        purpose="b",
        contact_phone="010",
    )
    lottery.round_cancel(actor=world.manager_a, round=cancelled, reason="공사")
    later = now + dt.timedelta(days=181)
    assert retention.destroy_due(now=later)["lottery_applicant"] == 1
    assert not LotteryApplication.objects.filter(round=cancelled).exists()
    # A round not yet drawn keeps its applications however old (the draw needs them).
    assert LotteryApplication.objects.filter(round=open_round).count() == 1


def _entry(world, facility, *, start, status="waiting", person=None, **extra):
    return WaitlistEntry.objects.create(
        facility=facility,
        applicant=person or world.resident,
        applicant_name="주민",
        contact_phone="010-1111-2222",
        purpose="배드민턴",
        start=start,
        end=start + dt.timedelta(hours=2),
        status=status,
        **extra,
    )


def test_waitlist_places_go_90_days_after_the_period_or_their_end(world, schema_a):
    now = timezone.now()
    facility = make_facility(name="대기 보유 구장")
    passed = _entry(world, facility, start=now - dt.timedelta(days=91, hours=2))
    recent = _entry(world, facility, start=now - dt.timedelta(days=89, hours=2))
    ended_early = _entry(world, facility, start=now + dt.timedelta(days=30), status="cancelled")
    ended_lately = _entry(
        world, facility, start=now + dt.timedelta(days=30, hours=3), status="cancelled"
    )
    waiting = _entry(
        world, facility, start=now + dt.timedelta(days=30, hours=6), person=world.resident2
    )
    booking = Reservation.objects.create(
        facility=facility,
        start=now - dt.timedelta(days=100),
        end=now - dt.timedelta(days=100) + dt.timedelta(hours=2),
        hold_start=now - dt.timedelta(days=100),
        hold_end=now - dt.timedelta(days=100) + dt.timedelta(hours=2),
        status="completed",
        applicant=world.resident,
        applicant_name="주민",
        contact_phone="010-1111-2222",
        purpose="배드민턴",
        total_amount=10000,
    )
    booked = _entry(
        world,
        facility,
        start=booking.start,
        status="booked",
        reservation=booking,
        person=world.resident2,
    )
    WaitlistEntry.objects.filter(pk=ended_early.pk).update(updated_at=now - 91 * DAY)
    WaitlistEntry.objects.filter(pk=ended_lately.pk).update(updated_at=now - 89 * DAY)
    # A place still waiting is kept even when nothing changed on it for long.
    WaitlistEntry.objects.filter(pk=waiting.pk).update(updated_at=now - 200 * DAY)
    done = retention.destroy_due(now=now)
    assert done["waitlist_applicant"] == 3
    left = set(WaitlistEntry.objects.filter(facility=facility).values_list("pk", flat=True))
    assert left == {recent.pk, ended_lately.pk, waiting.pk}
    assert passed.pk not in left and booked.pk not in left
    booking.refresh_from_db()  # the booking the place became is a booking record: kept
    assert booking.applicant_name == "주민" and booking.total_amount == 10000
    assert DestructionRecord.objects.get(kind="waitlist_applicant").count == 3
    assert retention.destroy_due(now=now)["waitlist_applicant"] == 0


def _paid_series(world, facility):
    first = next_weekday(1)
    item = series.series_apply(
        actor=world.resident,
        facility=facility,
        weekday=1,
        start_time=dt.time(19),
        end_time=dt.time(21),
        first_date=first,
        last_date=first + dt.timedelta(days=14),
        organisation="가나 배드민턴 클럽",
        purpose="정기 연습",
        contact_phone="010-7777-8888",
        headcount=8,
    )
    series.series_approve(actor=world.manager_a, series=item)
    bill = Reservation.objects.get(series=item, kind="series")
    reservation_record_payment(
        actor=world.manager_a, reservation=bill, amount=bill.total_amount, method="cash"
    )
    return RecurringSeries.objects.get(pk=item.pk), bill


def test_series_applicants_are_destroyed_3_years_after_the_last_date_amounts_kept(world, schema_a):
    facility = make_facility(name="정기대관 보유 구장", base_fee=10000)
    FacilityRules.objects.create(facility=facility, series_enabled=True)
    ended, bill = _paid_series(world, facility)
    other = make_facility(name="다른 구장", base_fee=10000)
    FacilityRules.objects.create(facility=other, series_enabled=True)
    kept, _kept_bill = _paid_series(world, other)
    today = timezone.localdate()
    RecurringSeries.objects.filter(pk=ended.pk).update(
        first_date=today - dt.timedelta(days=3 * 365 + 15), last_date=today - 3 * 365 * DAY - DAY
    )
    RecurringSeries.objects.filter(pk=kept.pk).update(
        first_date=today - dt.timedelta(days=3 * 365 + 13), last_date=today - 3 * 365 * DAY + DAY
    )
    paid_before = Reservation.objects.with_money().get(pk=bill.pk).paid_amount
    dates_before = sorted(
        Reservation.objects.filter(series=ended, kind="booking").values_list(
            "pk", "status", "total_amount", "applicant_name"
        )
    )
    assert paid_before == bill.total_amount > 0
    done = retention.destroy_due(now=timezone.now())
    assert done["series_applicant"] == 1
    ended.refresh_from_db()
    assert (ended.applicant_id, ended.applicant_name, ended.applicant_email) == (
        None,
        DESTROYED,
        "",
    )
    assert ended.contact_phone == ended.organisation == ended.purpose == ended.staff_note == ""
    assert ended.status == "decided" and ended.first_date < ended.last_date  # the record stays
    bill.refresh_from_db()
    assert (
        bill.applicant_name == DESTROYED and bill.contact_phone == "" and bill.applicant_id is None
    )
    assert bill.total_amount > 0 and bill.status == "paid"
    assert Reservation.objects.with_money().get(pk=bill.pk).paid_amount == paid_before
    # The dates are bookings: booking_applicant decides about them (3 years after each use).
    assert (
        sorted(
            Reservation.objects.filter(series=ended, kind="booking").values_list(
                "pk", "status", "total_amount", "applicant_name"
            )
        )
        == dates_before
    )
    kept.refresh_from_db()
    assert kept.contact_phone == "010-7777-8888"  # a day short of the period
    record = DestructionRecord.objects.get(kind="series_applicant")
    assert record.method == "pseudonymise" and record.count == 1
    assert retention.destroy_due(now=timezone.now())["series_applicant"] == 0


def test_a_rejected_series_counts_from_its_rejection(world, schema_a):
    facility = make_facility(name="반려 구장")
    FacilityRules.objects.create(facility=facility, series_enabled=True)
    first = next_weekday(1)
    item = series.series_apply(
        actor=world.resident,
        facility=facility,
        weekday=1,
        start_time=dt.time(19),
        end_time=dt.time(21),
        first_date=first,
        last_date=first + dt.timedelta(days=14),
        organisation="반려 클럽",
        purpose="연습",
        contact_phone="010-7777-8888",
    )
    series.series_reject(actor=world.manager_a, series=item, reason="대회")
    item.refresh_from_db()
    assert item.status == "rejected"
    decided = item.updated_at
    assert retention.destroy_due(now=decided + (3 * 365 - 1) * DAY)["series_applicant"] == 0
    assert retention.destroy_due(now=decided + (3 * 365 + 1) * DAY)["series_applicant"] == 1
    item.refresh_from_db()
    assert item.applicant_name == DESTROYED and item.contact_phone == ""


def test_sanctions_go_a_year_after_they_end_or_are_lifted(world, schema_a):
    now = timezone.now()

    def sanction(**times):
        return Sanction.objects.create(
            applicant=world.resident, reason="노쇼 3회", automatic=True, **times
        )

    ended = sanction(starts_at=now - 400 * DAY, ends_at=now - 366 * DAY)
    lifted = sanction(starts_at=now - 420 * DAY, ends_at=now + 30 * DAY, lifted_at=now - 366 * DAY)
    recent = sanction(starts_at=now - 400 * DAY, ends_at=now - 364 * DAY)
    active = sanction(starts_at=now - DAY, ends_at=now + 10 * DAY)
    done = retention.destroy_due(now=now)
    assert done["booking_sanction"] == 2
    left = set(Sanction.objects.values_list("pk", flat=True))
    assert {recent.pk, active.pk} <= left and not {ended.pk, lifted.pk} & left
    assert DestructionRecord.objects.get(kind="booking_sanction").count == 2
    assert retention.destroy_due(now=now)["booking_sanction"] == 0


def test_a_longer_setting_keeps_rows_longer(world, schema_a):
    now = timezone.now()
    Sanction.objects.create(
        applicant=world.resident,
        reason="노쇼",
        starts_at=now - 500 * DAY,
        ends_at=now - 400 * DAY,
    )
    retention.retention_set(actor=world.admin_a, key="booking_sanction", days=730)
    assert retention.destroy_due(now=now)["booking_sanction"] == 0
    assert Sanction.objects.count() == 1
