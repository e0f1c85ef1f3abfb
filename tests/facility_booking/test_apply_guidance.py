"""What a first-time resident meets on the facility and apply pages: only starts that
can be booked, an end-time menu holding only the ends the rules allow, each refusal on
the field that is wrong, and the per-person limit told before the form is filled."""

import datetime as dt
import re

import pytest
from django_tenants.utils import schema_context

from facility_booking import services
from facility_booking.errors import message
from facility_booking.models import Reservation
from tests.facility_booking.conftest import at, make_facility, request_kwargs
from tests.facility_booking.test_pages import apply_data as page_data


@pytest.fixture
def hall(world):
    """Open 06–22, bookings of 2 to 4 hours, on the hour, a 60-minute buffer, two
    bookings at a time per person."""
    with schema_context(world.inst_a.schema_name):
        return make_facility(
            name="대공연장",
            kind="hall",
            capacity=300,
            min_minutes=120,
            max_minutes=240,
            buffer_minutes=60,
            max_active_per_person=2,
        )


def apply_data(day, **overrides):
    """The page tests' form, without a 감면 claim (this hall offers none)."""
    return page_data(day, discount_categories=[], **overrides)


def options(html: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S)
    assert select, field
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]


def selected(html: str, field: str) -> str:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S)
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return found.group(1) if found else ""


def test_week_calendar_offers_no_start_that_cannot_be_booked(hall, world, on_host):
    day = at(3, 0).date()
    html = on_host(world.inst_a).get(f"/facilities/{hall.pk}/?date={day}").content.decode()
    assert f"date={day}&amp;start=20:00" in html
    assert f"date={day}&amp;start=21:00" not in html


def test_end_menu_offers_only_ends_the_rules_allow_after_the_start(hall, world, on_host):
    day = at(3, 0).date()
    with schema_context(world.inst_a.schema_name):
        services.block_create(actor=world.manager_a, facility=hall, start=at(3, 16), end=at(3, 18))
    client = on_host(world.inst_a, world.resident2)
    html = client.get(f"/facilities/{hall.pk}/apply/?date={day}&start=10:00").content.decode()
    assert selected(html, "start_time") == "10:00"
    # 2–4 hours, and 10:00 + 4 h + 1 h buffer still clears the 16:00 block
    assert options(html, "end_time") == ["12:00", "13:00", "14:00"]
    assert selected(html, "end_time") == "12:00"
    starts = options(html, "start_time")
    assert "21:00" not in starts and "16:00" not in starts and "20:00" in starts
    assert "13:00" in starts  # 13–15 + buffer ends right at the block
    assert "14:00" not in starts  # 14 + 2 h + buffer runs into the block
    # 12:00: up to 15:00 (16:00 + buffer would run into the block)
    html = client.get(f"/facilities/{hall.pk}/apply/?date={day}&start=12:00").content.decode()
    assert options(html, "end_time") == ["14:00", "15:00"]


def test_htmx_refresh_brings_the_menus_for_the_new_start(hall, world, on_host):
    day = at(3, 0).date()
    client = on_host(world.inst_a, world.resident2)
    response = client.post(
        f"/facilities/{hall.pk}/apply/",
        {**apply_data(day, start_time="19:00", end_time="23:00"), "action": "preview"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    # the end moved to one the new start allows, and the menu says which
    ends = re.search(r'hx-swap-oob="innerHTML:#id_end_time">(.*?)</div>', html, re.S).group(1)
    assert re.findall(r'value="([^"]+)"', ends) == ["21:00", "22:00"]
    assert 'value="21:00" selected' in ends
    assert "합계" in html


def test_each_refusal_sits_on_the_field_that_is_wrong(hall, world, on_host):
    day = at(3, 0).date()
    client = on_host(world.inst_a, world.resident2)
    url = f"/facilities/{hall.pk}/apply/"
    checks = [
        # too short: the end is wrong
        (
            {"start_time": "10:00", "end_time": "11:00"},
            "end_time",
            message("too_short", minutes=120),
        ),
        # past closing: the end is wrong
        (
            {"start_time": "20:00", "end_time": "23:00"},
            "end_time",
            message("outside_hours", opens="06:00", closes="22:00"),
        ),
        # before opening: the start is wrong
        (
            {"start_time": "05:00", "end_time": "07:00"},
            "start_time",
            message("outside_hours", opens="06:00", closes="22:00"),
        ),
        # too long: the end is wrong
        (
            {"start_time": "08:00", "end_time": "13:00"},
            "end_time",
            message("too_long", minutes=240),
        ),
    ]
    for data, field, text in checks:
        response = client.post(url, {**apply_data(day, **data), "action": "preview"})
        html = response.content.decode()
        assert response.status_code == 400, data
        assert f'<p class="error" id="id_{field}_error">{text}</p>' in html, (data, field)
    with schema_context(world.inst_a.schema_name):
        assert not Reservation.objects.filter(applicant=world.resident2).exists()


def test_a_closed_day_is_an_error_on_the_date(hall, world, on_host):
    from facility_booking.models import ClosedDate

    day = at(3, 0).date()
    with schema_context(world.inst_a.schema_name):
        ClosedDate.objects.create(facility=hall, date=day, reason="점검")
    response = on_host(world.inst_a, world.resident2).post(
        f"/facilities/{hall.pk}/apply/", {**apply_data(day), "action": "preview"}
    )
    assert response.status_code == 400
    assert 'id="id_date_error"' in response.content.decode()


def test_person_limit_is_told_before_the_form_with_links(hall, world, on_host):
    with schema_context(world.inst_a.schema_name):
        first = services.reservation_request(
            **request_kwargs(hall, world.resident2, start=at(3, 8), end=at(3, 10))
        )
    client = on_host(world.inst_a, world.resident2)
    page = client.get(f"/facilities/{hall.pk}/").content.decode()
    assert "진행 중인 예약 1건 — 한도 2건" in page
    assert f'href="/facilities/my/{first.pk}/"' in page
    with schema_context(world.inst_a.schema_name):
        second = services.reservation_request(
            **request_kwargs(hall, world.resident2, start=at(4, 8), end=at(4, 10))
        )
    for url in (f"/facilities/{hall.pk}/", f"/facilities/{hall.pk}/apply/"):
        html = client.get(url).content.decode()
        assert "진행 중인 예약 2건 — 한도 2건" in html, url
        assert "한도에 도달해" in html
        for booking in (first, second):
            assert f'href="/facilities/my/{booking.pk}/"' in html
    # the notice comes before the form's first field
    html = client.get(f"/facilities/{hall.pk}/apply/").content.decode()
    assert html.index("진행 중인 예약 2건") < html.index('name="date"')
    # someone else, and anyone not signed in, is told nothing about it
    other = on_host(world.inst_a, world.resident).get(f"/facilities/{hall.pk}/").content.decode()
    anonymous = on_host(world.inst_a).get(f"/facilities/{hall.pk}/").content.decode()
    assert "진행 중인 예약" not in other and "진행 중인 예약" not in anonymous


def test_apply_form_opens_on_a_day_that_can_be_booked(world, on_host):
    """Applications close 72 hours ahead: the form does not open on tomorrow."""
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="소공연장", window_close_hours=72)
    html = on_host(world.inst_a, world.resident2).get(f"/facilities/{facility.pk}/apply/")
    html = html.content.decode()
    day = re.search(r'name="date" value="([0-9-]+)"', html).group(1)
    assert dt.date.fromisoformat(day) >= at(3, 0).date()
    assert options(html, "start_time")
