"""Fair booking's personal data (facility_booking/personal_data.py): on leaving, a place
in an opening's waiting line is deleted; lottery applications, waitlist entries, club
series and restrictions stay under the pseudonym with the contact details cleared — no
text column anywhere holds the person's e-mail, name or phone afterwards. Waiting-line
places are also destroyed a set time after their line closed."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from facility_booking.models import (
    FacilityRules,
    LotteryApplication,
    RecurringSeries,
    Sanction,
    WaitlistEntry,
)
from facility_booking.models_queue import WaitingPlace, WaitingRoom
from facility_booking.services import lottery
from privacy import retention
from privacy.erasure import account_delete, pseudonym_for
from privacy.models import DestructionRecord
from tests.facility_booking.conftest import at, make_facility
from tests.privacy.conftest import find_everywhere, needles_for

PERSON = {"email": "queue.leaver@test.kr", "name": "줄선홍길동", "phone": "010-5656-7878"}


def _room(facility, *, closes_at):
    return WaitingRoom.objects.create(
        facility=facility,
        enabled=True,
        opens_at=closes_at - dt.timedelta(hours=2),
        closes_at=closes_at,
        use_from=timezone.localdate() + dt.timedelta(days=30),
        use_to=timezone.localdate() + dt.timedelta(days=60),
    )


def test_leaving_deletes_the_waiting_place_and_pseudonymises_fair_rows(world, in_schema):
    user = User.objects.create_user(
        PERSON["email"], "quiet-harbour-77", name=PERSON["name"], phone=PERSON["phone"]
    )
    name, phone = PERSON["name"], PERSON["phone"]
    now = timezone.now()
    with in_schema(world.inst_a):
        facility = make_facility(name="대기열 탈퇴 시험 구장")
        FacilityRules.objects.create(facility=facility, series_enabled=True)
        room = _room(facility, closes_at=now + dt.timedelta(hours=1))
        WaitingPlace.objects.create(room=room, user=user, seq=1, joined_at=now)
        WaitingPlace.objects.create(room=room, user=world.resident, seq=2, joined_at=now)
        round = lottery.round_create(
            actor=world.manager_a,
            facility=facility,
            title="탈퇴 시험 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(10, 8), at(10, 10))],
        )
        application = LotteryApplication.objects.create(
            round=round,
            applicant=user,
            applicant_name=name,
            contact_phone=phone,
            organisation=f"{name} 축구회",
            purpose=f"{name} 조기축구 ({phone})",
        )
        entry = WaitlistEntry.objects.create(
            facility=facility,
            applicant=user,
            applicant_name=name,
            contact_phone=phone,
            purpose=f"{name} 배드민턴",
            start=at(5, 10),
            end=at(5, 12),
            status="cancelled",
            status_reason=f"{name} 취소",
        )
        series = RecurringSeries.objects.create(
            facility=facility,
            applicant=user,
            applicant_name=name,
            applicant_email=PERSON["email"],
            contact_phone=phone,
            organisation=f"{name} 클럽",
            purpose="정기 연습",
            weekday=1,
            start_time=dt.time(19),
            end_time=dt.time(21),
            first_date=timezone.localdate() - dt.timedelta(days=60),
            last_date=timezone.localdate() - dt.timedelta(days=30),
            status="rejected",
            staff_note=f"{name}님 연락 {phone}",
        )
        sanction = Sanction.objects.create(
            applicant=user,
            facility=facility,
            reason=f"{name} 노쇼 3회",
            starts_at=now - dt.timedelta(days=40),
            ends_at=now - dt.timedelta(days=10),
        )
    needles = needles_for(PERSON["email"], name, phone)
    assert find_everywhere(needles), "the person's data should be there before leaving"

    account_delete(user=user)

    assert find_everywhere(needles) == []
    pseudonym = pseudonym_for(user.pk)
    with in_schema(world.inst_a):
        assert not WaitingPlace.objects.filter(user_id=user.pk).exists()
        assert WaitingPlace.objects.filter(room=room, user=world.resident).exists()
        for row in (application, entry, series):
            row.refresh_from_db()
            assert row.applicant_name == pseudonym and row.contact_phone == ""
        assert application.round_id == round.pk  # the round's record still adds up
        series.refresh_from_db()
        assert series.applicant_email == "" and series.organisation == ""
        sanction.refresh_from_db()
        assert sanction.ends_at < now  # kept, without the name
        assert DestructionRecord.objects.filter(kind="account").exists()


def test_waiting_places_are_destroyed_after_their_line_closed(world, in_schema):
    now = timezone.now()
    with in_schema(world.inst_a):
        old = _room(make_facility(name="지난 오픈 구장"), closes_at=now - dt.timedelta(days=8))
        current = _room(make_facility(name="오늘 오픈 구장"), closes_at=now + dt.timedelta(hours=1))
        WaitingPlace.objects.create(room=old, user=world.resident, seq=1, joined_at=now)
        WaitingPlace.objects.create(room=old, user=world.resident2, seq=2, joined_at=now)
        WaitingPlace.objects.create(room=current, user=world.resident, seq=1, joined_at=now)
        assert retention.days_for("waiting_place") == 7
        done = retention.destroy_due(now=now)
        assert done["waiting_place"] == 2
        assert list(WaitingPlace.objects.values_list("room_id", flat=True)) == [current.pk]
        assert DestructionRecord.objects.filter(kind="waiting_place", count=2).exists()
        assert retention.destroy_due(now=now)["waiting_place"] == 0  # nothing twice
