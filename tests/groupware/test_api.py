"""Workspace API: same permissions as the pages, one error shape, ISO 8601, pagination."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupware.boards.models import Board, Post
from groupware.models import Absence, Department
from groupware.schedule.models import Event

LISTS = ["departments/", "people/", "boards/", "posts/", "events/", "absences/"]


@pytest.mark.parametrize("path", LISTS)
def test_lists_refuse_anonymous_resident_and_outsiders(world, org, on_host, path):
    url = f"/api/v1/{path}"
    anonymous = on_host(world.inst_a).get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404
    outsider = on_host(world.inst_a, world.staff_b).get(url)
    assert outsider.status_code == 404
    assert outsider.json()["error"]["code"] == "not_found"
    allowed = on_host(world.inst_a, world.staff_a).get(url)
    assert allowed.status_code == 200
    assert set(allowed.json()) >= {"count", "results", "next", "previous"}


def test_people_search_and_department_filter(world, org, on_host):
    client = on_host(world.inst_a, world.staff_a)
    found = client.get("/api/v1/people/", {"q": "차량"}).json()
    assert [p["user"]["id"] for p in found["results"]] == [world.staff_a2.pk]
    division = client.get("/api/v1/people/", {"department": org.division.pk}).json()
    assert division["count"] == 4
    assert client.get("/api/v1/people/", {"department": "abc"}).status_code == 400
    assert client.get(f"/api/v1/people/{world.staff_b.pk}/").status_code == 404


def test_department_create_and_move_via_api(world, org, on_host, in_schema):
    admin = on_host(world.inst_a, world.admin_a)
    staff = on_host(world.inst_a, world.staff_a)
    assert (
        staff.post(
            "/api/v1/departments/", {"name": "홍보팀"}, content_type="application/json"
        ).status_code
        == 403
    )
    created = admin.post(
        "/api/v1/departments/",
        {"name": "홍보팀", "parent": org.division.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    cycle = admin.post(
        f"/api/v1/departments/{org.hq.pk}/move/",
        {"parent": org.planning.pk},
        content_type="application/json",
    )
    assert cycle.status_code == 400
    assert "parent" in cycle.json()["error"]["fields"]
    with in_schema(world.inst_a):
        assert Department.objects.get(pk=org.hq.pk).parent_id is None


def test_department_board_api_permissions(world, org, on_host, in_schema):
    with in_schema(world.inst_a):
        board = Board.objects.create(
            name="기획팀 게시판",
            kind="department",
            department=org.planning,
            read_access="department",
            write_access="department",
        )
    assert (
        on_host(world.inst_a, world.staff_a).get(f"/api/v1/boards/{board.pk}/").status_code == 200
    )
    assert (
        on_host(world.inst_a, world.staff_a2).get(f"/api/v1/boards/{board.pk}/").status_code == 404
    )
    assert (
        on_host(world.inst_a, world.staff_b).get(f"/api/v1/boards/{board.pk}/").status_code == 404
    )
    ids = [
        b["id"]
        for b in on_host(world.inst_a, world.staff_a2).get("/api/v1/boards/").json()["results"]
    ]
    assert board.pk not in ids


def test_post_create_without_title_is_400_and_nothing_stored(world, org, on_host, in_schema):
    with in_schema(world.inst_a):
        board = Board.objects.create(name="자유게시판", kind="free")
    client = on_host(world.inst_a, world.staff_a)
    response = client.post(
        "/api/v1/posts/",
        {"board": board.pk, "title": "  ", "body": "본문"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["title"] == ["제목을 입력해 주세요."]
    with in_schema(world.inst_a):
        assert not Post.objects.exists()
    ok = client.post(
        "/api/v1/posts/",
        {"board": board.pk, "title": "안녕하세요", "body": "<script>alert(1)</script><b>굵게</b>"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    body = ok.json()
    assert "<script>" not in body["body"] and "<b>굵게</b>" in body["body"]
    assert body["created_at"].endswith("+09:00")
    flagged = client.post(
        "/api/v1/posts/",
        {"board": board.pk, "title": "공지", "is_important": True},
        content_type="application/json",
    )
    assert flagged.status_code == 403


def test_events_api_create_list_and_bad_range(world, org, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    start = timezone.localtime() + timedelta(days=1)
    bad = client.post(
        "/api/v1/events/",
        {
            "title": "회의",
            "starts_at": start.isoformat(),
            "ends_at": (start - timedelta(hours=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["ends_at"] == ["종료 시각은 시작 시각보다 늦어야 합니다."]
    with in_schema(world.inst_a):
        assert not Event.objects.exists()
    made = client.post(
        "/api/v1/events/",
        {
            "title": "주간 회의",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "repeat": "WEEKLY",
            "attendees": [world.staff_a2.pk],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["rrule"] == "FREQ=WEEKLY"
    listed = client.get("/api/v1/events/", {"start": start.date().isoformat()}).json()
    assert [e["title"] for e in listed["results"]] == ["주간 회의"]
    event_id = made.json()["id"]
    # the invitee sees it and answers; someone else gets the 404 of "no such event"
    invitee = on_host(world.inst_a, world.staff_a2)
    assert (
        invitee.post(
            f"/api/v1/events/{event_id}/respond/",
            {"answer": "accepted"},
            content_type="application/json",
        ).status_code
        == 200
    )
    assert (
        on_host(world.inst_a, world.manager_a).get(f"/api/v1/events/{event_id}/").status_code == 404
    )
    assert (
        on_host(world.inst_a, world.staff_b).get(f"/api/v1/events/{event_id}/").status_code == 404
    )
    assert (
        client.get("/api/v1/events/", {"start": "2026-12-10", "end": "2026-12-01"}).status_code
        == 400
    )
    assert (
        client.post(
            "/api/v1/events/",
            {
                "title": "x",
                "attendees": [world.staff_b.pk],
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
            },
            content_type="application/json",
        ).status_code
        == 400
    )


def test_absence_api(world, org, on_host, in_schema):
    client = on_host(world.inst_a, world.staff_a)
    now = timezone.localtime()
    response = client.post(
        "/api/v1/absences/",
        {
            "kind": "business_trip",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat(),
            "deputy": world.admin_a.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["deputy"]["id"] == world.admin_a.pk
    other = client.post(
        "/api/v1/absences/",
        {
            "user": world.staff_a2.pk,
            "kind": "leave",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert other.status_code == 403
    today = client.get("/api/v1/absences/", {"date": now.date().isoformat()}).json()
    assert today["count"] == 1
    with in_schema(world.inst_a):
        assert Absence.objects.count() == 1


def test_huge_ids_are_404_not_500(world, org, on_host):
    client = on_host(world.inst_a, world.staff_a)
    for path in ("departments", "people", "boards", "posts", "events"):
        assert client.get(f"/api/v1/{path}/99999999999999999999999/").status_code == 404


def test_schema_documents_groupware_endpoints(world, on_host):
    response = on_host(world.inst_a, world.staff_a).get(
        "/api/schema/", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    text = response.content.decode()
    for path in LISTS:
        assert f"/api/v1/{path}" in text


def test_events_one_may_not_see_are_the_404_of_a_missing_one(world, org, on_host, in_schema):
    """Someone else's personal calendar through the API: the same 404 body as a missing id,
    nothing stored or changed; a shared calendar one reads but may not write: 403."""
    from groupware.schedule import services as cal_services
    from groupware.schedule.models import EventException

    start = timezone.localtime() + timedelta(days=1)
    with in_schema(world.inst_a):
        mine = cal_services.personal_calendar(world.staff_a)
        planning = cal_services.department_calendar(org.planning)
        private = cal_services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=mine,
            title="병원 진료",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            repeat="WEEKLY",
        )
        team = cal_services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=planning,
            title="팀 회의",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    client = on_host(world.inst_a, world.staff_a2)
    missing = client.get("/api/v1/events/99999999/")
    assert missing.status_code == 404
    json = "application/json"
    occurrence = {"original_start": start.isoformat(), "cancelled": True}
    for response in (
        client.get(f"/api/v1/events/{private.pk}/"),
        client.delete(f"/api/v1/events/{private.pk}/"),
        client.post(f"/api/v1/events/{private.pk}/occurrences/", occurrence, content_type=json),
        client.post(
            f"/api/v1/events/{private.pk}/respond/", {"answer": "accepted"}, content_type=json
        ),
        client.get("/api/v1/events/", {"calendar": mine.pk}),
        client.post(
            "/api/v1/events/",
            {
                "calendar": mine.pk,
                "title": "끼워 넣기",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
            },
            content_type=json,
        ),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()
    # the department calendar of another team: readable, not writable
    assert client.get(f"/api/v1/events/{team.pk}/").status_code == 200
    assert client.get("/api/v1/events/", {"calendar": planning.pk}).status_code == 200
    assert client.delete(f"/api/v1/events/{team.pk}/").status_code == 403
    refused = client.post(
        "/api/v1/events/",
        {
            "calendar": planning.pk,
            "title": "끼워 넣기",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
        },
        content_type=json,
    )
    assert refused.status_code == 403
    with in_schema(world.inst_a):
        assert set(Event.objects.values_list("title", flat=True)) == {"병원 진료", "팀 회의"}
        assert not EventException.objects.exists()


def test_posts_on_a_board_one_may_not_read_are_the_404_of_a_missing_one(
    world, org, on_host, in_schema
):
    """A department board of another team through the API: the same 404 body as a missing id,
    nothing stored or deleted; a board one reads but may not post to: 403."""
    from groupware.boards import services as board_services

    with in_schema(world.inst_a):
        dept = Board.objects.create(
            name="기획팀 게시판",
            kind="department",
            department=org.planning,
            read_access="department",
            write_access="department",
        )
        notice = Board.objects.create(name="공지사항", kind="notice", write_access="admins")
        post = board_services.post_create(
            actor=world.staff_a, institution=world.inst_a, board=dept, title="팀 회의록"
        )
    client = on_host(world.inst_a, world.staff_a2)
    missing = client.get("/api/v1/posts/99999999/")
    assert missing.status_code == 404
    for response in (
        client.get(f"/api/v1/boards/{dept.pk}/"),
        client.get("/api/v1/posts/", {"board": dept.pk}),
        client.get(f"/api/v1/posts/{post.pk}/"),
        client.delete(f"/api/v1/posts/{post.pk}/"),
        client.post(
            "/api/v1/posts/",
            {"board": dept.pk, "title": "끼워 넣기"},
            content_type="application/json",
        ),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()
    assert client.get(f"/api/v1/boards/{notice.pk}/").status_code == 200
    refused = client.post(
        "/api/v1/posts/", {"board": notice.pk, "title": "공지"}, content_type="application/json"
    )
    assert refused.status_code == 403
    with in_schema(world.inst_a):
        assert list(Post.objects.values_list("title", "is_deleted", "read_count")) == [
            ("팀 회의록", False, 0)
        ]
        assert not post.reads.exists()  # not even counted as read
