"""The home dashboard: right counts, clear empty states, and a query count that does
not grow with the amount of data."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groupware.boards import services as board_services
from groupware.boards.models import Board
from groupware.models import Absence
from groupware.schedule import services as cal_services


def _add_data(world, org, n: int):
    now = timezone.now()
    notice, _ = Board.objects.get_or_create(
        name="공지사항", defaults={"kind": "notice", "write_access": "admins"}
    )
    team, _ = cal_services.department_calendar(org.planning), None
    for i in range(n):
        board_services.post_create(
            actor=world.admin_a,
            institution=world.inst_a,
            board=notice,
            title=f"중요 {n}-{i}",
            is_important=True,
        )
        cal_services.event_create(
            actor=world.admin_a,
            institution=world.inst_a,
            calendar=team,
            title=f"회의 {n}-{i}",
            starts_at=now + timedelta(minutes=10 + i),
            ends_at=now + timedelta(hours=1, minutes=i),
            attendees=[world.staff_a, world.staff_a2],
        )
        cal_services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cal_services.personal_calendar(world.staff_a),
            title=f"반복 {n}-{i}",
            starts_at=now - timedelta(days=7) + timedelta(minutes=i),
            ends_at=now - timedelta(days=7) + timedelta(minutes=30 + i),
            repeat="WEEKLY",
        )
    Absence.objects.filter(user=world.admin_a).delete()
    Absence.objects.create(
        user=world.admin_a,
        kind="business_trip",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
        deputy=world.staff_a,
    )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/staff/")
    assert response.status_code == 200
    # django-tenants sets the search path before each query; count the real ones
    return sum(1 for q in captured.captured_queries if not q["sql"].startswith("SET search_path"))


def test_dashboard_query_count_does_not_grow(world, org, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    with in_schema(world.inst_a):
        _add_data(world, org, 2)
    client.get("/staff/")  # the session's first request may write it; count steady requests
    small = _queries(client)
    with in_schema(world.inst_a):
        _add_data(world, org, 25)
    large = _queries(client)
    assert large == small, (small, large)
    assert small < 30


def test_dashboard_counts(world, org, on_host, in_schema):
    with in_schema(world.inst_a):
        _add_data(world, org, 3)
    client = on_host(world.inst_a, world.staff_a)
    response = client.get("/staff/")
    context = response.context
    assert len(context["unread_notices"]) == 3
    assert len(context["invitations"]) == 3
    assert [a.user for a in context["away"]] == [world.admin_a]
    assert sum(1 for i in context["today_items"] if i.title.startswith("회의")) == 3
    body = response.content.decode()
    assert "오늘 부재 중인 부서원" in body and world.admin_a.name in body
    # reading a notice takes it off the list
    with in_schema(world.inst_a):
        first = context["unread_notices"][0]
    client.get(f"/staff/boards/posts/{first.pk}/")
    assert len(client.get("/staff/").context["unread_notices"]) == 2


def test_dashboard_empty_states(world, on_host):
    body = on_host(world.inst_a, world.staff_a2).get("/staff/").content.decode()
    assert "오늘 일정이 없습니다." in body
    assert "새 중요 공지가 없습니다." in body
    assert "소속 부서가 지정되지 않았습니다." in body


def test_facility_requests_only_for_facility_managers(world, org, on_host):
    staff = on_host(world.inst_a, world.staff_a).get("/staff/")
    assert not staff.context["booking_requests"].available
    manager = on_host(world.inst_a, world.manager_a).get("/staff/")
    assert manager.status_code == 200


def test_institution_home_redirects_members_to_dashboard(world, on_host):
    response = on_host(world.inst_a, world.staff_a).get("/")
    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_invitation_to_a_running_weekly_meeting_is_still_waiting(world, org, on_host, in_schema):
    """The first meeting is past, the next ones are not: the invitation still asks for an answer."""
    now = timezone.now()
    with in_schema(world.inst_a):
        kwargs = {
            "actor": world.admin_a,
            "institution": world.inst_a,
            "calendar": cal_services.department_calendar(org.planning),
            "attendees": [world.staff_a],
        }
        cal_services.event_create(
            **kwargs,
            title="주간 회의",
            starts_at=now - timedelta(days=14),
            ends_at=now - timedelta(days=14, hours=-1),
            repeat="WEEKLY",
        )
        cal_services.event_create(
            **kwargs,
            title="끝난 주간 회의",
            starts_at=now - timedelta(days=30),
            ends_at=now - timedelta(days=30, hours=-1),
            repeat="WEEKLY",
            repeat_until=(now - timedelta(days=2)).date(),
        )
        cal_services.event_create(
            **kwargs,
            title="지난 회의",
            starts_at=now - timedelta(days=1),
            ends_at=now - timedelta(days=1, hours=-1),
        )
    context = on_host(world.inst_a, world.staff_a).get("/staff/").context
    assert [a.event.title for a in context["invitations"]] == ["주간 회의"]


def test_invitation_to_a_series_shows_its_next_meeting(world, org, on_host, in_schema):
    now = timezone.localtime()
    first = (now - timedelta(days=14, hours=1)).replace(microsecond=0)
    with in_schema(world.inst_a):
        cal_services.event_create(
            actor=world.admin_a,
            institution=world.inst_a,
            calendar=cal_services.department_calendar(org.planning),
            title="격주 아닌 매주 회의",
            starts_at=first,
            ends_at=first + timedelta(minutes=30),
            repeat="WEEKLY",
            attendees=[world.staff_a],
        )
    response = on_host(world.inst_a, world.staff_a).get("/staff/")
    (invitation,) = response.context["invitations"]
    assert invitation.next_start == first + timedelta(days=21)
    assert f"{invitation.next_start:%-m. %-d. %H:%M} (매주)" in response.content.decode()
