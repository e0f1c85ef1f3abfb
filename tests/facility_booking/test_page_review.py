"""What a person reads on the fair-booking and waiting-room pages, found by looking at
them on a phone and a desktop: no form for something the facility does not offer, the
opening told in the right tense, option groups named by a legend, empty lists readable
on a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from facility_booking import waiting_room as wr
from facility_booking.models import FacilityRules
from tests.facility_booking.conftest import make_facility
from tests.facility_booking.test_waiting_room import make_room

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    wr._memo.clear()
    yield
    wr._memo.clear()


def test_series_page_of_a_facility_without_series_offers_no_form(world, on_host):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="정기대관 없는 구장")
        FacilityRules.objects.create(facility=facility, series_enabled=False)
    html = (
        on_host(world.inst_a, world.resident)
        .get(f"/facilities/{facility.pk}/series/")
        .content.decode()
    )
    assert "이 시설은 정기대관을 받지 않습니다." in html
    assert "날짜 확인" not in html and 'name="weekday"' not in html
    assert f'href="/facilities/{facility.pk}/"' in html  # a way on: the facility's own page


def test_series_page_of_a_facility_with_series_shows_the_form(world, on_host):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="정기대관 구장")
        FacilityRules.objects.create(facility=facility, series_enabled=True)
    html = (
        on_host(world.inst_a, world.resident)
        .get(f"/facilities/{facility.pk}/series/")
        .content.decode()
    )
    assert "날짜 확인" in html and "정기대관을 받지 않습니다" not in html


def test_option_groups_are_a_fieldset_named_by_a_legend():
    """Radio buttons and multiple checkboxes: the group's name is a legend (a label
    pointing at no control names nothing), each option keeps its own label."""
    from django import forms
    from django.template.loader import render_to_string

    class Decision(forms.Form):
        dates = forms.MultipleChoiceField(
            label="날짜",
            choices=[("1", "첫날"), ("2", "둘째 날")],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        decision = forms.ChoiceField(
            label="처리",
            choices=[("approve", "승인"), ("reject", "반려")],
            widget=forms.RadioSelect,
        )

    html = render_to_string("includes/form.html", {"form": Decision()})
    assert html.count('<fieldset class="choices"') == 2
    assert "<legend>날짜</legend>" in html
    assert '<legend>처리 <span class="req" aria-hidden="true">*</span></legend>' in html
    assert 'for="id_dates_0"' in html and 'for="id_decision_1"' in html
    assert 'for=""' not in html


def test_waiting_room_tells_the_opening_in_the_right_tense(world, on_host):
    with schema_context(world.inst_a.schema_name):
        hall = make_facility(name="대기열 구장", base_fee=0, approval_required=False)
    make_room(world, hall, opens_in=600)
    client = on_host(world.inst_a, world.resident)
    before = client.get(f"/facilities/{hall.pk}/queue/").content.decode()
    assert "에 열립니다." in before and "열렸습니다" not in before
    with schema_context(world.inst_a.schema_name):
        make_room(world, hall, opens_in=-60)
    after = client.get(f"/facilities/{hall.pk}/queue/").content.decode()
    assert "에 열렸습니다." in after and "에 열립니다." not in after


def test_phone_tables_give_an_unlabelled_cell_the_full_width():
    """An empty-list row (one cell spanning the columns, no data-label) must not keep the
    label column's indent on a phone; a bare message paragraph is boxed like a flash."""
    css = (Path(settings.BASE_DIR) / "suite/static/css/suite.css").read_text()
    assert "table.responsive td:not([data-label])::before { content: none; }" in css
    assert ".messages .message, .message {" in css
    assert ".message-info" in css


def test_an_offered_wait_says_pay_and_a_won_round_says_pay(world, on_host):
    """A waitlist offer and a lottery win each end in a booking awaiting payment: the
    person's pages say "결제하기" and lead to it (not a bare booking number)."""
    import datetime as dt

    from django.utils import timezone

    from facility_booking import services as fb
    from facility_booking.models import LotteryApplication, LotteryRound, Reservation
    from facility_booking.services import lottery, waitlist
    from tests.facility_booking.conftest import at, request_kwargs

    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="대기 구장")
        holder = fb.reservation_request(
            **request_kwargs(facility, world.staff_a, start=at(5, 10), end=at(5, 12))
        )
        waitlist.waitlist_join(
            actor=world.resident,
            facility=facility,
            start=at(5, 10),
            end=at(5, 12),
            purpose="배드민턴",
            contact_phone="010-2222-3333",
        )
        fb.reservation_cancel(actor=world.staff_a, reservation=holder)
        now = timezone.now()
        round = lottery.round_create(
            actor=world.manager_a,
            facility=facility,
            title="주말 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(10, 8), at(10, 10))],
            max_wins=1,
            max_choices=1,
            now=now,
        )
    client = on_host(world.inst_a, world.resident)
    waits = client.get("/facilities/my/waitlist/").content.decode()
    with schema_context(world.inst_a.schema_name):
        offered = Reservation.objects.get(applicant=world.resident, facility=facility)
    assert "결제하기" in waits and f'href="/facilities/my/{offered.pk}/"' in waits
    before = client.get(f"/facilities/lottery/{round.pk}/").content.decode()
    assert "<th>결과</th>" not in before  # no result column before the draw
    with schema_context(world.inst_a.schema_name):
        LotteryRound.objects.filter(pk=round.pk).update(
            apply_opens_at=now - dt.timedelta(days=2), apply_closes_at=now - dt.timedelta(minutes=1)
        )
        LotteryApplication.objects.create(
            round=round,
            applicant=world.resident2,
            applicant_name="주민",
            contact_phone="010-1212-3434",
            purpose="축구",
        ).choices.create(slot=round.slots.get(), rank=1)
    assert (
        on_host(world.inst_a, world.manager_a)
        .post(f"/facilities/manage/lottery/{round.pk}/draw/")
        .status_code
        == 302
    )
    winner = on_host(world.inst_a, world.resident2)
    with schema_context(world.inst_a.schema_name):
        won = Reservation.objects.get(applicant=world.resident2, facility=facility)
    for page in ("/facilities/my/lottery/", f"/facilities/lottery/{round.pk}/"):
        html = winner.get(page).content.decode()
        assert "결제하기" in html and f'href="/facilities/my/{won.pk}/"' in html
        assert "까지 결제" in html
    public = on_host(world.inst_a).get(f"/facilities/lottery/{round.pk}/").content.decode()
    assert "<th>결과</th>" in public and "결제하기" not in public


def test_series_dates_preview_needs_no_consent_but_applying_does(world, on_host):
    """ "날짜 확인" only shows every date (nothing stored, so no consent asked); "신청"
    without the required consent is refused with nothing stored."""
    import datetime as dt

    from django.utils import timezone

    from facility_booking.models import RecurringSeries

    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="정기대관 체육관")
        FacilityRules.objects.create(facility=facility, series_enabled=True)
    today = timezone.localdate()
    first = today + dt.timedelta(days=(1 - today.weekday()) % 7 + 7)
    data = {
        "organisation": "가나 배드민턴 클럽",
        "weekday": "1",
        "start_time": "19:00",
        "end_time": "21:00",
        "first_date": first.isoformat(),
        "last_date": (first + dt.timedelta(days=14)).isoformat(),
        "purpose": "정기 연습",
        "headcount": "12",
        "contact_phone": "010-3333-4444",
    }
    client = on_host(world.inst_a, world.resident)
    url = f"/facilities/{facility.pk}/series/"
    plan = client.post(url, {**data, "action": "plan"})
    html = plan.content.decode()
    assert plan.status_code == 200 and "가능" in html and "필수 동의 항목" not in html
    assert 'formaction="#fb-plan"' in html and 'id="fb-plan"' in html
    refused = client.post(url, {**data, "action": "submit"})
    assert refused.status_code == 400
    assert "필수 동의 항목에 동의해야 진행할 수 있습니다." in refused.content.decode()
    with schema_context(world.inst_a.schema_name):
        assert not RecurringSeries.objects.filter(facility=facility).exists()
    done = client.post(url, {**data, "action": "submit", "consent_series_required": "on"})
    assert done.status_code == 302


def test_the_public_result_names_no_staff_member(world, on_host):
    import datetime as dt

    from django.utils import timezone

    from facility_booking.models import LotteryRound
    from facility_booking.services import lottery
    from tests.facility_booking.conftest import at

    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="추첨 구장")
        now = timezone.now()
        round = lottery.round_create(
            actor=world.manager_a,
            facility=facility,
            title="주말 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(10, 8), at(10, 10))],
            max_wins=1,
            max_choices=1,
            now=now,
        )
        LotteryRound.objects.filter(pk=round.pk).update(
            apply_opens_at=now - dt.timedelta(days=2), apply_closes_at=now - dt.timedelta(minutes=1)
        )
    on_host(world.inst_a, world.manager_a).post(f"/facilities/manage/lottery/{round.pk}/draw/")
    public = on_host(world.inst_a).get(f"/facilities/lottery/{round.pk}/").content.decode()
    assert "추첨 완료" in public and world.manager_a.get_full_name() not in public
