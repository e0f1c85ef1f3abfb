"""iCalendar feed per calendar at a secret URL: valid RFC 5545, parsed back, RRULE kept."""

from datetime import date, datetime, time, timedelta

import icalendar
from django.utils import timezone

from groupware.schedule import services


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _feed(client, calendar):
    response = client.get(f"/staff/calendar/feed/{calendar.feed_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


def test_feed_parses_back_with_recurring_and_all_day_events(world, org, on_host, in_schema):
    with in_schema(world.inst_a):
        calendar = services.department_calendar(org.planning)
        services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=calendar,
            title="주간 회의",
            starts_at=at(date(2026, 11, 2), 9),
            ends_at=at(date(2026, 11, 2), 10),
            repeat="WEEKLY",
            repeat_until=date(2026, 12, 28),
            place="3층 회의실",
            attendees=[world.staff_a2],
        )
        services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=calendar,
            title="월례 조회; 전원",
            starts_at=at(date(2026, 11, 1), 8, 30),
            ends_at=at(date(2026, 11, 1), 9),
            repeat="MONTHLY",
        )
        services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=calendar,
            title="워크숍",
            all_day=True,
            start_date=date(2026, 12, 3),
            end_date=date(2026, 12, 4),
        )
    raw = _feed(on_host(world.inst_a), calendar)  # no log-in: the token is the credential
    assert b"\r\n" in raw and raw.startswith(b"BEGIN:VCALENDAR")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded lines
    parsed = icalendar.Calendar.from_ical(raw)
    assert str(parsed["VERSION"]) == "2.0" and parsed["PRODID"]
    events = {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {"주간 회의", "월례 조회; 전원", "워크숍"}
    weekly = events["주간 회의"]
    rule = weekly["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["UNTIL"][0].tzinfo is not None  # UTC, as RFC 5545 requires with a TZID start
    assert weekly.decoded("DTSTART") == at(date(2026, 11, 2), 9)
    assert str(weekly["LOCATION"]) == "3층 회의실"
    assert "@" in str(weekly["UID"]) and weekly.get("DTSTAMP") is not None
    assert str(weekly["ATTENDEE"]).lower() == f"mailto:{world.staff_a2.email}"
    assert events["월례 조회; 전원"]["RRULE"]["FREQ"] == ["MONTHLY"]
    workshop = events["워크숍"]
    assert workshop.decoded("DTSTART") == date(2026, 12, 3)
    assert workshop.decoded("DTEND") == date(2026, 12, 5)  # exclusive end
    assert any(c.name == "VTIMEZONE" for c in parsed.subcomponents)
    # occurrences computed from the feed match ours
    from dateutil.rrule import rrulestr

    occurrences = rrulestr(weekly["RRULE"].to_ical().decode(), dtstart=weekly.decoded("DTSTART"))
    assert len(list(occurrences)) == 9


def test_personal_feed_includes_invitations_and_token_reset(world, org, on_host, in_schema):
    start = timezone.now() + timedelta(days=1)
    with in_schema(world.inst_a):
        services.event_create(
            actor=world.admin_a,
            institution=world.inst_a,
            calendar=services.institution_calendar(world.inst_a),
            title="간부회의",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            attendees=[world.staff_a],
        )
        mine = services.personal_calendar(world.staff_a)
        old_token = mine.feed_token
    parsed = icalendar.Calendar.from_ical(_feed(on_host(world.inst_a), mine))
    assert [str(e["SUMMARY"]) for e in parsed.walk("VEVENT")] == ["간부회의"]
    # someone else's personal calendar is answered like one that does not exist
    assert (
        on_host(world.inst_a, world.staff_a2)
        .post(f"/staff/calendar/calendars/{mine.pk}/reset-feed/")
        .status_code
        == 404
    )
    with in_schema(world.inst_a):
        mine.refresh_from_db()
        assert mine.feed_token == old_token
    assert (
        on_host(world.inst_a, world.staff_a)
        .post(f"/staff/calendar/calendars/{mine.pk}/reset-feed/")
        .status_code
        == 302
    )
    assert on_host(world.inst_a).get(f"/staff/calendar/feed/{old_token}.ics").status_code == 404


def test_feed_unknown_token_and_other_institution(world, org, on_host, in_schema):
    with in_schema(world.inst_a):
        calendar = services.personal_calendar(world.staff_a)
    assert (
        on_host(world.inst_a).get("/staff/calendar/feed/not-a-real-token-at-all.ics").status_code
        == 404
    )
    assert (
        on_host(world.inst_b).get(f"/staff/calendar/feed/{calendar.feed_token}.ics").status_code
        == 404
    )


def test_calendars_page_lists_feed_urls(world, org, on_host):
    body = on_host(world.inst_a, world.staff_a).get("/staff/calendar/calendars/").content.decode()
    assert "/staff/calendar/feed/" in body and "기획팀 일정" in body
