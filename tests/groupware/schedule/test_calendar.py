"""Shared calendar: permissions per calendar kind, validation, repetition, invitations,
approved leave and absences shown, month/week/day views."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groupware.models import Absence
from groupware.schedule import services
from groupware.schedule.models import Attendee, Event, EventException
from groupware.schedule.occurrences import occurrence_starts


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def cals(world, org, in_schema):
    with in_schema(world.inst_a):
        return {
            "mine": services.personal_calendar(world.staff_a),
            "other": services.personal_calendar(world.staff_a2),
            "planning": services.department_calendar(org.planning),
            "inst": services.institution_calendar(world.inst_a),
        }


def test_event_ending_before_start_is_refused_with_field_error(world, cals, on_host, in_schema):
    response = on_host(world.inst_a, world.staff_a).post(
        "/staff/calendar/events/new/",
        {
            "calendar": cals["mine"].pk,
            "title": "회의",
            "starts_at": "2026-12-01T10:00",
            "ends_at": "2026-12-01T09:00",
        },
    )
    assert response.status_code == 400
    assert (
        'id="id_ends_at_error">종료 시각은 시작 시각보다 늦어야 합니다.'
        in response.content.decode()
    )
    with in_schema(world.inst_a):
        assert not Event.objects.exists()
        with pytest.raises(ValidationError) as caught:
            services.event_create(
                actor=world.staff_a,
                institution=world.inst_a,
                calendar=cals["mine"],
                title="",
                starts_at=at(date(2026, 12, 1), 9),
                ends_at=at(date(2026, 12, 1), 10),
            )
        assert caught.value.message_dict["title"] == ["제목을 입력해 주세요."]
        with pytest.raises(ValidationError) as caught:
            services.event_create(
                actor=world.staff_a,
                institution=world.inst_a,
                calendar=cals["mine"],
                title="종일",
                all_day=True,
                start_date=date(2026, 12, 3),
                end_date=date(2026, 12, 1),
            )
        assert "end_date" in caught.value.message_dict


def test_write_rules_per_calendar_kind(world, cals, in_schema):
    start = at(date(2026, 12, 1), 9)
    kwargs = {
        "institution": world.inst_a,
        "title": "x",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
    }
    with in_schema(world.inst_a):
        services.event_create(
            actor=world.staff_a, calendar=cals["planning"], **kwargs
        )  # own department
        services.event_create(actor=world.admin_a, calendar=cals["inst"], **kwargs)
        for actor, calendar in (
            (world.staff_a2, cals["planning"]),  # another department
            (world.staff_a, cals["inst"]),  # institution calendar: admins
            (world.staff_a, cals["other"]),  # someone else's personal calendar
            (world.staff_b, cals["mine"]),  # another institution
        ):
            with pytest.raises(PermissionDenied):
                services.event_create(actor=actor, calendar=calendar, **kwargs)
        assert Event.objects.count() == 2


def test_personal_calendar_private_shared_calendars_readable(world, cals, on_host, in_schema):
    start = timezone.now() + timedelta(days=1)
    with in_schema(world.inst_a):
        private = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["mine"],
            title="개인 약속",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        shared = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["planning"],
            title="팀 회의",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    assert (
        on_host(world.inst_a, world.staff_a)
        .get(f"/staff/calendar/events/{private.pk}/")
        .status_code
        == 200
    )
    # someone else's personal calendar: the same 404 as an event that does not exist
    assert (
        on_host(world.inst_a, world.staff_a2)
        .get(f"/staff/calendar/events/{private.pk}/")
        .status_code
        == 404
    )
    assert (
        on_host(world.inst_a, world.staff_b)
        .get(f"/staff/calendar/events/{private.pk}/")
        .status_code
        == 404
    )
    assert (
        on_host(world.inst_a, world.staff_a2)
        .get(f"/staff/calendar/events/{shared.pk}/")
        .status_code
        == 200
    )
    assert (
        on_host(world.inst_a, world.staff_a2)
        .post(f"/staff/calendar/events/{shared.pk}/delete/")
        .status_code
        == 403
    )
    assert (
        on_host(world.inst_a, world.staff_a2)
        .get(f"/staff/calendar/?cal={cals['mine'].pk}")
        .status_code
        == 404
    )


def test_weekly_and_monthly_repetition_expands(world, cals, in_schema):
    with in_schema(world.inst_a):
        weekly = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["mine"],
            title="주간회의",
            starts_at=at(date(2026, 11, 2), 9),
            ends_at=at(date(2026, 11, 2), 10),
            repeat="WEEKLY",
            repeat_until=date(2026, 11, 23),
        )
        monthly = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["mine"],
            title="월례회의",
            starts_at=at(date(2026, 1, 31), 9),
            ends_at=at(date(2026, 1, 31), 10),
            repeat="MONTHLY",
        )
        window = (at(date(2026, 11, 1), 0), at(date(2026, 12, 31), 0))
        weekly_days = [timezone.localtime(s).date() for s in occurrence_starts(weekly, *window)]
        assert weekly_days == [date(2026, 11, d) for d in (2, 9, 16, 23)]
        assert all(timezone.localtime(s).hour == 9 for s in occurrence_starts(weekly, *window))
        # RFC 5545: a month without the 31st has no occurrence
        year = occurrence_starts(monthly, at(date(2026, 1, 1), 0), at(date(2027, 1, 1), 0))
        assert [timezone.localtime(s).month for s in year] == [1, 3, 5, 7, 8, 10, 12]
        with pytest.raises(ValidationError):
            services.event_create(
                actor=world.staff_a,
                institution=world.inst_a,
                calendar=cals["mine"],
                title="반복",
                starts_at=at(date(2026, 11, 2), 9),
                ends_at=at(date(2026, 11, 2), 10),
                repeat="WEEKLY",
                repeat_until=date(2026, 11, 1),
            )


def test_month_view_shows_occurrences_leave_and_absences(world, cals, on_host, in_schema):
    with in_schema(world.inst_a):
        services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["planning"],
            title="팀 주간회의",
            starts_at=at(date(2026, 11, 2), 9),
            ends_at=at(date(2026, 11, 2), 10),
            repeat="WEEKLY",
        )
        Absence.objects.create(  # a teammate: shown
            user=world.admin_a,
            kind="business_trip",
            starts_at=at(date(2026, 11, 18), 9),
            ends_at=at(date(2026, 11, 19), 18),
        )
        Absence.objects.create(  # another team: not on my calendar
            user=world.staff_a2,
            kind="training",
            starts_at=at(date(2026, 11, 18), 9),
            ends_at=at(date(2026, 11, 19), 18),
        )
    body = (
        on_host(world.inst_a, world.staff_a)
        .get("/staff/calendar/", {"date": "2026-11-15"})
        .content.decode()
    )
    # grid cell + list, for 2, 9, 16, 23 and 30 November
    assert body.count('title="팀 주간회의"') == 5 * 2
    assert f"{world.admin_a.name} 출장" in body
    assert f"{world.staff_a2.name} 교육" not in body
    general = (
        on_host(world.inst_a, world.staff_a)
        .get("/staff/calendar/", {"date": "2026-11-15", "cal": cals["planning"].pk})
        .content.decode()
    )
    assert f"{world.admin_a.name} 출장" in general and f"{world.staff_a2.name} 교육" not in general
    week = (
        on_host(world.inst_a, world.staff_a)
        .get("/staff/calendar/week/", {"date": "2026-11-18"})
        .content.decode()
    )
    assert week.count('title="팀 주간회의"') == 1 and "출장" in week
    day = (
        on_host(world.inst_a, world.staff_a)
        .get("/staff/calendar/day/", {"date": "2026-11-16"})
        .content.decode()
    )
    assert "팀 주간회의" in day and "출장" not in day


def test_approved_leave_becomes_an_absence_on_the_calendar(world, cals, on_host, in_schema):
    """The calendar's receiver of approval's ``leave_approved`` records the absence once."""
    from groupware.approval.public import LeaveApproved, leave_approved
    from groupware.schedule.receivers import leave_approved as receiver

    assert "schedule.absence" in leave_approved
    leave = LeaveApproved(
        leave_id=1,
        user_id=world.admin_a.pk,
        kind="annual",
        kind_label="연차",
        start_date=date(2026, 11, 24),
        end_date=date(2026, 11, 25),
    )
    with in_schema(world.inst_a):
        absence = receiver(leave)
        assert absence.kind == "leave" and timezone.localtime(absence.ends_at).date() == date(
            2026, 11, 26
        )
        assert receiver(leave) is None  # idempotent
    body = (
        on_host(world.inst_a, world.staff_a)
        .get("/staff/calendar/day/", {"date": "2026-11-25"})
        .content.decode()
    )
    assert f"{world.admin_a.name} 휴가" in body


def test_invitation_accept_decline(world, cals, on_host, in_schema):
    start = timezone.now() + timedelta(days=1)
    with in_schema(world.inst_a):
        event = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["mine"],
            title="업무 협의",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            attendees=[world.staff_a2, world.admin_a],
        )
    invitee = on_host(world.inst_a, world.staff_a2)
    assert (
        invitee.get(f"/staff/calendar/events/{event.pk}/").status_code == 200
    )  # invited → may see
    invitee.post(f"/staff/calendar/events/{event.pk}/respond/", {"answer": "declined"})
    on_host(world.inst_a, world.admin_a).post(
        f"/staff/calendar/events/{event.pk}/respond/", {"answer": "accepted"}
    )
    with in_schema(world.inst_a):
        answers = dict(Attendee.objects.filter(event=event).values_list("user_id", "status"))
        assert answers == {world.staff_a2.pk: "declined", world.admin_a.pk: "accepted"}
        # moving the event asks everyone again
        services.event_update(
            actor=world.staff_a,
            institution=world.inst_a,
            event=event,
            starts_at=start + timedelta(hours=2),
            ends_at=start + timedelta(hours=3),
        )
        assert set(Attendee.objects.filter(event=event).values_list("status", flat=True)) == {
            "pending"
        }
        with pytest.raises(ValidationError):
            services.invitation_respond(
                actor=world.manager_a, institution=world.inst_a, event=event, answer="accepted"
            )
    assert (
        on_host(world.inst_a, world.manager_a)
        .get(f"/staff/calendar/events/{event.pk}/")
        .status_code
        == 404
    )


def test_invitees_must_be_members(world, cals, in_schema):
    start = timezone.now()
    with in_schema(world.inst_a):
        with pytest.raises(ValidationError):
            services.event_create(
                actor=world.staff_a,
                institution=world.inst_a,
                calendar=cals["mine"],
                title="x",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                attendees=[world.staff_b],
            )
        assert not Event.objects.exists()


def test_all_day_event_via_page(world, cals, on_host, in_schema):
    response = on_host(world.inst_a, world.staff_a).post(
        "/staff/calendar/events/new/",
        {
            "calendar": cals["mine"].pk,
            "title": "워크숍",
            "all_day": "on",
            "start_date": "2026-12-03",
            "end_date": "2026-12-04",
        },
    )
    assert response.status_code == 302
    with in_schema(world.inst_a):
        event = Event.objects.get()
        assert event.all_day
        assert timezone.localtime(event.starts_at) == at(date(2026, 12, 3), 0)
        assert timezone.localtime(event.ends_at) == at(date(2026, 12, 5), 0)
    body = (
        on_host(world.inst_a, world.staff_a)
        .get("/staff/calendar/", {"date": "2026-12-01"})
        .content.decode()
    )
    assert body.count('title="워크숍"') == 2 + 1  # two grid cells, one list entry


def test_schedule_seed_month_of_events(world, in_schema):
    from groupware import seed as org_seed
    from groupware.schedule import seed

    people = {
        "admin": world.admin_a,
        "facility": world.manager_a,
        "staff1": world.staff_a,
        "staff2": world.staff_a2,
    }
    with in_schema(world.inst_a):
        org_seed.seed_institution(institution=world.inst_a, people=people)
        seed.seed_institution(institution=world.inst_a, people=people)
        count = Event.objects.count()
        seed.seed_institution(institution=world.inst_a, people=people)
        assert Event.objects.count() == count >= 10
        # one weekly meeting moved, one cancelled, once
        assert EventException.objects.filter(cancelled=True).count() == 1
        assert EventException.objects.filter(cancelled=False).count() == 1
        assert (
            Event.objects.filter(repeat="WEEKLY").exists()
            and Event.objects.filter(repeat="MONTHLY").exists()
        )


def test_invitees_get_an_email_after_commit(
    world, cals, in_schema, mailoutbox, django_capture_on_commit_callbacks
):
    start = timezone.now() + timedelta(days=1)
    with in_schema(world.inst_a), django_capture_on_commit_callbacks(execute=True):
        services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["mine"],
            title="업무 협의",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            attendees=[world.staff_a2],
        )
    assert [m.to for m in mailoutbox] == [[world.staff_a2.email]]
    assert "업무 협의" in mailoutbox[0].subject and "/staff/calendar/events/" in mailoutbox[0].body


def test_event_edit_page(world, cals, on_host, in_schema):
    start = timezone.localtime() + timedelta(days=1)
    with in_schema(world.inst_a):
        event = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["planning"],
            title="초안",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    url = f"/staff/calendar/events/{event.pk}/edit/"
    assert on_host(world.inst_a, world.staff_a2).get(url).status_code == 403
    assert on_host(world.inst_a, world.staff_b).get(url).status_code == 404
    client = on_host(world.inst_a, world.staff_a)
    assert client.get(url).status_code == 200
    data = {
        "calendar": cals["planning"].pk,
        "title": "확정 회의",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "repeat": "MONTHLY",
        "repeat_until": (start + timedelta(days=90)).date().isoformat(),
    }
    assert client.post(url, data).status_code == 302
    with in_schema(world.inst_a):
        saved = Event.objects.get(pk=event.pk)
        assert saved.title == "확정 회의" and saved.repeat == "MONTHLY" and saved.sequence == 1
    bad = client.post(
        url, {**data, "ends_at": (start - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}
    )
    assert bad.status_code == 400
    with in_schema(world.inst_a):
        assert Event.objects.get(pk=event.pk).ends_at > Event.objects.get(pk=event.pk).starts_at


def test_a_calendar_one_may_not_see_is_404_like_a_missing_one(world, cals, on_host, in_schema):
    """Someone else's personal calendar and its events: every page answers the 404 of "no
    such thing" (nothing confirmed, nothing changed); an invitee sees the event but gets 403."""
    with in_schema(world.inst_a):
        private = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["mine"],
            title="병원 진료",
            starts_at=at(date(2026, 11, 2), 9),
            ends_at=at(date(2026, 11, 2), 10),
            repeat="WEEKLY",
            repeat_until=date(2026, 11, 30),
            attendees=[world.manager_a],
        )
        token = cals["mine"].feed_token
    base, missing = f"/staff/calendar/events/{private.pk}", "/staff/calendar/events/999999"
    edit = {
        "calendar": cals["mine"].pk,
        "title": "바꿈",
        "starts_at": "2026-11-02T11:00",
        "ends_at": "2026-11-02T12:00",
    }
    for user in (world.staff_a2, world.admin_a):  # not invited; an admin is no exception
        client = on_host(world.inst_a, user)
        for method, path, data in (
            ("get", "/", None),
            ("get", "/edit/", None),
            ("post", "/edit/", edit),
            ("post", "/delete/", None),
            ("get", "/occurrences/20261116T090000/edit/", None),
            ("post", "/occurrences/20261116T090000/delete/", None),
            ("post", "/respond/", {"answer": "accepted"}),
        ):
            assert getattr(client, method)(base + path, data).status_code == 404, path
            assert getattr(client, method)(missing + path, data).status_code == 404, path
        for page in ("/staff/calendar/", "/staff/calendar/week/", "/staff/calendar/day/"):
            assert client.get(page, {"cal": cals["mine"].pk}).status_code == 404
            assert client.get(page, {"cal": 999999}).status_code == 404
        reset = f"/staff/calendar/calendars/{cals['mine'].pk}/reset-feed/"
        assert client.post(reset).status_code == 404
        assert client.post("/staff/calendar/calendars/999999/reset-feed/").status_code == 404
    # the invitee sees the event, but may not change someone else's calendar: 403
    invitee = on_host(world.inst_a, world.manager_a)
    assert invitee.get(f"{base}/").status_code == 200
    assert invitee.get(f"{base}/edit/").status_code == 403
    assert invitee.post(f"{base}/edit/", edit).status_code == 403
    assert invitee.post(f"{base}/delete/").status_code == 403
    assert invitee.post(f"{base}/occurrences/20261116T090000/delete/").status_code == 403
    with in_schema(world.inst_a):
        saved = Event.objects.get(pk=private.pk)
        assert saved.title == "병원 진료" and saved.sequence == 0
        assert not EventException.objects.exists()
        assert Attendee.objects.get(event=private).status == "pending"
        cals["mine"].refresh_from_db()
        assert cals["mine"].feed_token == token


def test_a_shared_calendar_one_reads_but_may_not_write_is_403(world, cals, on_host, in_schema):
    """Another team's department calendar is readable by every member: changing it is 403."""
    with in_schema(world.inst_a):
        team = services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cals["planning"],
            title="팀 회의",
            starts_at=at(date(2026, 11, 2), 9),
            ends_at=at(date(2026, 11, 2), 10),
        )
        token = cals["planning"].feed_token
    client = on_host(world.inst_a, world.staff_a2)
    assert client.get(f"/staff/calendar/events/{team.pk}/").status_code == 200
    assert client.get("/staff/calendar/", {"cal": cals["planning"].pk}).status_code == 200
    assert client.post(f"/staff/calendar/events/{team.pk}/delete/").status_code == 403
    reset = f"/staff/calendar/calendars/{cals['planning'].pk}/reset-feed/"
    assert client.post(reset).status_code == 403
    with in_schema(world.inst_a):
        assert Event.objects.filter(pk=team.pk).exists()
        cals["planning"].refresh_from_db()
        assert cals["planning"].feed_token == token
