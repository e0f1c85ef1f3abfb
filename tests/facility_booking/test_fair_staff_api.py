"""Booking managers' fair-booking API (/api/v1/manage/…, facility_booking/api_fair_staff.py).

Every endpoint × who asks (the access matrix's rule): anonymous → 401; a resident,
another institution's staff, manager or admin → 404; a member who is not a booking
manager → 403 saying who may, with nothing stored; the manager → 2xx. Bad input → 400 in
the one error shape with nothing stored; a state that no longer allows the action → 409;
the API's draw and series decision give exactly what the page's give (same services).
"""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking import draw, selectors_fair
from facility_booking import services as fb
from facility_booking.models import (
    FacilityRules,
    LotteryRound,
    RecurringSeries,
    Reservation,
    RoundStatus,
    Sanction,
    SeriesStatus,
    Status,
    WaitlistEntry,
)
from facility_booking.permissions import MANAGERS_ONLY
from facility_booking.services import fairness, lottery, series, waitlist
from privacy.models import AccessRecord
from tests.facility_booking.conftest import at, future_day, make_facility, request_kwargs

pytestmark = pytest.mark.django_db
API = "/api/v1/manage"


def next_weekday(weekday: int, weeks_ahead: int = 1) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def _apply(person, round, choices, phone):
    return lottery.lottery_apply(
        actor=person,
        round=round,
        choices=choices,
        purpose="조기축구",
        contact_phone=phone,
        headcount=10,
    )


def _close(round: LotteryRound) -> None:
    """The window closed a minute ago (the draw may run now)."""
    LotteryRound.objects.filter(pk=round.pk).update(
        apply_closes_at=timezone.now() - dt.timedelta(minutes=1),
        apply_opens_at=timezone.now() - dt.timedelta(days=1),
    )


@pytest.fixture
def fair(world):
    with connection.cursor() as cursor:
        for table in ("lotteryround", "recurringseries", "waitlistentry", "sanction"):
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), 8000000)",
                [f"inst_testb.facility_booking_{table}"],
            )
    now = timezone.now()
    with schema_context(world.inst_b.schema_name):
        b_facility = make_facility(name="B 구장")
        b_round = lottery.round_create(
            actor=world.manager_b,
            facility=b_facility,
            title="B 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(10, 8), at(10, 10))],
        )
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="담당자 API 구장")
        FacilityRules.objects.create(facility=facility, series_enabled=True)
        round = lottery.round_create(
            actor=world.manager_a,
            facility=facility,
            title="열린 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(9, 8 + 2 * i), at(9, 10 + 2 * i)) for i in range(2)],
        )
        closed = lottery.round_create(
            actor=world.manager_a,
            facility=facility,
            title="마감된 추첨",
            apply_opens_at=now - dt.timedelta(hours=1),
            apply_closes_at=now + dt.timedelta(days=1),
            slots=[(at(11, 8 + 2 * i), at(11, 10 + 2 * i)) for i in range(3)],
            max_choices=3,
        )
        ids = list(closed.slots.order_by("start").values_list("pk", flat=True))
        _apply(world.resident, closed, ids, "010-1111-2222")
        _apply(world.resident2, closed, list(reversed(ids)), "010-3333-4444")
        _apply(world.staff_a2, closed, [ids[0]], "010-5555-6666")
        _close(closed)
        first = next_weekday(1)
        club = series.series_apply(
            actor=world.resident,
            facility=facility,
            weekday=1,
            start_time=dt.time(19),
            end_time=dt.time(21),
            first_date=first,
            last_date=first + dt.timedelta(days=21),
            organisation="가나 배드민턴 클럽",
            purpose="정기 연습",
            contact_phone="010-7777-8888",
            headcount=8,
        )
        fb.reservation_request(
            **request_kwargs(facility, world.resident2, start=at(5, 10), end=at(5, 12))
        )
        entry = waitlist.waitlist_join(
            actor=world.resident,
            facility=facility,
            start=at(5, 10),
            end=at(5, 12),
            purpose="배드민턴",
            contact_phone="010-1111-2222",
            headcount=4,
        )
        sanction = fairness.sanction_impose(
            actor=world.manager_a,
            applicant=world.resident2,
            facility=None,
            days=14,
            reason="노쇼 3회",
        )
    return {
        "facility": facility.pk,
        "round": round.pk,
        "closed": closed.pk,
        "series": club.pk,
        "entry": entry.pk,
        "sanction": sanction.pk,
        "b_round": b_round.pk,
    }


def round_body(facility_id: int) -> dict:
    now = timezone.now()
    return {
        "facility": facility_id,
        "title": "다음 달 주말 추첨",
        "apply_opens_at": now.isoformat(),
        "apply_closes_at": (now + dt.timedelta(days=2)).isoformat(),
        "date_from": future_day(14).isoformat(),
        "date_to": future_day(20).isoformat(),
        "weekdays": [0, 1, 2, 3, 4, 5, 6],
        "day_start": "08:00",
        "day_end": "12:00",
        "slot_minutes": 120,
        "max_wins": 1,
        "max_choices": 3,
    }


def snapshot(world) -> dict:
    """What a refused request must leave unchanged."""
    with schema_context(world.inst_a.schema_name):
        return {
            "rounds": sorted(LotteryRound.objects.values_list("pk", "status")),
            "series": sorted(RecurringSeries.objects.values_list("pk", "status")),
            "bookings": sorted(Reservation.objects.values_list("pk", "status")),
            "sanctions": sorted(Sanction.objects.values_list("pk", "lifted_at")),
            "rules": sorted(FacilityRules.objects.values_list("pk", "week_limit")),
            "waitlist": sorted(WaitlistEntry.objects.values_list("pk", "status")),
        }


# (method, path, body, the manager's status)
ENDPOINTS = [
    ("get", "/lottery/rounds/", None, 200),
    ("post", "/lottery/rounds/", "round", 201),
    ("get", "/lottery/rounds/{round}/", None, 200),
    ("get", "/lottery/rounds/{closed}/applications/", None, 200),
    ("post", "/lottery/rounds/{closed}/draw/", None, 200),
    ("post", "/lottery/rounds/{round}/cancel/", {"reason": "시설 공사"}, 200),
    ("get", "/series/", None, 200),
    ("get", "/series/{series}/", None, 200),
    ("post", "/series/{series}/decide/", {"decision": "approve"}, 200),
    ("post", "/series/{series}/cancel/", {"reason": "시설 공사"}, 200),
    ("post", "/series/{series}/record-payment/", {"amount": 0, "method": "cash"}, 409),
    ("get", "/waitlist/", None, 200),
    ("get", "/facilities/{facility}/rules/", None, 200),
    ("patch", "/facilities/{facility}/rules/", {"week_limit": 2}, 200),
    ("get", "/sanctions/", None, 200),
    ("post", "/sanctions/", "sanction", 201),
    ("post", "/sanctions/{sanction}/lift/", {"reason": "이의 신청 인용"}, 200),
]


@pytest.mark.parametrize("method, path, body, manager_status", ENDPOINTS)
def test_every_endpoint_by_who_asks(world, fair, on_host, method, path, body, manager_status):
    url = API + path.format(**fair)
    if body == "round":
        body = round_body(fair["facility"])
    elif body == "sanction":
        body = {"email": world.resident.email, "days": 7, "reason": "노쇼"}

    def call(user):
        client = on_host(world.inst_a, user)
        if body is None:
            return getattr(client, method)(url)
        return getattr(client, method)(url, body, content_type="application/json")

    before = snapshot(world)
    anonymous = call(None)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    for outsider in (world.resident, world.staff_b, world.manager_b, world.admin_b):
        response = call(outsider)
        assert response.status_code == 404, outsider
        assert response.json()["error"]["code"] == "not_found"
    refused = call(world.staff_a)
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "code": "permission_denied",
        "message": str(MANAGERS_ONLY),
        "fields": {},
    }
    assert snapshot(world) == before  # nobody but the manager changed anything
    done = call(world.manager_a)
    assert done.status_code == manager_status, done.json()
    if method == "get":
        assert call(world.admin_a).status_code == 200  # the institution admin as well


@pytest.mark.parametrize(
    "path",
    [
        "/lottery/rounds/{b_round}/",
        "/lottery/rounds/{b_round}/applications/",
        "/series/99999999/",
        "/sanctions/99999999/lift/",
        "/facilities/99999999/rules/",
    ],
)
def test_another_institutions_rows_are_404_to_the_manager(world, fair, on_host, path):
    client = on_host(world.inst_a, world.manager_a)
    url = API + path.format(**fair)
    response = (
        client.post(url, {"reason": "x"}, content_type="application/json")
        if url.endswith("lift/")
        else client.get(url)
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# -- lottery -----------------------------------------------------------------------------------


def test_opening_a_round_leaves_out_what_cannot_be_offered(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    response = client.post(
        f"{API}/lottery/rounds/", round_body(fair["facility"]), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "open" and data["phase"] == "applying"
    assert data["seed_commitment"] and data["seed_secret"] == ""  # secret only after the draw
    assert len(data["slots"]) == 14 and data["left_out"] == []  # 7 days × two 2-hour slots
    listed = client.get(f"{API}/lottery/rounds/?status=open").json()["results"]
    assert data["id"] in [r["id"] for r in listed]
    with schema_context(world.inst_a.schema_name):
        assert LotteryRound.objects.get(pk=data["id"]).created_by_id == world.manager_a.pk


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": ""}, "title"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays.0"),
        ({"facility": 99999999}, "facility"),
        ({"date_to": "2000-01-01"}, "date_to"),
        ({"day_end": "07:00"}, "day_end"),
        ({"slot_minutes": 0}, "slot_minutes"),
        ({"max_wins": 0}, "max_wins"),
        ({"apply_closes_at": "2020-01-01T10:00:00+09:00"}, "apply_closes_at"),
        ({"apply_opens_at": "2026-12-01T10:00"}, "apply_opens_at"),
    ],
)
def test_a_bad_round_is_400_on_the_field_and_stores_nothing(world, fair, on_host, change, field):
    before = snapshot(world)
    response = on_host(world.inst_a, world.manager_a).post(
        f"{API}/lottery/rounds/",
        {**round_body(fair["facility"]), **change},
        content_type="application/json",
    )
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert snapshot(world) == before


def test_applications_are_masked_and_recorded(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    response = client.get(f"{API}/lottery/rounds/{fair['closed']}/applications/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 3
    phones = {r["contact_phone"] for r in rows}
    assert phones == {"010-****-2222", "010-****-4444", "010-****-6666"}
    assert world.resident.get_full_name() not in response.content.decode()
    assert (
        client.get(f"{API}/lottery/rounds/{fair['closed']}/applications/?status=won").json()[
            "count"
        ]
        == 0
    )
    bad = client.get(f"{API}/lottery/rounds/{fair['closed']}/applications/?status=bogus")
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]
    with schema_context(world.inst_a.schema_name):
        assert AccessRecord.objects.filter(
            actor_id=world.manager_a.pk,
            action="search",
            target=f"facility_booking.lotteryround:{fair['closed']}:applications",
            row_count=3,
        ).exists()


def test_the_api_draw_is_the_pages_draw_and_reproducible(world, fair, on_host):
    """Drawn through the page in a savepoint that is rolled back, then through the API:
    the same seed, the same awards. Re-running the published inputs gives them again."""
    page = on_host(world.inst_a, world.manager_a)
    with transaction.atomic():
        drawn = page.post(f"/facilities/manage/lottery/{fair['closed']}/draw/")
        assert drawn.status_code == 302
        with schema_context(world.inst_a.schema_name):
            by_page = LotteryRound.objects.get(pk=fair["closed"]).result
        transaction.set_rollback(True)
    assert by_page["awards"]
    response = page.post(f"{API}/lottery/rounds/{fair['closed']}/draw/")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "drawn" and data["drawn_label"] == world.manager_a.get_full_name()
    assert data["seed_secret"] and data["seed"] == by_page["seed"]
    with schema_context(world.inst_a.schema_name):
        round = LotteryRound.objects.get(pk=fair["closed"])
        assert round.result["awards"] == by_page["awards"]
        assert round.result["winners"] == by_page["winners"]
        same, rerun = draw.verify(lottery.published_inputs(round))
        assert same and rerun["awards"] == round.result["awards"]
        numbers = {s["id"]: s["booking_number"] for s in data["slots"] if s["outcome"] == "awarded"}
        assert numbers == {int(k): v for k, v in round.result["numbers"].items()}
        won = Reservation.objects.filter(origin="lottery", facility_id=fair["facility"])
        assert won.count() == len(by_page["awards"])
        assert all(r.status == Status.APPROVED and r.payment_due for r in won)
    applications = page.get(f"{API}/lottery/rounds/{fair['closed']}/applications/?status=won")
    assert applications.json()["count"] == len(round.result["winners"])
    # Drawn once: again is a conflict and changes nothing.
    again = page.post(f"{API}/lottery/rounds/{fair['closed']}/draw/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    cancel = page.post(
        f"{API}/lottery/rounds/{fair['closed']}/cancel/",
        {"reason": "x"},
        content_type="application/json",
    )
    assert cancel.status_code == 409
    with schema_context(world.inst_a.schema_name):
        assert LotteryRound.objects.get(pk=fair["closed"]).seed == round.seed
        assert won.count() == len(by_page["awards"])


def test_drawing_before_the_close_is_a_409_and_draws_nothing(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    response = client.post(f"{API}/lottery/rounds/{fair['round']}/draw/")
    assert response.status_code == 409
    assert "신청 마감" in response.json()["error"]["message"]
    with schema_context(world.inst_a.schema_name):
        assert LotteryRound.objects.get(pk=fair["round"]).status == RoundStatus.OPEN


def test_cancelling_a_round_needs_a_reason(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    url = f"{API}/lottery/rounds/{fair['round']}/cancel/"
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        refused = client.post(url, body, content_type="application/json")
        assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    with schema_context(world.inst_a.schema_name):
        assert LotteryRound.objects.get(pk=fair["round"]).status == RoundStatus.OPEN
    done = client.post(url, {"reason": "시설 공사"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert done.json()["cancel_reason"] == "시설 공사"
    assert client.post(url, {"reason": "또"}, content_type="application/json").status_code == 409


# -- series --------------------------------------------------------------------------------------


def test_series_detail_shows_every_date_and_is_recorded(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    listed = client.get(f"{API}/series/?pending=true").json()["results"]
    row = next(r for r in listed if r["id"] == fair["series"])
    assert row["pending"] == 4 and row["contact_phone"] == "010-****-8888"
    assert client.get(f"{API}/series/?pending=false").json()["count"] == 0
    assert client.get(f"{API}/series/?status=nope").status_code == 400
    detail = client.get(f"{API}/series/{fair['series']}/").json()
    assert detail["contact_phone"] == "010-7777-8888"  # opened: in full, and recorded
    assert len(detail["dates"]) == 4 and detail["pending"] == 4
    assert all(d["status"] == "requested" and d["clash"] == "" for d in detail["dates"])
    with schema_context(world.inst_a.schema_name):
        assert AccessRecord.objects.filter(
            actor_id=world.manager_a.pk,
            action="view",
            target=f"facility_booking.recurringseries:{fair['series']}",
            subject_id=world.resident.pk,
        ).exists()


def test_decisions_per_date_then_the_bill_and_its_payment(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    url = f"{API}/series/{fair['series']}/"
    dates = [d["reservation"] for d in client.get(url).json()["dates"]]
    # Bad input: nothing decided.
    for body, field in [
        ({"decision": "maybe"}, "decision"),
        ({"decision": "reject", "dates": [dates[0]]}, "reason"),
        ({"decision": "approve", "dates": [99999999]}, "dates"),
        ({"decision": "approve", "dates": []}, "dates"),
        ({"decision": "approve", "discount_category": "veteran-ish"}, "discount_category"),
    ]:
        refused = client.post(url + "decide/", body, content_type="application/json")
        assert refused.status_code == 400, (body, refused.json())
        assert field in refused.json()["error"]["fields"], refused.json()
    with schema_context(world.inst_a.schema_name):
        assert set(Reservation.objects.filter(pk__in=dates).values_list("status", flat=True)) == {
            "requested"
        }
    rejected = client.post(
        url + "decide/",
        {"decision": "reject", "dates": [dates[0]], "reason": "대회 일정"},
        content_type="application/json",
    )
    assert rejected.status_code == 200
    assert rejected.json()["dates"][0]["status"] == "rejected" and rejected.json()["pending"] == 3
    # A date already decided is a conflict.
    again = client.post(
        url + "decide/",
        {"decision": "approve", "dates": [dates[0]]},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert (
        client.post(
            url + "record-payment/",
            {"amount": 1, "method": "cash"},
            content_type="application/json",
        ).status_code
        == 409
    )  # no bill before every date is decided
    approved = client.post(
        url + "decide/", {"decision": "approve"}, content_type="application/json"
    )
    assert approved.status_code == 200
    data = approved.json()
    assert data["status"] == "decided" and data["pending"] == 0
    assert [d["status"] for d in data["dates"]] == ["rejected", "approved", "approved", "approved"]
    bill = data["bill"]
    assert bill["total_amount"] == sum(d["total_amount"] for d in data["dates"][1:])
    nothing_left = client.post(
        url + "decide/", {"decision": "approve"}, content_type="application/json"
    )
    assert nothing_left.status_code == 409
    wrong = client.post(
        url + "record-payment/",
        {"amount": bill["total_amount"] - 1, "method": "cash"},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    paid = client.post(
        url + "record-payment/",
        {"amount": bill["total_amount"], "method": "cash"},
        content_type="application/json",
    )
    assert paid.status_code == 200, paid.json()
    assert [d["status"] for d in paid.json()["dates"]] == ["rejected", "paid", "paid", "paid"]


def test_the_api_decision_is_the_pages_decision(world, fair, on_host):
    page = on_host(world.inst_a, world.manager_a)
    with transaction.atomic():
        response = page.post(
            f"/facilities/manage/series/{fair['series']}/decide/", {"decision": "approve"}
        )
        assert response.status_code == 302
        with schema_context(world.inst_a.schema_name):
            item = RecurringSeries.objects.get(pk=fair["series"])
            by_page = (
                item.status,
                sorted(
                    Reservation.objects.filter(series=item).values_list(
                        "kind", "status", "total_amount"
                    )
                ),
            )
        transaction.set_rollback(True)
    response = page.post(
        f"{API}/series/{fair['series']}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 200
    with schema_context(world.inst_a.schema_name):
        item = RecurringSeries.objects.get(pk=fair["series"])
        by_api = (
            item.status,
            sorted(
                Reservation.objects.filter(series=item).values_list(
                    "kind", "status", "total_amount"
                )
            ),
        )
    assert by_api == by_page and by_api[0] == SeriesStatus.DECIDED


def test_the_institution_cancels_the_rest_with_a_reason(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    url = f"{API}/series/{fair['series']}/cancel/"
    no_reason = client.post(url, {}, content_type="application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    wrong = client.post(url, {"dates": [99999999], "reason": "공사"}, "application/json")
    assert wrong.status_code == 400
    with schema_context(world.inst_a.schema_name):
        assert RecurringSeries.objects.get(pk=fair["series"]).status == "requested"
    done = client.post(url, {"reason": "시설 공사"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["cancelled"] == 4 and done.json()["status"] == "cancelled"
    assert client.post(url, {"reason": "또"}, content_type="application/json").status_code == 409


# -- waitlist, rules, sanctions --------------------------------------------------------------------


def test_the_waitlist_shows_places_masked(world, fair, on_host):
    with schema_context(world.inst_a.schema_name):
        second = waitlist.waitlist_join(
            actor=world.staff_a2,
            facility=FacilityRules.objects.get().facility,
            start=at(5, 10),
            end=at(5, 12),
            purpose="배드민턴",
            contact_phone="010-4444-5555",
            headcount=2,
        )
    client = on_host(world.inst_a, world.manager_a)
    rows = client.get(f"{API}/waitlist/?facility={fair['facility']}").json()["results"]
    assert [(r["id"], r["position"], r["contact_phone"]) for r in rows] == [
        (fair["entry"], 1, "010-****-2222"),
        (second.pk, 2, "010-****-5555"),
    ]
    with schema_context(world.inst_a.schema_name):  # the same count as the pages' selector
        assert [selectors_fair.waitlist_position(e) for e in WaitlistEntry.objects.all()] == [1, 2]
    day = at(5, 10).date().isoformat()
    assert client.get(f"{API}/waitlist/?from={day}&to={day}").json()["count"] == 2
    assert client.get(f"{API}/waitlist/?status=cancelled").json()["count"] == 0
    for query, field in [
        ("status=gone", "status"),
        ("from=tomorrow", "from"),
        ("facility=0", "facility"),
    ]:
        bad = client.get(f"{API}/waitlist/?{query}")
        assert bad.status_code == 400 and field in bad.json()["error"]["fields"]


def test_rules_change_only_what_is_sent_within_bounds(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    url = f"{API}/facilities/{fair['facility']}/rules/"
    shown = client.get(url).json()
    assert shown["configured"] and shown["series_enabled"] and shown["week_limit"] == 0
    for body in ({"week_limit": 999}, {"scope": "galaxy"}, {"waitlist_offer_hours": 0}):
        refused = client.patch(url, body, content_type="application/json")
        assert refused.status_code == 400 and set(body) <= set(refused.json()["error"]["fields"])
    assert client.get(url).json() == shown
    changed = client.patch(url, {"week_limit": 2, "scope": "institution"}, "application/json")
    assert changed.status_code == 200
    assert changed.json()["week_limit"] == 2 and changed.json()["series_enabled"] is True


def test_sanctions_impose_and_lift(world, fair, on_host):
    client = on_host(world.inst_a, world.manager_a)
    url = f"{API}/sanctions/"
    before = snapshot(world)
    for body, field in [
        ({"email": "nobody@test.kr", "days": 7, "reason": "노쇼"}, "email"),
        ({"email": world.staff_b.email, "days": 7, "reason": "노쇼"}, "email"),
        ({"email": world.resident.email, "days": 0, "reason": "노쇼"}, "days"),
        ({"email": world.resident.email, "days": 7, "reason": ""}, "reason"),
        (
            {"email": world.resident.email, "days": 7, "reason": "x", "facility": 99999999},
            "facility",
        ),
    ]:
        refused = client.post(url, body, content_type="application/json")
        assert refused.status_code == 400 and field in refused.json()["error"]["fields"], body
    assert snapshot(world) == before
    made = client.post(
        url,
        {
            "email": world.resident.email,
            "days": 7,
            "reason": "노쇼 2회",
            "facility": fair["facility"],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    data = made.json()
    assert data["active"] and data["person"]["email"] == "re******@test.kr"
    assert data["facility"]["id"] == fair["facility"]
    active = client.get(f"{API}/sanctions/?active=true").json()["results"]
    assert {r["id"] for r in active} == {data["id"], fair["sanction"]}
    lift = f"{API}/sanctions/{data['id']}/lift/"
    assert client.post(lift, {}, content_type="application/json").status_code == 400
    lifted = client.post(lift, {"reason": "이의 인용"}, content_type="application/json")
    assert lifted.status_code == 200 and lifted.json()["active"] is False
    assert client.post(lift, {"reason": "또"}, content_type="application/json").status_code == 409
    assert [r["id"] for r in client.get(f"{API}/sanctions/?active=true").json()["results"]] == [
        fair["sanction"]
    ]
    with schema_context(world.inst_a.schema_name):
        assert fairness.active_sanction(world.resident, None, timezone.now()) is None


def test_the_schema_documents_the_staff_api_without_warnings(world):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf="suite.urls_tenant").get_schema(request=None, public=True)
    assert not [w for w in GENERATOR_STATS._warn_cache if "api_fair_staff" in w]
    paths = {p: item for p, item in schema["paths"].items() if p.startswith("/api/v1/manage/")}
    assert len(paths) == 14
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in ("get", "post", "patch"):
                continue
            for status in ("401", "403", "429"):
                assert status in operation["responses"], (method, path, status)
            if "{id}" in path:
                assert "404" in operation["responses"], (method, path)
            if method != "get":
                assert {"400", "409"} <= set(operation["responses"]), (method, path)
