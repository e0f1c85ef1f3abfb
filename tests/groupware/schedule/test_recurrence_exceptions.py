"""One occurrence of a repeating event deleted (EXDATE) or changed (RECURRENCE-ID):
the views, the event page and the iCalendar feed agree; bad keys are refused."""

from datetime import date, datetime, time

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groupware.schedule import services
from groupware.schedule.models import Event, EventException


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def weekly(world, org, in_schema):
    """팀 주간회의 every Monday 09:00–10:00 in November 2026 (2, 9, 16, 23, 30)."""
    with in_schema(world.inst_a):
        calendar = services.department_calendar(org.planning)
        return services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=calendar,
            title="팀 주간회의",
            starts_at=at(date(2026, 11, 2), 9),
            ends_at=at(date(2026, 11, 2), 10),
            repeat="WEEKLY",
            repeat_until=date(2026, 11, 30),
            place="3층 회의실",
        )


def _month(client, **extra):
    return client.get("/staff/calendar/", {"date": "2026-11-15", **extra}).content.decode()


def test_delete_one_occurrence_keeps_the_rest(world, weekly, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    page = client.get(f"/staff/calendar/events/{weekly.pk}/", {"occ": "20261116T090000"})
    assert "이 일정만 삭제" in page.content.decode()
    response = client.post(
        f"/staff/calendar/events/{weekly.pk}/occurrences/20261116T090000/delete/"
    )
    assert response.status_code == 302
    body = _month(client)
    assert body.count('title="팀 주간회의"') == 4 * 2  # grid cell + list, 16 November gone
    assert (
        "팀 주간회의"
        not in client.get("/staff/calendar/day/", {"date": "2026-11-16"}).content.decode()
    )
    assert (
        "팀 주간회의" in client.get("/staff/calendar/day/", {"date": "2026-11-23"}).content.decode()
    )
    with in_schema(world.inst_a):
        assert Event.objects.get(pk=weekly.pk).sequence == 1


def test_change_one_occurrence_moves_only_that_one(world, weekly, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    url = f"/staff/calendar/events/{weekly.pk}/occurrences/20261109T090000/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "팀 주간회의 (장소 변경)",
            "starts_at": "2026-11-10T14:00",
            "ends_at": "2026-11-10T15:00",
            "place": "대회의실",
        },
    )
    assert response.status_code == 302
    assert (
        "팀 주간회의 (장소 변경)"
        not in client.get("/staff/calendar/day/", {"date": "2026-11-09"}).content.decode()
    )
    tuesday = client.get("/staff/calendar/day/", {"date": "2026-11-10"}).content.decode()
    assert "팀 주간회의 (장소 변경)" in tuesday
    week = client.get("/staff/calendar/week/", {"date": "2026-11-18"}).content.decode()
    assert "장소 변경" not in week and 'title="팀 주간회의"' in week
    detail = client.get(f"/staff/calendar/events/{weekly.pk}/", {"occ": "20261109T090000"})
    assert "이 날짜만 변경됨" in detail.content.decode()
    # the API lists the series once for a window holding only the moved occurrence
    api = client.get("/api/v1/events/", {"start": "2026-11-10", "end": "2026-11-10"})
    assert api.status_code == 200 and len(api.json()["results"]) == 1
    (changed,) = api.json()["results"][0]["exceptions"]
    assert changed["original_start"] == "2026-11-09T09:00:00+09:00"
    assert changed["starts_at"] == "2026-11-10T14:00:00+09:00" and not changed["cancelled"]


def test_bad_occurrence_input_changes_nothing(world, weekly, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    base = f"/staff/calendar/events/{weekly.pk}/occurrences"
    # not a start the rule gives (a Tuesday), garbage, out of range: 404, nothing stored
    assert client.post(f"{base}/20261117T090000/delete/").status_code == 404
    assert client.post(f"{base}/garbage/delete/").status_code == 404
    assert client.get(f"{base}/99991231T0900/edit/").status_code == 404
    assert client.get(f"/staff/calendar/events/{weekly.pk}/", {"occ": "x" * 500}).status_code == 200
    # ending before it starts: a Korean message next to the field
    response = client.post(
        f"{base}/20261109T090000/edit/",
        {"title": "회의", "starts_at": "2026-11-09T10:00", "ends_at": "2026-11-09T09:00"},
    )
    assert response.status_code == 400
    assert "종료 시각은 시작 시각보다 늦어야 합니다." in response.content.decode()
    response = client.post(
        f"{base}/20261109T090000/edit/",
        {"title": " ", "starts_at": "2026-11-09T09:00", "ends_at": "2026-11-09T10:00"},
    )
    assert "제목을 입력해 주세요." in response.content.decode()
    with in_schema(world.inst_a):
        assert not EventException.objects.exists()
        with pytest.raises(ValidationError) as caught:
            services.occurrence_cancel(
                actor=world.staff_a,
                institution=world.inst_a,
                event=weekly,
                original_start=at(date(2026, 12, 7), 9),  # after UNTIL
            )
        assert "occurrence" in caught.value.message_dict


def test_occurrence_rights_follow_the_calendar(world, weekly, on_host, in_schema):
    # staff_a2 (another team) reads the department calendar but may not write it
    client = on_host(world.inst_a, world.staff_a2)
    url = f"/staff/calendar/events/{weekly.pk}/occurrences/20261116T090000/delete/"
    assert client.post(url).status_code == 403
    assert on_host(world.inst_a, world.staff_b).post(url).status_code == 404
    with in_schema(world.inst_a):
        with pytest.raises(PermissionDenied):
            services.occurrence_cancel(
                actor=world.staff_a2,
                institution=world.inst_a,
                event=weekly,
                original_start=at(date(2026, 11, 16), 9),
            )
        assert not EventException.objects.exists()


def test_feed_carries_exdate_and_recurrence_id(world, weekly, on_host, in_schema):
    with in_schema(world.inst_a):
        services.occurrence_cancel(
            actor=world.staff_a,
            institution=world.inst_a,
            event=weekly,
            original_start=at(date(2026, 11, 16), 9),
        )
        services.occurrence_update(
            actor=world.staff_a,
            institution=world.inst_a,
            event=weekly,
            original_start=at(date(2026, 11, 23), 9),
            title="팀 주간회의 (연기)",
            starts_at=at(date(2026, 11, 24), 15),
            ends_at=at(date(2026, 11, 24), 16),
        )
        token = weekly.calendar.feed_token
    raw = on_host(world.inst_a).get(f"/staff/calendar/feed/{token}.ics").content
    parsed = icalendar.Calendar.from_ical(raw)
    vevents = list(parsed.walk("VEVENT"))
    assert len(vevents) == 2 and vevents[0]["UID"] == vevents[1]["UID"]
    series = next(e for e in vevents if "RRULE" in e)
    override = next(e for e in vevents if "RECURRENCE-ID" in e)
    exdates = [d.dt for d in series["EXDATE"].dts]
    assert exdates == [at(date(2026, 11, 16), 9)]
    assert exdates[0].tzinfo is not None and b"EXDATE;TZID=Asia/Seoul:20261116T090000" in raw
    assert override["RECURRENCE-ID"].dt == at(date(2026, 11, 23), 9)
    assert override["DTSTART"].dt == at(date(2026, 11, 24), 15)
    assert str(override["SUMMARY"]) == "팀 주간회의 (연기)"
    assert override["SEQUENCE"] == series["SEQUENCE"] == 2


def test_changing_the_series_time_drops_exceptions(world, weekly, in_schema):
    with in_schema(world.inst_a):
        services.occurrence_cancel(
            actor=world.staff_a,
            institution=world.inst_a,
            event=weekly,
            original_start=at(date(2026, 11, 16), 9),
        )
        services.event_update(
            actor=world.staff_a, institution=world.inst_a, event=weekly, title="이름만 변경"
        )
        assert EventException.objects.count() == 1  # the title does not move occurrences
        services.event_update(  # 16 November is still before the new end of the series
            actor=world.staff_a,
            institution=world.inst_a,
            event=weekly,
            repeat_until=date(2026, 11, 20),
        )
        assert EventException.objects.count() == 1
        services.event_update(
            actor=world.staff_a,
            institution=world.inst_a,
            event=weekly,
            repeat_until=date(2026, 11, 10),
        )
        assert not EventException.objects.exists()
        services.occurrence_cancel(
            actor=world.staff_a,
            institution=world.inst_a,
            event=weekly,
            original_start=at(date(2026, 11, 9), 9),
        )
        services.event_update(
            actor=world.staff_a,
            institution=world.inst_a,
            event=weekly,
            starts_at=at(date(2026, 11, 2), 10),
            ends_at=at(date(2026, 11, 2), 11),
        )
        assert not EventException.objects.exists()
        services.occurrence_cancel(
            actor=world.staff_a,
            institution=world.inst_a,
            event=weekly,
            original_start=at(date(2026, 11, 2), 10),
        )
        services.event_update(
            actor=world.staff_a, institution=world.inst_a, event=weekly, repeat=""
        )
        assert not EventException.objects.exists()  # no series, no exceptions


def test_all_day_series_occurrence_by_dates_and_in_feed(world, org, on_host, in_schema):
    with in_schema(world.inst_a):
        monthly = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=services.department_calendar(org.planning),
            title="월말 마감",
            all_day=True,
            start_date=date(2026, 10, 30),
            end_date=date(2026, 10, 30),
            repeat="MONTHLY",
        )
    client = on_host(world.inst_a, world.staff_a)
    base = f"/staff/calendar/events/{monthly.pk}/occurrences"
    form = client.get(f"{base}/20261130T000000/edit/").context["form"]
    assert "start_date" in form.fields and "starts_at" not in form.fields
    response = client.post(
        f"{base}/20261130T000000/edit/",
        {"title": "월말 마감 (하루 앞당김)", "start_date": "2026-11-27", "end_date": "2026-11-27"},
    )
    assert response.status_code == 302
    assert client.post(f"{base}/20261230T000000/delete/").status_code == 302
    raw = client.get(f"/staff/calendar/feed/{monthly.calendar.feed_token}.ics").content
    assert b"EXDATE;VALUE=DATE:20261230" in raw
    assert b"RECURRENCE-ID;VALUE=DATE:20261130" in raw
    override = next(
        e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT") if "RECURRENCE-ID" in e
    )
    assert override["DTSTART"].dt == date(2026, 11, 27)
    assert override["DTEND"].dt == date(2026, 11, 28)
    day = client.get("/staff/calendar/day/", {"date": "2026-11-27"}).content.decode()
    assert "월말 마감 (하루 앞당김)" in day


def test_series_starting_on_odd_seconds_keeps_matching_keys(world, org, on_host, in_schema):
    """An API client may send 09:00:30.25: stored to the second, and its keys still match."""
    with in_schema(world.inst_a):
        odd = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=services.personal_calendar(world.staff_a),
            title="초 단위 회의",
            starts_at=at(date(2026, 11, 2), 9).replace(second=30, microsecond=250000),
            ends_at=at(date(2026, 11, 2), 10),
            repeat="WEEKLY",
        )
        assert odd.starts_at.microsecond == 0
    client = on_host(world.inst_a, world.staff_a)
    url = f"/staff/calendar/events/{odd.pk}/occurrences/20261109T090030/delete/"
    assert client.post(url).status_code == 302
    day = client.get("/staff/calendar/day/", {"date": "2026-11-09"}).content.decode()
    assert "초 단위 회의" not in day


def test_invitees_hear_of_a_changed_or_cancelled_date(
    world, weekly, in_schema, mailoutbox, django_capture_on_commit_callbacks
):
    with in_schema(world.inst_a):
        services.event_update(
            actor=world.staff_a,
            institution=world.inst_a,
            event=weekly,
            attendees=[world.staff_a2, world.admin_a],
        )
        Event.objects.get(pk=weekly.pk).attendees.filter(user=world.admin_a).update(
            status="declined"
        )
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.occurrence_update(
                actor=world.staff_a,
                institution=world.inst_a,
                event=weekly,
                original_start=at(date(2026, 11, 9), 9),
                title="팀 주간회의",
                starts_at=at(date(2026, 11, 10), 14),
                ends_at=at(date(2026, 11, 10), 15),
            )
            services.occurrence_cancel(
                actor=world.staff_a,
                institution=world.inst_a,
                event=weekly,
                original_start=at(date(2026, 11, 16), 9),
            )
    assert [m.to for m in mailoutbox] == [[world.staff_a2.email]] * 2  # not the one who declined
    changed, cancelled = mailoutbox
    assert "일정 변경" in changed.subject and "2026. 11. 10. (화요일) 14:00" in changed.body
    assert "일정 취소" in cancelled.subject and "2026. 11. 16." in cancelled.body
    assert "?occ=20261116T090000" in cancelled.body


def test_api_changes_or_cancels_one_date(world, weekly, on_host, in_schema):
    url = f"/api/v1/events/{weekly.pk}/occurrences/"
    client = on_host(world.inst_a, world.staff_a)
    moved = client.post(
        url,
        {
            "original_start": "2026-11-09T09:00:00+09:00",
            "title": "팀 주간회의 (오후)",
            "starts_at": "2026-11-09T15:00:00+09:00",
            "ends_at": "2026-11-09T16:00:00+09:00",
        },
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["exceptions"][0]["starts_at"] == "2026-11-09T15:00:00+09:00"
    gone = client.post(
        url,
        {"original_start": "2026-11-16T09:00:00+09:00", "cancelled": True},
        content_type="application/json",
    )
    assert gone.status_code == 200 and len(gone.json()["exceptions"]) == 2
    bad = client.post(
        url,
        {"original_start": "2026-11-17T09:00:00+09:00", "cancelled": True},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["occurrence"] == [
        "반복 일정에 그런 날짜의 일정이 없습니다."
    ]
    backwards = client.post(
        url,
        {
            "original_start": "2026-11-23T09:00:00+09:00",
            "title": "x",
            "starts_at": "2026-11-23T10:00:00+09:00",
            "ends_at": "2026-11-23T09:00:00+09:00",
        },
        content_type="application/json",
    )
    assert backwards.status_code == 400 and "ends_at" in backwards.json()["error"]["fields"]
    payload = {"original_start": "2026-11-23T09:00:00+09:00", "cancelled": True}
    assert (
        on_host(world.inst_a, world.staff_a2)
        .post(url, payload, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        on_host(world.inst_b, world.staff_b)
        .post(url, payload, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        on_host(world.inst_a).post(url, payload, content_type="application/json").status_code == 401
    )
    with in_schema(world.inst_a):
        assert EventException.objects.count() == 2
