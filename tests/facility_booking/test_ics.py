"""iCalendar: a booking, the private feed (own bookings only) and the public facility
feed (busy blocks, no personal data) — all parsed back with the icalendar package."""

from django_tenants.utils import schema_context
from icalendar import Calendar

from facility_booking import services
from tests.facility_booking.conftest import at, make_facility, request_kwargs


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    return [c for c in cal.walk("VEVENT")]


def test_booking_and_private_feed(world, on_host):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="다목적실")
        mine = services.reservation_request(**request_kwargs(facility, world.resident))
        services.reservation_request(
            **request_kwargs(facility, world.resident2, start=at(4, 10), end=at(4, 11))
        )
        token = services.feed_for(world.resident).token
    events = parse(
        on_host(world.inst_a, world.resident).get(f"/facilities/bookings/{mine.pk}/booking.ics")
    )
    assert len(events) == 1
    event = events[0]
    assert event["SUMMARY"] == "[대관] 다목적실"
    assert event.decoded("DTSTART") == mine.start and event.decoded("DTEND") == mine.end
    assert mine.number in event["DESCRIPTION"] and event["UID"] and event["DTSTAMP"]
    assert (
        on_host(world.inst_a, world.resident2)
        .get(f"/facilities/bookings/{mine.pk}/booking.ics")
        .status_code
        == 404
    )
    feed = parse(on_host(world.inst_a).get(f"/facilities/feed/{token}.ics"))
    assert [e["UID"] for e in feed] == [event["UID"]]
    assert on_host(world.inst_a).get("/facilities/feed/not-a-token.ics").status_code == 404
    assert on_host(world.inst_b).get(f"/facilities/feed/{token}.ics").status_code == 404


def test_public_facility_feed_has_busy_blocks_only(world, on_host):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="축구장")
        services.reservation_request(
            **request_kwargs(facility, world.resident, purpose="비밀 모임")
        )
        services.block_create(
            actor=world.manager_a, facility=facility, start=at(5, 9), end=at(5, 12)
        )
        internal = make_facility(name="내부 차량", visibility="internal", base_fee=0)
    response = on_host(world.inst_a).get(f"/facilities/{facility.pk}/calendar.ics")
    events = parse(response)
    assert sorted(str(e["SUMMARY"]) for e in events) == ["사용 불가", "예약됨"]
    text = response.content.decode()
    assert world.resident.name not in text and "비밀 모임" not in text and "010-" not in text
    assert on_host(world.inst_a).get(f"/facilities/{internal.pk}/calendar.ics").status_code == 404
