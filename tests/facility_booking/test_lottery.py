"""Lottery rounds (추첨): staff open a round, residents apply with ranked choices, the
slots cannot be booked directly meanwhile, the draw after the close gives winners
bookings awaiting payment, tells everyone, and can be re-run from its published
inputs with the same outcome."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from facility_booking import draw
from facility_booking import services as fb
from facility_booking.errors import BookingError, message
from facility_booking.models import (
    ApplicationStatus,
    LotteryApplication,
    LotteryRound,
    Reservation,
    RoundStatus,
    SlotOutcome,
    Status,
)
from facility_booking.services import lottery
from institution.models import AuditEvent
from notifications.models import Notification
from tests.facility_booking.conftest import at, make_facility, request_kwargs

pytestmark = pytest.mark.django_db


def open_round(world, facility, *, now=None, slots=3, **overrides):
    now = now or timezone.now()
    values = {
        "actor": world.manager_a,
        "facility": facility,
        "title": "주말 구장 추첨",
        "apply_opens_at": now - dt.timedelta(hours=1),
        "apply_closes_at": now + dt.timedelta(days=1),
        "slots": [(at(10, 8 + 2 * i), at(10, 10 + 2 * i)) for i in range(slots)],
        "max_wins": 1,
        "max_choices": 3,
        "now": now,
    }
    values.update(overrides)
    return lottery.round_create(**values)


def apply(person, round, choices, **overrides):
    values = {
        "actor": person,
        "round": round,
        "choices": choices,
        "purpose": "조기축구회 경기",
        "contact_phone": f"010-5555-{person.pk % 10000:04d}",
        "headcount": 10,
    }
    values.update(overrides)
    return lottery.lottery_apply(**values)


def test_a_round_publishes_a_commitment_and_holds_its_slots_from_direct_booking(world, schema_a):
    facility = make_facility(window_open_days=30)
    round = open_round(world, facility)
    assert round.seed_commitment == draw.sha256(round.seed_secret)
    assert round.slots.count() == 3
    assert AuditEvent.objects.filter(action="facility_booking.lottery_open").exists()
    with pytest.raises(BookingError) as refused:
        fb.reservation_request(
            **request_kwargs(facility, world.resident, start=at(10, 8), end=at(10, 10))
        )
    assert message("lottery_slot", title=round.title) in refused.value.messages
    assert not Reservation.objects.filter(facility=facility).exists()


def test_slots_that_are_closed_or_held_are_left_out_and_none_left_is_refused(world, schema_a):
    facility = make_facility()
    fb.reservation_request(
        **request_kwargs(facility, world.resident, start=at(10, 8), end=at(10, 10))
    )
    round = open_round(world, facility)
    assert [s.start for s in round.slots.all()] == [at(10, 10), at(10, 12)]
    with pytest.raises(BookingError) as refused:
        open_round(world, facility, slots=1)  # 8–10 is booked
    assert message("round_no_slots") in refused.value.messages
    assert LotteryRound.objects.count() == 1


def test_only_booking_managers_open_rounds_and_bad_windows_are_refused(world, schema_a):
    from django.core.exceptions import PermissionDenied

    facility = make_facility()
    with pytest.raises(PermissionDenied):
        open_round(world, facility, actor=world.staff_a)
    now = timezone.now()
    with pytest.raises(BookingError):
        open_round(world, facility, apply_opens_at=now + dt.timedelta(days=2), now=now)
    with pytest.raises(BookingError) as late:
        open_round(world, facility, apply_closes_at=at(10, 9), now=now)
    assert message("round_closes_before_use") in late.value.messages
    with pytest.raises(BookingError) as no_city:
        open_round(world, facility, residents_only=True)
    assert message("round_city_unknown") in no_city.value.messages
    assert not LotteryRound.objects.exists()


def test_applying_checks_window_choices_and_residency(world, schema_a):
    facility = make_facility()
    round = open_round(world, facility)
    ids = list(round.slots.values_list("pk", flat=True))
    with pytest.raises(BookingError) as none:
        apply(world.resident, round, [])
    assert message("round_choices_required") in none.value.messages
    with pytest.raises(BookingError):
        apply(world.resident, round, [*ids, 10**9])
    application = apply(world.resident, round, [ids[1], ids[0]])
    assert [c.slot_id for c in application.choices.all()] == [ids[1], ids[0]]
    # Applying again changes the one application.
    application = apply(world.resident, round, [ids[2]])
    assert LotteryApplication.objects.filter(round=round).count() == 1
    assert [c.slot_id for c in application.choices.all()] == [ids[2]]
    with pytest.raises(BookingError):
        apply(world.resident2, round, [ids[0]], now=round.apply_closes_at + dt.timedelta(minutes=1))


def test_residents_only_rounds_take_residents_of_the_institution_city(world, schema_a):
    world.inst_a.address = "경기도 가나시 중앙로 10"
    world.inst_a.save(update_fields=["address"])
    facility = make_facility()
    round = open_round(world, facility, residents_only=True)
    slot = round.slots.first().pk
    world.resident2.address = "서울특별시 종로구 1"
    world.resident2.save(update_fields=["address"])
    with pytest.raises(BookingError) as outside:
        apply(world.resident2, round, [slot])
    assert message("round_residents_only", city="가나시") in outside.value.messages
    assert apply(world.resident, round, [slot]).status == ApplicationStatus.APPLIED


def _draw_after_close(round, **kwargs):
    return lottery.lottery_draw(
        round=round, now=round.apply_closes_at + dt.timedelta(minutes=1), **kwargs
    )


def test_the_draw_gives_winners_bookings_awaiting_payment_and_tells_everyone(world, schema_a):
    facility = make_facility()
    round = open_round(world, facility, slots=1)
    slot = round.slots.get()
    a = apply(world.resident, round, [slot.pk])
    b = apply(world.resident2, round, [slot.pk])
    with pytest.raises(BookingError):
        lottery.lottery_draw(round=round, actor=world.manager_a)  # before the close
    round = _draw_after_close(round, actor=world.manager_a)
    assert round.status == RoundStatus.DRAWN and round.seed
    slot.refresh_from_db()
    assert slot.outcome == SlotOutcome.AWARDED
    booking = slot.reservation
    assert booking.status == Status.APPROVED and booking.payment_due and booking.total_amount > 0
    assert booking.origin == "lottery"
    winner = LotteryApplication.objects.get(status=ApplicationStatus.WON)
    loser = LotteryApplication.objects.get(status=ApplicationStatus.LOST)
    assert {winner.pk, loser.pk} == {a.pk, b.pk}
    assert booking.applicant_id == winner.applicant_id
    assert Notification.objects.filter(
        event="lottery_won", recipient_id=winner.applicant_id
    ).exists()
    assert Notification.objects.filter(
        event="lottery_lost", recipient_id=loser.applicant_id
    ).exists()
    # Drawing again changes nothing.
    again = _draw_after_close(round)
    assert again.seed == round.seed
    assert Reservation.objects.filter(facility=facility).count() == 1


def test_rerunning_from_the_published_inputs_gives_the_identical_outcome(world, schema_a, tmp_path):
    facility = make_facility()
    round = open_round(world, facility, slots=3, max_wins=1)
    ids = list(round.slots.values_list("pk", flat=True))
    apply(world.resident, round, ids)
    apply(world.resident2, round, list(reversed(ids)))
    apply(world.staff_a, round, [ids[0]])
    round = _draw_after_close(round)
    published = lottery.published_inputs(round)
    text = json.dumps(published, ensure_ascii=False)
    # Nothing personal in the file: no names, phones or e-mail addresses.
    for person in (world.resident, world.resident2, world.staff_a):
        assert person.email not in text and person.get_full_name() not in text
    assert "010-" not in text
    same, result = draw.verify(json.loads(text))
    assert same
    assert result["awards"] == round.result["awards"]
    path = tmp_path / "inputs.json"
    path.write_text(text, encoding="utf-8")
    call_command("lottery_verify", str(path))
    awarded = {a["slot"]: a["application"] for a in round.result["awards"]}
    for slot in round.slots.filter(outcome=SlotOutcome.AWARDED):
        assert slot.winner_id == awarded[slot.pk]


def test_a_group_applying_through_several_members_counts_once(world, schema_a):
    facility = make_facility()
    round = open_round(world, facility, slots=2, max_wins=1)
    ids = list(round.slots.values_list("pk", flat=True))
    apply(world.resident, round, ids, organisation="가나 FC")
    apply(world.resident2, round, ids, organisation=" 가나fc ")
    round = _draw_after_close(round)
    assert LotteryApplication.objects.filter(status=ApplicationStatus.WON).count() == 1
    assert set(LotteryApplication.objects.values_list("party", flat=True)) == {
        f"p{min(LotteryApplication.objects.values_list('pk', flat=True))}"
    }
    # The slot nobody could take becomes bookable as usual.
    free = round.slots.get(outcome=SlotOutcome.UNCLAIMED)
    booking = fb.reservation_request(
        **request_kwargs(facility, world.staff_a, start=free.start, end=free.end)
    )
    assert booking.status == Status.REQUESTED


def test_a_withdrawn_application_takes_no_part(world, schema_a):
    facility = make_facility()
    round = open_round(world, facility, slots=1)
    slot = round.slots.get().pk
    application = apply(world.resident, round, [slot])
    lottery.lottery_withdraw(actor=world.resident, application=application)
    round = _draw_after_close(round)
    assert round.result["awards"] == []
    assert round.slots.get().outcome == SlotOutcome.UNCLAIMED


def test_the_background_work_draws_rounds_whose_window_closed(world, schema_a):
    from facility_booking.tasks_fair import fair_work_here

    facility = make_facility()
    round = open_round(world, facility, slots=1)
    apply(world.resident, round, [round.slots.get().pk])
    assert fair_work_here(now=round.apply_closes_at - dt.timedelta(minutes=1)) == 0
    fair_work_here(now=round.apply_closes_at + dt.timedelta(minutes=1))
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAWN and round.drawn_label


def test_a_cancelled_round_frees_its_slots_and_tells_applicants(world, schema_a):
    facility = make_facility()
    round = open_round(world, facility, slots=1)
    slot = round.slots.get()
    apply(world.resident, round, [slot.pk])
    with pytest.raises(BookingError):
        lottery.round_cancel(actor=world.manager_a, round=round, reason="")
    lottery.round_cancel(actor=world.manager_a, round=round, reason="구장 공사")
    assert Notification.objects.filter(
        event="lottery_lost", recipient_id=world.resident.pk
    ).exists()
    booking = fb.reservation_request(
        **request_kwargs(facility, world.resident2, start=slot.start, end=slot.end)
    )
    assert booking.pk


def test_a_buffered_facility_offers_only_slots_that_can_all_be_held(world, schema_a):
    """Clean-up time after each use: adjacent slots would clash once both are won, so
    the plan leaves the buffer between them and a round keeps only one of two that clash;
    the draw then books every award."""
    facility = make_facility(buffer_minutes=60, slot_minutes=60, min_minutes=60)
    day = at(10, 0).date()
    planned = lottery.plan_slots(
        facility,
        first=day,
        last=day,
        weekdays=[day.weekday()],
        day_start=dt.time(8),
        day_end=dt.time(14),
        minutes=120,
    )
    starts = [timezone.localtime(p.start).hour for p in planned]
    assert starts == [8, 11] and not any(p.problem for p in planned)
    round = open_round(world, facility, slots=3)  # 8–10, 10–12, 12–14 asked
    kept = [timezone.localtime(s.start).hour for s in round.slots.order_by("start")]
    assert kept == [8, 12]
    ids = list(round.slots.values_list("pk", flat=True))
    apply(world.resident, round, ids)
    apply(world.resident2, round, ids)
    round = _draw_after_close(round, actor=world.manager_a)
    assert Reservation.objects.filter(facility=facility, status=Status.APPROVED).count() == 2


def test_the_calendar_shows_a_rounds_slots_as_not_bookable_until_the_draw(world, schema_a):
    from facility_booking import availability

    facility = make_facility(window_open_days=30)
    round = open_round(world, facility, slots=1)  # day 10, 08–10
    day = availability.days(facility, at(10, 0).date(), 1)[0]
    states = {timezone.localtime(s.start).hour: s.state for s in day.slots}
    assert states[8] == states[9] == availability.CLOSED
    assert states[10] == availability.FREE
    lottery.round_cancel(actor=world.manager_a, round=round, reason="시설 점검")
    day = availability.days(facility, at(10, 0).date(), 1)[0]
    assert {timezone.localtime(s.start).hour: s.state for s in day.slots}[8] == availability.FREE
