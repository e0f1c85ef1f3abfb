"""The waiting room at an opening (대기열): places in arrival order, admission at the
configured rate, a short time to book, the booking form and API refusing anyone without
an admitted place while the room runs, and "sold out" told from one flag. Real HTTP
through the test client; the rooms are made through the service."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from api.tokens import token_create
from facility_booking import waiting_room as wr
from facility_booking.models import OpeningHours, Reservation, WaitingPlace, WaitingRoom
from institution.models import AuditEvent
from tests.facility_booking.conftest import at, future_day, make_facility


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    """Rooms are remembered per process for a second; tests roll their rooms back."""
    wr._memo.clear()
    wr._recounted.clear()
    yield
    wr._memo.clear()


def make_room(world, facility, *, opens_in=0.0, rate=60, ticket=5, enabled=True, **extra):
    """A room for ``facility`` opening ``opens_in`` seconds from now (negative: opened)."""
    now = timezone.now()
    fields = {
        "enabled": enabled,
        "opens_at": now + dt.timedelta(seconds=opens_in),
        "closes_at": now + dt.timedelta(hours=1),
        "queue_minutes": 30,
        "admit_per_minute": rate,
        "ticket_minutes": ticket,
        "use_from": future_day(3),
        "use_to": future_day(3),
    }
    fields.update(extra)
    with schema_context(world.inst_a.schema_name):
        room = wr.waiting_room_configure(
            actor=world.admin_a, institution=world.inst_a, facility=facility, **fields
        )
    wr._memo.clear()
    return room


@pytest.fixture
def hall(world):
    with schema_context(world.inst_a.schema_name):
        return make_facility(name="인기 구장", base_fee=0, approval_required=False)


def api(world, user, **extra):
    from django.test import Client

    raw = token_create(user=user, name="대기열 시험")[1]
    return Client(HTTP_HOST=world.inst_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}", **extra)


def booking_body(facility, hour=10):
    return {
        "facility": facility.pk,
        "start": at(3, hour).isoformat(),
        "end": at(3, hour + 1).isoformat(),
        "purpose": "축구 동호회 경기",
        "headcount": 10,
        "contact_phone": "010-1234-5678",
    }


def form_body(hour=10):
    return {
        "date": future_day(3).isoformat(),
        "start_time": f"{hour:02d}:00",
        "end_time": f"{hour + 1:02d}:00",
        "purpose": "축구 동호회 경기",
        "headcount": "10",
        "contact_phone": "010-2222-3333",
        "consent_booking_required": "on",
        "action": "submit",
    }


def bookings(world, facility) -> int:
    with schema_context(world.inst_a.schema_name):
        return Reservation.objects.filter(facility=facility).count()


def queue_url(facility) -> str:
    return f"/api/v1/facilities/{facility.pk}/queue/"


# -- arrival order, positions, estimates ------------------------------------------------


def test_arrivals_get_places_in_arrival_order_one_per_person(world, hall):
    """Before the opening: numbers 1, 2 in arrival order; asking again keeps the place."""
    make_room(world, hall, opens_in=600)
    first, second = api(world, world.resident), api(world, world.resident2)
    a = first.post(queue_url(hall))
    b = second.post(queue_url(hall))
    assert (a.status_code, b.status_code) == (201, 201)
    assert (a.json()["position"], b.json()["position"]) == (1, 2)
    assert b.json()["state"] == "waiting" and b.json()["ahead"] == 1
    # Admission starts at the opening: about ten minutes to wait; before the opening
    # nothing can sell out, so the page asks again only every 30 s.
    assert 590 <= b.json()["estimate_seconds"] <= 602
    assert b.json()["poll_after"] == wr.POLL_MAX_BEFORE and b["Retry-After"] == "30"
    again = second.post(queue_url(hall))
    assert again.status_code == 200 and again.json()["position"] == 2
    with schema_context(world.inst_a.schema_name):
        assert WaitingPlace.objects.filter(room__facility=hall).count() == 2


def test_admission_follows_the_configured_rate(world, hall):
    """60 a minute from the opening: number 1 at once, number 3 two seconds later."""
    room = make_room(world, hall, opens_in=0, rate=60)
    state = wr.RoomState.of(room)
    assert state.admitted_count(room.opens_at - dt.timedelta(seconds=1)) == 0
    assert state.admitted_count(room.opens_at) == 1
    assert state.admitted_count(room.opens_at + dt.timedelta(seconds=2)) == 3
    assert state.admit_time(3) == room.opens_at + dt.timedelta(seconds=2)
    fast = wr.RoomState.of(make_room(world, hall, opens_in=0, rate=600))
    assert fast.admitted_count(fast.opens_at + dt.timedelta(seconds=1)) == 20


def test_waiting_page_updates_itself_without_inline_script(world, hall, on_host):
    make_room(world, hall, opens_in=600)
    client = on_host(world.inst_a, world.resident)
    page = client.get(f"/facilities/{hall.pk}/queue/")
    assert page.status_code == 200 and "줄 서기" in page.content.decode()
    assert "분당 60명씩 입장하며, 입장한 뒤 5분 안에 예약해 주세요." in page.content.decode()
    joined = client.post(f"/facilities/{hall.pk}/queue/")
    assert joined.status_code == 302 and joined["Location"] == f"/facilities/{hall.pk}/queue/"
    html = client.get(joined["Location"]).content.decode()
    assert "내 순번 1번" in html and "앞에 0명" in html
    assert "이 화면은 스스로 새로 고쳐집니다" in html  # said while it does
    assert 'hx-trigger="load delay:' in html and "/queue/status/?t=" in html
    assert "<script>" not in html  # CSP: scripts from our files only
    token = html.split("/queue/status/?t=")[1].split('"')[0]
    fragment = client.get(f"/facilities/{hall.pk}/queue/status/?t={token}")
    assert fragment.status_code == 200 and "내 순번 1번" in fragment.content.decode()


# -- nobody skips the line --------------------------------------------------------------


def test_booking_api_refuses_without_admission_and_stores_nothing(world, hall):
    make_room(world, hall, opens_in=600)
    client = api(world, world.resident)
    refused = client.post(
        "/api/v1/reservations/", booking_body(hall), content_type="application/json"
    )
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "admission_required" and "대기열" in error["message"]
    # Waiting in line is not admission either.
    client.post(queue_url(hall))
    again = client.post(
        "/api/v1/reservations/", booking_body(hall), content_type="application/json"
    )
    assert again.status_code == 403 and again.json()["error"]["code"] == "admission_required"
    assert bookings(world, hall) == 0


def test_booking_form_sends_everyone_without_admission_to_the_line(world, hall, on_host):
    make_room(world, hall, opens_in=600)
    client = on_host(world.inst_a, world.resident)
    page = client.get(f"/facilities/{hall.pk}/apply/")
    assert page.status_code == 302 and page["Location"] == f"/facilities/{hall.pk}/queue/"
    posted = client.post(f"/facilities/{hall.pk}/apply/", form_body())
    assert posted.status_code == 302 and posted["Location"] == f"/facilities/{hall.pk}/queue/"
    assert bookings(world, hall) == 0
    html = client.get(posted["Location"]).content.decode()
    assert "대기열을 거쳐 입장한 분만 예약할 수 있습니다" in html


def test_admitted_person_books_on_the_form_and_the_api(world, hall, on_host):
    make_room(world, hall, opens_in=-30, rate=60)
    api(world, world.resident).post(queue_url(hall))
    status = api(world, world.resident).get(queue_url(hall)).json()
    assert status["state"] == "admitted" and status["book_until"]
    made = api(world, world.resident).post(
        "/api/v1/reservations/", booking_body(hall, 10), content_type="application/json"
    )
    assert made.status_code == 201, made.content
    client = on_host(world.inst_a, world.resident2)
    client.post(f"/facilities/{hall.pk}/queue/")
    assert client.get(f"/facilities/{hall.pk}/apply/").status_code == 200
    posted = client.post(f"/facilities/{hall.pk}/apply/", form_body(12))
    assert posted.status_code == 302 and "/facilities/my/" in posted["Location"]
    assert bookings(world, hall) == 2


def test_time_to_book_runs_out_and_a_new_place_is_at_the_back(world, hall):
    room = make_room(world, hall, opens_in=-600, rate=60, ticket=1)
    client = api(world, world.resident)
    with schema_context(world.inst_a.schema_name):
        WaitingRoom.objects.filter(pk=room.pk).update(last_seq=1)
        WaitingPlace.objects.create(room=room, user=world.resident, seq=1, joined_at=room.opens_at)
    wr._memo.clear()
    assert client.get(queue_url(hall)).json()["state"] == "expired"
    refused = client.post(
        "/api/v1/reservations/", booking_body(hall), content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "admission_expired"
    rejoined = client.post(queue_url(hall))
    assert rejoined.status_code == 201 and rejoined.json()["position"] == 2
    assert bookings(world, hall) == 0


def test_managers_are_not_held_by_the_room(world, hall):
    make_room(world, hall, opens_in=600)
    made = api(world, world.manager_a).post(
        "/api/v1/reservations/", booking_body(hall), content_type="application/json"
    )
    assert made.status_code == 201


def test_no_room_or_room_off_books_directly(world, hall):
    make_room(world, hall, opens_in=600, enabled=False)
    client = api(world, world.resident)
    assert client.get(queue_url(hall)).json()["state"] == "off"
    made = client.post("/api/v1/reservations/", booking_body(hall), content_type="application/json")
    assert made.status_code == 201


# -- sold out, told at once ---------------------------------------------------------------


def test_last_slot_taken_tells_everyone_waiting_from_one_flag(world, hall, monkeypatch, on_host):
    """One free slot (10–11) on the day that opens: once it is booked, the line is told
    "sold out" — a poll with its place token reads no place and no booking."""
    monkeypatch.setattr(wr, "MEMO_SECONDS", 60)  # a slow machine: the snapshot stays
    with schema_context(world.inst_a.schema_name):
        OpeningHours.objects.filter(facility=hall).update(opens=dt.time(10), closes=dt.time(11))
    make_room(world, hall, opens_in=-1, rate=60)
    winner, waiting = api(world, world.resident), api(world, world.resident2)
    winner.post(queue_url(hall))
    token = waiting.post(queue_url(hall)).json()["place"]
    made = winner.post(
        "/api/v1/reservations/", booking_body(hall, 10), content_type="application/json"
    )
    assert made.status_code == 201
    with CaptureQueriesContext(connection) as queries:
        told = waiting.get(queue_url(hall) + f"?place={token}")
    assert told.status_code == 200 and told.json()["state"] == "sold_out"
    assert told.json()["poll_after"] == 0
    touched = " ".join(q["sql"] for q in queries.captured_queries)
    assert "waitingplace" not in touched and "reservation" not in touched
    # Joining now: told at once, no place given.
    late = api(world, world.admin_b)
    assert late.post(queue_url(hall)).json()["state"] in ("sold_out",)
    refused = waiting.post(
        "/api/v1/reservations/", booking_body(hall), content_type="application/json"
    )
    assert refused.status_code in (403, 409)
    # The page says it is over, and no longer that it refreshes itself (it does not).
    page = on_host(world.inst_a, world.resident2).get(f"/facilities/{hall.pk}/queue/")
    html = page.content.decode()
    assert "마감되었습니다" in html and "스스로 새로 고쳐집니다" not in html
    assert "hx-trigger" not in html


def test_bookings_in_quick_succession_count_once_and_mark_the_room_due(world, hall):
    """In a rush one process re-counts at most once per RECOUNT_GAP: the next booking
    only marks the room due, and the next read of the room counts and flags sold out."""
    with schema_context(world.inst_a.schema_name):
        OpeningHours.objects.filter(facility=hall).update(opens=dt.time(10), closes=dt.time(12))
    make_room(world, hall, opens_in=-1, rate=600)
    wr._recounted.clear()
    first, second = api(world, world.resident), api(world, world.resident2)
    first.post(queue_url(hall))
    second.post(queue_url(hall))
    made = first.post(
        "/api/v1/reservations/", booking_body(hall, 10), content_type="application/json"
    )
    assert made.status_code == 201
    with CaptureQueriesContext(connection) as queries:
        last = second.post(
            "/api/v1/reservations/", booking_body(hall, 11), content_type="application/json"
        )
    assert last.status_code == 201
    touched = " ".join(q["sql"] for q in queries.captured_queries)
    assert 'SET "checked_at" = NULL' in touched and '"sold_out_at" =' not in touched
    with schema_context(world.inst_a.schema_name):
        room = WaitingRoom.objects.get(facility=hall)
        assert room.checked_at is None and room.sold_out_at is None  # due, not yet counted
        wr._memo.clear()  # the gap ended: the snapshot is read again
        state = wr.room_state(hall.pk)
        assert state is not None and state.sold_out
        assert WaitingRoom.objects.get(facility=hall).sold_out_at is not None


# -- who may ------------------------------------------------------------------------------


def test_queue_endpoints_ask_for_a_sign_in_and_hide_other_institutions(world, hall, on_host):
    from django.test import Client

    make_room(world, hall, opens_in=600)
    anonymous = Client(HTTP_HOST=world.inst_a.primary_host)
    assert anonymous.get(queue_url(hall)).status_code == 401
    assert anonymous.post(queue_url(hall)).json()["error"]["code"] == "not_authenticated"
    page = anonymous.get(f"/facilities/{hall.pk}/queue/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    # inst_b's host: that id is no facility of theirs.
    other = on_host(world.inst_b, world.resident)
    assert other.get(f"/facilities/{hall.pk}/queue/").status_code == 404
    raw = token_create(user=world.resident, name="b")[1]
    from django.test import Client as C

    b_api = C(HTTP_HOST=world.inst_b.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert b_api.get(queue_url(hall)).status_code == 404
    assert b_api.post(queue_url(hall)).status_code == 404


def test_staff_setting_page(world, hall, on_host):
    url = f"/facilities/manage/facilities/{hall.pk}/waiting-room/"
    from django.test import Client

    anonymous = Client(HTTP_HOST=world.inst_a.primary_host)
    assert anonymous.get(url).status_code == 302
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404  # outsiders
    assert on_host(world.inst_a, world.manager_b).get(url).status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 403
    manager = on_host(world.inst_a, world.manager_a)
    page = manager.get(url)
    assert page.status_code == 200 and "분당 입장 인원" in page.content.decode()
    bad = manager.post(
        url,
        {
            "enabled": "on",
            "opens_at": "2026-12-10T09:00",
            "closes_at": "2026-12-10T08:00",
            "queue_minutes": "30",
            "admit_per_minute": "0",
            "ticket_minutes": "5",
            "use_from": "2027-01-09",
            "use_to": "2027-01-09",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "종료 시각은 오픈 시각보다 뒤여야 합니다." in html and "1명에서 60,000명" in html
    with schema_context(world.inst_a.schema_name):
        assert not WaitingRoom.objects.filter(facility=hall).exists()
    good = manager.post(
        url,
        {
            "enabled": "on",
            "opens_at": "2026-12-10T09:00",
            "closes_at": "2026-12-10T10:00",
            "queue_minutes": "30",
            "admit_per_minute": "300",
            "ticket_minutes": "5",
            "use_from": "2027-01-09",
            "use_to": "2027-01-09",
        },
    )
    assert good.status_code == 302
    with schema_context(world.inst_a.schema_name):
        room = WaitingRoom.objects.get(facility=hall)
        assert room.enabled and room.admit_per_minute == 300
        assert timezone.localtime(room.opens_at).hour == 9
        assert AuditEvent.objects.filter(action="facility_booking.waiting_room").exists()


def test_unknown_ids_answer_404_never_500(world, on_host):
    client = on_host(world.inst_a, world.resident)
    huge = 2**70
    assert client.get(f"/facilities/{huge}/queue/").status_code == 404
    assert client.get(f"/facilities/{huge}/queue/status/").status_code == 404
    assert client.post(f"/facilities/{huge}/queue/").status_code == 404
    assert api(world, world.resident).get(f"/api/v1/facilities/{huge}/queue/").status_code == 404
    assert api(world, world.resident).post(f"/api/v1/facilities/{huge}/queue/").status_code == 404
