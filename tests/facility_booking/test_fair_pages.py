"""Pages of fair booking, per endpoint: anonymous → log-in, a resident or another
institution's staff on a managers' page → 404, plain staff → 403, another institution's
round/series → 404; bad input → a Korean error beside the field with nothing stored;
the allowed person gets the page or the change."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking import draw
from facility_booking import services as fb
from facility_booking.models import (
    ApplicationStatus,
    FacilityRules,
    LotteryApplication,
    LotteryRound,
    RecurringSeries,
    Reservation,
    RoundStatus,
    Sanction,
    Status,
    WaitlistEntry,
)
from facility_booking.services import fairness, lottery
from facility_booking.services import series as series_svc
from tests.facility_booking.conftest import at, make_facility, request_kwargs

pytestmark = pytest.mark.django_db

# Each kind asks its own consent (privacy/consents.py); a form ignores the others' ticks.
CONSENT = {
    "consent_lottery_required": "on",
    "consent_waitlist_required": "on",
    "consent_series_required": "on",
}


def next_weekday(weekday: int, weeks_ahead: int = 1) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def _bump_b_sequences():
    """inst_b's fair-booking ids far from inst_a's, so an inst_b id asked on inst_a's host
    can never hit an existing row by chance."""
    with connection.cursor() as cursor:
        for table in ("lotteryround", "recurringseries", "waitlistentry", "sanction"):
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), 7000000)",
                [f"inst_testb.facility_booking_{table}"],
            )


def _round(world, facility, *, closes_in=dt.timedelta(days=1), actor=None):
    now = timezone.now()
    return lottery.round_create(
        actor=actor or world.manager_a,
        facility=facility,
        title="주말 구장 추첨",
        apply_opens_at=now - dt.timedelta(hours=1),
        apply_closes_at=now + closes_in,
        slots=[(at(10, 8 + 2 * i), at(10, 10 + 2 * i)) for i in range(3)],
        max_wins=1,
        max_choices=2,
        now=now,
    )


@pytest.fixture
def fair(world):
    _bump_b_sequences()
    with schema_context(world.inst_b.schema_name):
        b_facility = make_facility(name="B 구장")
        FacilityRules.objects.create(facility=b_facility, series_enabled=True)
        b_round = _round(world, b_facility, actor=world.manager_b)
        first = next_weekday(2)
        b_series = series_svc.series_apply(
            actor=world.resident,
            facility=b_facility,
            weekday=2,
            start_time=dt.time(19),
            end_time=dt.time(21),
            first_date=first,
            last_date=first + dt.timedelta(days=21),
            organisation="B 클럽",
            purpose="연습",
            contact_phone="010-1111-2222",
            headcount=5,
        )
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="인조잔디 구장")
        FacilityRules.objects.create(facility=facility, series_enabled=True)
        round = _round(world, facility)
        slots = list(round.slots.order_by("start"))
        taken = fb.reservation_request(
            **request_kwargs(facility, world.resident2, start=at(5, 10), end=at(5, 12))
        )
    return {
        "facility": facility,
        "round": round,
        "slots": slots,
        "taken": taken,
        "b_facility": b_facility,
        "b_round": b_round,
        "b_series": b_series,
    }


def in_a(world, fn):
    with schema_context(world.inst_a.schema_name):
        return fn()


# -- lottery, residents -------------------------------------------------------------------


def test_lottery_pages_are_public_and_other_institutions_rounds_404(world, fair, on_host):
    client = on_host(world.inst_a)
    listing = client.get("/facilities/lottery/")
    assert listing.status_code == 200 and "주말 구장 추첨" in listing.content.decode()
    detail = client.get(f"/facilities/lottery/{fair['round'].pk}/")
    html = detail.content.decode()
    assert detail.status_code == 200
    assert fair["round"].seed_commitment in html and fair["round"].seed_secret not in html
    assert client.get(f"/facilities/lottery/{fair['b_round'].pk}/").status_code == 404
    assert (
        on_host(world.inst_a, world.resident)
        .get(f"/facilities/lottery/{fair['b_round'].pk}/apply/")
        .status_code
        == 404
    )
    # No inputs before the draw.
    assert client.get(f"/facilities/lottery/{fair['round'].pk}/inputs.json").status_code == 404


def test_applying_needs_a_login_and_stores_ranked_choices(world, fair, on_host):
    url = f"/facilities/lottery/{fair['round'].pk}/apply/"
    anonymous = on_host(world.inst_a).post(url, {})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = on_host(world.inst_a, world.resident)
    assert client.get(url).status_code == 200
    first, second = fair["slots"][0], fair["slots"][1]
    response = client.post(
        url,
        {
            "choice_1": str(second.pk),
            "choice_2": str(first.pk),
            "purpose": "조기축구",
            "headcount": "11",
            "contact_phone": "010-5555-1234",
            **CONSENT,
        },
    )
    assert response.status_code == 302
    app = in_a(world, lambda: LotteryApplication.objects.get(applicant=world.resident))
    ranks = in_a(world, lambda: [(c.rank, c.slot_id) for c in app.choices.order_by("rank")])
    assert ranks == [(1, second.pk), (2, first.pk)]
    assert "추첨 신청" in client.get("/facilities/my/lottery/").content.decode()
    # Withdraw.
    assert client.post(f"/facilities/lottery/{fair['round'].pk}/withdraw/").status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN


def test_bad_application_is_a_korean_error_with_nothing_stored(world, fair, on_host):
    client = on_host(world.inst_a, world.resident)
    url = f"/facilities/lottery/{fair['round'].pk}/apply/"
    missing = client.post(url, {"purpose": "", "contact_phone": "", **CONSENT})
    assert missing.status_code == 400
    assert "희망 시간" in missing.content.decode() or "지망" in missing.content.decode()
    unknown = client.post(
        url,
        {
            "choice_1": "999999",
            "purpose": "x",
            "headcount": "1",
            "contact_phone": "010",
            **CONSENT,
        },
    )
    assert unknown.status_code == 400
    no_consent = client.post(
        url,
        {
            "choice_1": str(fair["slots"][0].pk),
            "purpose": "x",
            "headcount": "1",
            "contact_phone": "010",
        },
    )
    assert no_consent.status_code == 400
    assert not in_a(world, lambda: LotteryApplication.objects.exists())


# -- lottery, staff -------------------------------------------------------------------------


MANAGER_PAGES = [
    "/facilities/manage/lottery/",
    "/facilities/manage/lottery/new/",
    "/facilities/manage/lottery/{round}/",
    "/facilities/manage/series/",
    "/facilities/manage/waitlist/",
    "/facilities/manage/facilities/{facility}/rules/",
    "/facilities/manage/sanctions/",
]


@pytest.mark.parametrize("path", MANAGER_PAGES)
def test_manager_pages_by_role(world, fair, on_host, path):
    url = path.format(round=fair["round"].pk, facility=fair["facility"].pk)
    anonymous = on_host(world.inst_a).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for outsider in (world.resident, world.manager_b, world.staff_b):
        assert on_host(world.inst_a, outsider).get(url).status_code == 404, outsider
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 403
    for manager in (world.manager_a, world.admin_a):
        assert on_host(world.inst_a, manager).get(url).status_code == 200


def test_other_institutions_rows_404_for_managers(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    assert client.get(f"/facilities/manage/lottery/{fair['b_round'].pk}/").status_code == 404
    assert client.get(f"/facilities/manage/series/{fair['b_series'].pk}/").status_code == 404
    assert (
        client.get(f"/facilities/manage/facilities/{fair['b_facility'].pk}/rules/").status_code
        == 404
    )
    before = in_a(world, lambda: LotteryRound.objects.count())
    assert client.post(f"/facilities/manage/lottery/{fair['b_round'].pk}/draw/").status_code == 404
    assert in_a(world, lambda: LotteryRound.objects.count()) == before


def _round_form(facility, **overrides):
    day = next_weekday(5, weeks_ahead=2)
    now = timezone.localtime()
    data = {
        "facility": str(facility.pk),
        "title": "다음 달 주말 추첨",
        "apply_opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "apply_closes_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "date_from": day.isoformat(),
        "date_to": (day + dt.timedelta(days=1)).isoformat(),
        "weekdays": ["5", "6"],
        "day_start": "08:00",
        "day_end": "12:00",
        "slot_minutes": "120",
        "max_wins": "1",
        "max_choices": "3",
    }
    data.update(overrides)
    return data


def test_staff_open_a_round_and_bad_input_stores_nothing(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    before = in_a(world, lambda: LotteryRound.objects.count())
    bad = client.post(
        "/facilities/manage/lottery/new/", _round_form(fair["facility"], day_end="07:00")
    )
    assert bad.status_code == 400
    assert in_a(world, lambda: LotteryRound.objects.count()) == before
    staff = on_host(world.inst_a, world.staff_a).post(
        "/facilities/manage/lottery/new/", _round_form(fair["facility"])
    )
    assert staff.status_code == 403
    assert in_a(world, lambda: LotteryRound.objects.count()) == before
    ok = client.post("/facilities/manage/lottery/new/", _round_form(fair["facility"]))
    assert ok.status_code == 302
    created = in_a(world, lambda: LotteryRound.objects.order_by("-id").first())
    assert created.title == "다음 달 주말 추첨"
    assert in_a(world, lambda: created.slots.count()) == 4  # 2 days × 08–10, 10–12


def test_the_staff_draw_action_after_the_close_and_the_public_result(world, fair, on_host):
    round = fair["round"]
    in_a(
        world,
        lambda: LotteryRound.objects.filter(pk=round.pk).update(
            apply_opens_at=timezone.now() - dt.timedelta(days=2),
            apply_closes_at=timezone.now() - dt.timedelta(minutes=1),
        ),
    )
    with schema_context(world.inst_a.schema_name):
        LotteryApplication.objects.create(
            round=round,
            applicant=world.resident,
            applicant_name="주민",
            contact_phone="010-1212-3434",
            purpose="축구",
        ).choices.create(slot=fair["slots"][0], rank=1)
    assert (
        on_host(world.inst_a, world.staff_a)
        .post(f"/facilities/manage/lottery/{round.pk}/draw/")
        .status_code
        == 403
    )
    assert in_a(world, lambda: LotteryRound.objects.get(pk=round.pk).status) == RoundStatus.OPEN
    response = on_host(world.inst_a, world.manager_a).post(
        f"/facilities/manage/lottery/{round.pk}/draw/"
    )
    assert response.status_code == 302
    drawn = in_a(world, lambda: LotteryRound.objects.get(pk=round.pk))
    assert drawn.status == RoundStatus.DRAWN
    booking = in_a(world, lambda: Reservation.objects.get(applicant=world.resident))
    assert booking.status == Status.APPROVED
    public = on_host(world.inst_a).get(f"/facilities/lottery/{round.pk}/").content.decode()
    assert booking.number in public and drawn.seed_secret in public
    assert booking.applicant_name not in public and "010-1212-3434" not in public
    inputs = on_host(world.inst_a).get(f"/facilities/lottery/{round.pk}/inputs.json")
    assert inputs.status_code == 200
    same, result = draw.verify(inputs.json())  # anyone re-runs it from the file
    assert same and result["seed"] == drawn.seed


# -- waitlist ---------------------------------------------------------------------------------


def test_waitlist_join_shows_the_place_and_a_free_time_is_refused(world, fair, on_host):
    url = f"/facilities/{fair['facility'].pk}/waitlist/"
    day = at(5, 0).date().isoformat()
    calendar = on_host(world.inst_a).get(f"/facilities/{fair['facility'].pk}/?date={day}")
    assert f"{url}?date={day}&amp;start_time=10:00" in calendar.content.decode()
    anonymous = on_host(world.inst_a).get(url)
    assert anonymous.status_code == 302
    client = on_host(world.inst_a, world.resident)
    data = {
        "date": at(5, 0).date().isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "purpose": "배드민턴",
        "headcount": "4",
        "contact_phone": "010-9999-8888",
        **CONSENT,
    }
    free = client.post(url, {**data, "start_time": "14:00", "end_time": "16:00"})
    assert free.status_code == 400
    assert not in_a(world, lambda: WaitlistEntry.objects.exists())
    joined = client.post(url, data)
    assert joined.status_code == 302
    page = client.get("/facilities/my/waitlist/").content.decode()
    assert "1번째" in page
    entry = in_a(world, lambda: WaitlistEntry.objects.get(applicant=world.resident))
    # Another person cannot cancel it.
    other = on_host(world.inst_a, world.resident2)
    assert other.post(f"/facilities/my/waitlist/{entry.pk}/cancel/").status_code == 404
    assert client.post(f"/facilities/my/waitlist/{entry.pk}/cancel/").status_code == 302
    entry.refresh_from_db()
    assert entry.status == "cancelled"


# -- recurring series -------------------------------------------------------------------------


def _series_form(**overrides):
    first = next_weekday(1)
    data = {
        "organisation": "가나 배드민턴 클럽",
        "weekday": "1",
        "start_time": "19:00",
        "end_time": "21:00",
        "first_date": first.isoformat(),
        "last_date": (first + dt.timedelta(days=21)).isoformat(),
        "purpose": "정기 연습",
        "headcount": "12",
        "contact_phone": "010-3333-4444",
        **CONSENT,
    }
    data.update(overrides)
    return data


def test_series_apply_plan_then_submit_and_staff_approve_as_a_whole(world, fair, on_host):
    url = f"/facilities/{fair['facility'].pk}/series/"
    client = on_host(world.inst_a, world.resident)
    plan = client.post(url, {**_series_form(), "action": "plan"})
    assert plan.status_code == 200 and "가능" in plan.content.decode()
    assert not in_a(world, lambda: RecurringSeries.objects.exists())
    bad = client.post(url, {**_series_form(end_time="18:00"), "action": "submit"})
    assert bad.status_code == 400
    assert not in_a(world, lambda: RecurringSeries.objects.exists())
    done = client.post(url, {**_series_form(), "action": "submit"})
    assert done.status_code == 302
    item = in_a(world, lambda: RecurringSeries.objects.get(applicant=world.resident))
    assert in_a(world, lambda: item.reservations.filter(kind="booking").count()) == 4
    assert client.get(f"/facilities/my/series/{item.pk}/").status_code == 200
    assert (
        on_host(world.inst_a, world.resident2).get(f"/facilities/my/series/{item.pk}/").status_code
        == 404
    )
    manager = on_host(world.inst_a, world.manager_a)
    page = manager.get(f"/facilities/manage/series/{item.pk}/")
    assert page.status_code == 200 and "모든 날짜" in page.content.decode()
    assert manager.post(f"/facilities/manage/series/{item.pk}/decide/", {}).status_code == 400
    decided = manager.post(
        f"/facilities/manage/series/{item.pk}/decide/",
        {"decision": "approve", "discount_category": "keep"},
    )
    assert decided.status_code == 302
    bill = in_a(world, lambda: item.reservations.get(kind="series"))
    assert bill.status == Status.APPROVED and bill.total_amount == 4 * 20000
    detail = client.get(f"/facilities/my/series/{item.pk}/").content.decode()
    assert "80,000원" in detail and "결제하기" in detail
    pay = client.get(f"/facilities/my/series/{item.pk}/pay/")
    assert pay.status_code == 200 and "80,000" in pay.content.decode()
    assert (
        on_host(world.inst_a, world.resident2)
        .get(f"/facilities/my/series/{item.pk}/pay/")
        .status_code
        == 404
    )


# -- rules and restrictions -------------------------------------------------------------------


def test_rules_are_saved_and_bad_bounds_refused(world, fair, on_host):
    url = f"/facilities/manage/facilities/{fair['facility'].pk}/rules/"
    client = on_host(world.inst_a, world.manager_a)
    data = {
        "scope": "institution",
        "week_limit": "2",
        "month_limit": "4",
        "weekend_daily_limit": "on",
        "residents_first_days": "3",
        "no_show_limit": "2",
        "no_show_window_days": "90",
        "sanction_days": "30",
        "waitlist_enabled": "on",
        "waitlist_offer_hours": "12",
        "series_enabled": "on",
        "series_max_weeks": "26",
    }
    bad = client.post(url, {**data, "waitlist_offer_hours": "999"})
    assert bad.status_code == 400
    assert in_a(world, lambda: FacilityRules.objects.get(facility=fair["facility"]).week_limit) == 0
    assert client.post(url, data).status_code == 302
    rule = in_a(world, lambda: FacilityRules.objects.get(facility=fair["facility"]))
    assert (rule.week_limit, rule.scope, rule.waitlist_offer_hours) == (2, "institution", 12)
    shown = on_host(world.inst_a, world.resident).get(f"/facilities/{fair['facility'].pk}/")
    html = shown.content.decode()
    assert "1인당 한 주(월–일)에 2건까지" in html and "이번 주 0건" in html
    assert "주말에는 1인당 하루 한 건" in html


def test_a_sanction_is_visible_to_the_person_with_reason_and_end(world, fair, on_host):
    manager = on_host(world.inst_a, world.manager_a)
    bad = manager.post(
        "/facilities/manage/sanctions/",
        {"email": "nobody@example.invalid", "days": "10", "reason": "노쇼 3회"},
    )
    assert bad.status_code == 400
    # Someone with an account who never booked here: the same answer, nothing stored.
    never = manager.post(
        "/facilities/manage/sanctions/",
        {"email": world.resident.email, "days": "10", "reason": "노쇼 3회"},
    )
    assert never.status_code == 400
    assert "예약·신청한 적이 있는 사람만" in never.content.decode()
    assert not in_a(world, lambda: Sanction.objects.exists())
    ok = manager.post(
        "/facilities/manage/sanctions/",
        {"email": world.resident2.email, "days": "10", "reason": "노쇼 3회"},
    )
    assert ok.status_code == 302
    page = on_host(world.inst_a, world.resident2).get("/facilities/my/standing/").content.decode()
    assert "노쇼 3회" in page and "까지 예약할 수 없습니다" in page
    # The facility page tells them too, with the reason; others see no such notice.
    detail = on_host(world.inst_a, world.resident2).get(f"/facilities/{fair['facility'].pk}/")
    assert "노쇼 3회" in detail.content.decode()
    assert (
        "노쇼 3회"
        not in on_host(world.inst_a).get(f"/facilities/{fair['facility'].pk}/").content.decode()
    )
    with schema_context(world.inst_a.schema_name):
        sanction = Sanction.objects.get()
        assert fairness.active_sanction(world.resident2, fair["facility"], timezone.now())
    assert (
        on_host(world.inst_a, world.staff_a)
        .post(f"/facilities/manage/sanctions/{sanction.pk}/lift/", {"reason": "x"})
        .status_code
        == 403
    )
    assert (
        manager.post(
            f"/facilities/manage/sanctions/{sanction.pk}/lift/", {"reason": "착오"}
        ).status_code
        == 302
    )
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None


@pytest.mark.parametrize(
    "path",
    [
        "/facilities/my/lottery/",
        "/facilities/my/waitlist/",
        "/facilities/my/series/",
        "/facilities/my/standing/",
    ],
)
def test_my_pages_need_a_login(world, fair, on_host, path):
    response = on_host(world.inst_a).get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert on_host(world.inst_a, world.resident).get(path).status_code == 200


def test_the_portal_hub_lists_ones_lottery_waitlist_and_series_only(world, fair, apex, on_host):
    client = on_host(world.inst_a, world.resident)
    client.post(
        f"/facilities/lottery/{fair['round'].pk}/apply/",
        {
            "choice_1": str(fair["slots"][0].pk),
            "purpose": "조기축구",
            "headcount": "11",
            "contact_phone": "010-5555-1234",
            **CONSENT,
        },
    )
    hub = apex(world.resident).get("/portal/my/")
    html = hub.content.decode()
    assert hub.status_code == 200
    assert "추첨·예약대기·정기대관" in html and "추첨 신청 내역" in html
    assert "주말 구장 추첨" in html and world.inst_a.name in html
    assert "/facilities/my/lottery/" in html
    other = apex(world.resident2).get("/portal/my/").content.decode()
    assert "주말 구장 추첨" not in other
