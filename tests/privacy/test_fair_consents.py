"""Lottery, waitlist and series (정기대관) forms each ask their own consent: the text states
what that kind collects, why, and the period of its own retention rule
(facility_booking/personal_data.py) as the institution has set it — not the booking's
"이용일로부터 3년" — and the consent is stored under that kind's key and wording."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking import services as fb
from facility_booking.models import FacilityRules
from facility_booking.services import lottery
from privacy.models import Consent
from privacy.retention import retention_set
from tests.facility_booking.conftest import at, make_facility, request_kwargs

pytestmark = pytest.mark.django_db

BOOKING_TITLE = "[필수] 대관 신청 개인정보 수집·이용 동의"


@pytest.fixture
def places(world):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="동의 구장")
        FacilityRules.objects.create(facility=facility, series_enabled=True)
        now = timezone.now()
        round = lottery.round_create(
            actor=world.manager_a,
            facility=facility,
            title="동의 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(10, 8), at(10, 10))],
            max_wins=1,
            max_choices=1,
            now=now,
        )
        slot = round.slots.get()
    return {
        "facility": facility,
        "lottery": f"/facilities/lottery/{round.pk}/apply/",
        "waitlist": f"/facilities/{facility.pk}/waitlist/",
        "series": f"/facilities/{facility.pk}/series/",
        "slot": slot,
    }


@pytest.mark.parametrize(
    "kind, title, period, item",
    [
        ("lottery", "[필수] 대관 추첨 신청 개인정보 수집·이용 동의", "추첨일로부터 6개월", "지망"),
        (
            "waitlist",
            "[필수] 예약대기 신청 개인정보 수집·이용 동의",
            "대기 종료일로부터 3개월",
            "대기 순번",
        ),
        (
            "series",
            "[필수] 정기대관 신청 개인정보 수집·이용 동의",
            "마지막 이용일로부터 3년",
            "이용 요일",
        ),
    ],
)
def test_each_form_states_its_own_items_and_period(
    world, places, on_host, kind, title, period, item
):
    body = on_host(world.inst_a, world.resident).get(places[kind]).content.decode()
    assert title in body and period in body and item in body
    assert f'name="consent_{kind}_required"' in body
    assert BOOKING_TITLE not in body and 'name="consent_booking_required"' not in body


def test_the_text_shows_the_period_the_institution_set(world, places, on_host):
    with schema_context(world.inst_a.schema_name):
        retention_set(actor=world.admin_a, key="lottery_applicant", days=365)
        retention_set(actor=world.admin_a, key="waitlist_applicant", days=45)
        retention_set(actor=world.admin_a, key="series_applicant", days=365 * 5)
    client = on_host(world.inst_a, world.resident)
    assert "추첨일로부터 1년" in client.get(places["lottery"]).content.decode()
    assert "대기 종료일로부터 45일" in client.get(places["waitlist"]).content.decode()
    assert "마지막 이용일로부터 5년" in client.get(places["series"]).content.decode()
    with schema_context(world.inst_b.schema_name):  # another institution keeps its own
        facility = make_facility(name="B 동의 구장")
    body = on_host(world.inst_b, world.resident).get(f"/facilities/{facility.pk}/waitlist/")
    assert "대기 종료일로부터 3개월" in body.content.decode()


def _stored(world, key):
    with schema_context(world.inst_a.schema_name):
        return Consent.objects.get(user_id=world.resident.pk, key=key)


def test_each_kind_stores_its_own_consent(world, places, on_host):
    client = on_host(world.inst_a, world.resident)
    person = {"purpose": "조기축구", "headcount": "8", "contact_phone": "010-5555-1234"}
    applied = client.post(
        places["lottery"],
        {**person, "choice_1": str(places["slot"].pk), "consent_lottery_required": "on"},
    )
    assert applied.status_code == 302
    consent = _stored(world, "lottery.required")
    assert consent.granted and consent.version == "2026-12"
    assert "추첨일로부터 6개월" in consent.retention and "지망" in consent.items

    day = at(5, 0).date().isoformat()
    with schema_context(world.inst_a.schema_name):
        fb.reservation_request(
            **request_kwargs(places["facility"], world.resident2, start=at(5, 10), end=at(5, 12))
        )
    slot = {"date": day, "start_time": "10:00", "end_time": "12:00"}
    refused = client.post(places["waitlist"], {**person, **slot, "consent_booking_required": "on"})
    assert refused.status_code == 400  # the booking tick is not this form's consent
    joined = client.post(places["waitlist"], {**person, **slot, "consent_waitlist_required": "on"})
    assert joined.status_code == 302
    consent = _stored(world, "waitlist.required")
    assert "대기 종료일로부터 3개월" in consent.retention and "순번" in consent.items

    first = timezone.localdate() + dt.timedelta(days=(1 - timezone.localdate().weekday()) % 7 + 7)
    series = {
        **person,
        "organisation": "가나 클럽",
        "weekday": "1",
        "start_time": "19:00",
        "end_time": "21:00",
        "first_date": first.isoformat(),
        "last_date": (first + dt.timedelta(days=14)).isoformat(),
        "consent_series_required": "on",
        "action": "submit",
    }
    assert client.post(places["series"], series).status_code == 302
    consent = _stored(world, "series.required")
    assert "마지막 이용일로부터 3년" in consent.retention and "이메일" in consent.items
    with schema_context(world.inst_a.schema_name):
        assert not Consent.objects.filter(user_id=world.resident.pk, key="booking.required")
