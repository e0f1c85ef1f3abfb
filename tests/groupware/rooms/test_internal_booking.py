"""회의실·차량 예약: internal facilities booked through facility_booking's engine
(one engine, two audiences): no fee, the same no-overlap guarantee."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from facility_booking import models as fb_models


def _next_workday() -> date:
    import holidays

    day = timezone.localdate() + timedelta(days=2)
    kr = holidays.country_holidays("KR", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in kr:
        day += timedelta(days=1)
    return day


@pytest.fixture
def rooms(world, in_schema):
    with in_schema(world.inst_a):
        room = fb_models.Facility.objects.create(
            name="3층 소회의실",
            kind="meeting_room",
            visibility="internal",
            capacity=8,
            approval_required=False,
            window_open_days=60,
            window_close_hours=0,
            slot_minutes=30,
            min_minutes=30,
            max_minutes=480,
        )
        car = fb_models.Facility.objects.create(
            name="업무용 승합차",
            kind="vehicle",
            visibility="internal",
            capacity=9,
            approval_required=True,
            window_open_days=60,
            window_close_hours=0,
        )
        hall = fb_models.Facility.objects.create(name="대공연장", kind="hall", visibility="public")
        for facility in (room, car, hall):
            for weekday in range(7):
                fb_models.OpeningHours.objects.create(
                    facility=facility, weekday=weekday, opens=time(7), closes=time(22)
                )
        return {"room": room, "car": car, "hall": hall}


def _post(client, facility, day, start, end, purpose="주간 회의"):
    return client.post(
        "/staff/resources/",
        {
            "facility": facility.pk,
            "date": day.isoformat(),
            "start_time": start,
            "end_time": end,
            "purpose": purpose,
            "headcount": 4,
        },
    )


def test_lists_internal_facilities_only(world, rooms, on_host):
    body = on_host(world.inst_a, world.staff_a).get("/staff/resources/").content.decode()
    assert "3층 소회의실" in body and "업무용 승합차" in body
    assert "대공연장" not in body


def test_resources_page_permissions(world, rooms, on_host):
    assert on_host(world.inst_a).get("/staff/resources/").status_code == 302
    assert on_host(world.inst_a, world.resident).get("/staff/resources/").status_code == 404
    assert on_host(world.inst_a, world.staff_b).get("/staff/resources/").status_code == 404


def test_staff_books_instantly_free_and_no_overlap(world, rooms, on_host, in_schema):
    day = _next_workday()
    client = on_host(world.inst_a, world.staff_a)
    response = _post(client, rooms["room"], day, "10:00", "11:00")
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_schema(world.inst_a):
        booking = fb_models.Reservation.objects.get(facility=rooms["room"])
        assert booking.status == "approved" and booking.total_amount == 0
        assert booking.applicant == world.staff_a
    clash = _post(on_host(world.inst_a, world.staff_a2), rooms["room"], day, "10:30", "11:30")
    assert clash.status_code == 409
    assert "이미 다른 예약이 있습니다" in clash.content.decode()
    # the refused page shows that day's bookings (not today's), to pick another time
    assert clash.context["day"] == day and "주간 회의" in clash.content.decode()
    with in_schema(world.inst_a):
        assert fb_models.Reservation.objects.filter(facility=rooms["room"]).count() == 1
    # the vehicle needs approval: the request waits
    assert _post(client, rooms["car"], day, "09:00", "12:00", "출장").status_code == 302
    with in_schema(world.inst_a):
        assert fb_models.Reservation.objects.get(facility=rooms["car"]).status == "requested"
    # the day's view and the calendar show the booking
    page = client.get("/staff/resources/", {"date": day.isoformat()}).content.decode()
    assert "주간 회의" in page
    calendar = client.get("/staff/calendar/day/", {"date": day.isoformat()}).content.decode()
    assert "3층 소회의실" in calendar
    # facility managers see the waiting vehicle request on their dashboard
    dashboard = on_host(world.inst_a, world.manager_a).get("/staff/")
    assert dashboard.context["booking_requests"].count == 1


def test_bad_times_get_field_errors(world, rooms, on_host, in_schema):
    day = _next_workday()
    response = _post(on_host(world.inst_a, world.staff_a), rooms["room"], day, "11:00", "10:00")
    assert response.status_code == 400
    assert (
        'id="id_end_time_error">종료 시각은 시작 시각보다 늦어야 합니다.'
        in response.content.decode()
    )
    with in_schema(world.inst_a):
        assert not fb_models.Reservation.objects.exists()


def test_own_booking_can_be_cancelled(world, rooms, on_host, in_schema):
    day = _next_workday()
    client = on_host(world.inst_a, world.staff_a)
    _post(client, rooms["room"], day, "14:00", "15:00")
    with in_schema(world.inst_a):
        booking = fb_models.Reservation.objects.get()
    assert (
        on_host(world.inst_a, world.staff_a2)
        .post(f"/staff/resources/{booking.pk}/cancel/")
        .status_code
        == 404
    )
    with in_schema(world.inst_a):
        assert fb_models.Reservation.objects.get().status == "approved"
    assert client.post(f"/staff/resources/{booking.pk}/cancel/").status_code == 302
    with in_schema(world.inst_a):
        assert fb_models.Reservation.objects.get().status == "cancelled"


def _cancel_form(pk) -> str:
    return f'action="/staff/resources/{pk}/cancel/"'


def test_cancel_is_offered_exactly_when_cancelling_is_allowed(world, rooms, on_host, in_schema):
    """내 예약 asks facility_booking's ``allowed_actions``: a booking still to come offers
    취소; one under way, one over or one cancelled does not, and posting the cancel anyway
    is refused with the engine's message and changes nothing."""
    day = _next_workday()
    client = on_host(world.inst_a, world.staff_a)
    for start, end in (("09:00", "10:00"), ("10:00", "11:00"), ("11:00", "12:00")):
        assert _post(client, rooms["room"], day, start, end).status_code == 302
    now = timezone.now()
    with in_schema(world.inst_a):
        future, started, ended = fb_models.Reservation.objects.order_by("start")
        # move two of them into the past: one under way now, one over an hour ago
        for booking, start, end in (
            (started, now - timedelta(minutes=30), now + timedelta(minutes=30)),
            (ended, now - timedelta(hours=3), now - timedelta(hours=2)),
        ):
            fb_models.Reservation.objects.filter(pk=booking.pk).update(
                start=start, end=end, hold_start=start, hold_end=end
            )
    page = client.get("/staff/resources/").content.decode()
    assert _cancel_form(future.pk) in page
    assert _cancel_form(started.pk) not in page
    assert _cancel_form(ended.pk) not in page

    for booking in (started, ended):
        response = client.post(f"/staff/resources/{booking.pk}/cancel/", follow=True)
        assert "이미 시작된 예약은 취소할 수 없습니다." in response.content.decode()
        assert "예약을 취소했습니다." not in response.content.decode()
        with in_schema(world.inst_a):
            kept = fb_models.Reservation.objects.get(pk=booking.pk)
            assert kept.status == "approved" and kept.events.count() == booking.events.count()

    # the booking to come is cancelled; then it offers nothing and a second cancel is refused
    response = client.post(f"/staff/resources/{future.pk}/cancel/", follow=True)
    assert "예약을 취소했습니다." in response.content.decode()
    page = client.get("/staff/resources/").content.decode()
    assert _cancel_form(future.pk) not in page
    with in_schema(world.inst_a):
        events = fb_models.Reservation.objects.get(pk=future.pk).events.count()
    response = client.post(f"/staff/resources/{future.pk}/cancel/", follow=True)
    assert "예약을 취소했습니다." not in response.content.decode()
    label = fb_models.Status.CANCELLED.label
    assert f"현재 상태({label})에서는 할 수 없는 작업입니다." in response.content.decode()
    with in_schema(world.inst_a):
        again = fb_models.Reservation.objects.get(pk=future.pk)
        assert again.status == "cancelled" and again.events.count() == events
