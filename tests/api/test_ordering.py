"""?ordering= on the institution-host lists: ascending, descending ('-field'), the id
tie-break, the default order, an unknown value → 400 in the one error shape, and never
another institution's (or another person's) rows whatever the order."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking import services as booking_services
from groupware.approval import services as approval_services
from groupware.boards.models import Board, Post
from groupware.models import Absence, Department, StaffProfile
from groupware.schedule import services as cal_services
from tests.facility_booking.conftest import at, make_facility, request_kwargs
from tests.groupware.approval.conftest import build_org as build_approval_org
from tests.groupware.approval.conftest import make_draft
from tests.groupware.conftest import build_org as build_groupware_org

pytestmark = pytest.mark.django_db

API = "/api/v1"
# Never allowed anywhere: not whitelisted, a model field that is not listed, a lookup,
# several values, a doubled or padded sign.
BAD_VALUES = ["password", "id", "-id", "pk", "user__email", "created_at,title", "--start", " name"]


def rows(client, url, ordering=None, **params):
    if ordering is not None:
        params["ordering"] = ordering
    response = client.get(url, {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def assert_refuses_unknown(client, url, **params):
    for bad in BAD_VALUES:
        response = client.get(url, {**params, "ordering": bad})
        assert response.status_code == 400, (bad, response.content)
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert error["code"] == "invalid"
        assert list(error["fields"]) == ["ordering"], error
        assert "중 하나를 쓰세요" in error["fields"]["ordering"][0]


# -- facility booking --------------------------------------------------------------------


def test_facilities(world, on_host):
    with schema_context(world.inst_a.schema_name):
        for name, capacity in (("다목적실", 50), ("가람홀", 300), ("나래방", 10), ("라온실", 50)):
            make_facility(name=name, capacity=capacity)
    with schema_context(world.inst_b.schema_name):
        make_facility(name="가가 체육관", capacity=1000)
    client, url = on_host(world.inst_a), f"{API}/facilities/"

    def names(ordering=None):
        found = [f["name"] for f in rows(client, url, ordering)]
        assert "가가 체육관" not in found  # another institution's, whatever the order
        return found

    assert names() == names("name") == ["가람홀", "나래방", "다목적실", "라온실"]
    assert names("-name") == ["라온실", "다목적실", "나래방", "가람홀"]
    # equal capacities: the older facility first, and last when descending
    assert names("capacity") == ["나래방", "다목적실", "라온실", "가람홀"]
    assert names("-capacity") == ["가람홀", "라온실", "다목적실", "나래방"]
    assert [f["name"] for f in rows(client, url, "-capacity", kind="meeting_room")][0] == "가람홀"
    assert_refuses_unknown(client, url)


def test_reservations(world, on_host):
    with schema_context(world.inst_a.schema_name):
        hall = make_facility(name="대공연장", max_active_per_person=5)
        made = {
            day: booking_services.reservation_request(
                **request_kwargs(hall, world.resident, start=at(day, 10), end=at(day, 12))
            )
            for day in (5, 3, 4)
        }
        booking_services.reservation_cancel(
            actor=world.resident, reservation=made[4], reason="", by_institution=False
        )
        booking_services.reservation_request(
            **request_kwargs(hall, world.resident2, start=at(6, 10), end=at(6, 12))
        )
    with schema_context(world.inst_b.schema_name):
        b_hall = make_facility(name="B 체육관")
        booking_services.reservation_request(**request_kwargs(b_hall, world.resident))
    client, url = on_host(world.inst_a, world.resident), f"{API}/reservations/"

    def days(ordering=None):
        found = rows(client, url, ordering)
        # neither the other institution's booking nor another resident's
        assert {r["facility"]["name"] for r in found} == {"대공연장"}
        assert len(found) == 3
        by_id = {r.pk: day for day, r in made.items()}
        return [by_id[r["id"]] for r in found]

    assert days() == days("-start") == [5, 4, 3]
    assert days("start") == [3, 4, 5]
    assert days("created_at") == [5, 3, 4]
    assert days("-created_at") == [4, 3, 5]
    assert days("status") == [4, 5, 3]  # cancelled < requested; then by id
    assert days("-status") == [3, 5, 4]
    assert_refuses_unknown(client, url)


# -- groupware ---------------------------------------------------------------------------


@pytest.fixture
def org(world):
    with schema_context(world.inst_a.schema_name):
        org = build_groupware_org(world)
    with schema_context(world.inst_b.schema_name):
        StaffProfile.objects.create(
            user=world.staff_b, department=Department.objects.create(name="체육팀")
        )
    return org


def test_people(world, org, on_host):
    client, url = on_host(world.inst_a, world.staff_a), f"{API}/people/"

    def names(ordering=None, **params):
        found = [p["user"]["name"] for p in rows(client, url, ordering, **params)]
        assert "직원비" not in found
        return found

    # default: department order (all equal here), position level, name
    assert names() == ["관리자에이", "시설에이", "직원에이", "직원에이둘"]
    # by department: 기획팀 (관리자에이 팀장, 직원에이) before 총무팀 (시설에이 팀장, 직원에이둘)
    assert names("department") == ["관리자에이", "직원에이", "시설에이", "직원에이둘"]
    assert names("-department") == ["직원에이둘", "시설에이", "직원에이", "관리자에이"]
    assert names("name") == ["관리자에이", "시설에이", "직원에이", "직원에이둘"]
    assert names("-name") == ["직원에이둘", "직원에이", "시설에이", "관리자에이"]
    assert names("-name", department=org.general.pk) == ["직원에이둘", "시설에이"]
    assert_refuses_unknown(client, url)


def test_posts(world, org, on_host):
    now = timezone.now()
    with schema_context(world.inst_a.schema_name):
        board = Board.objects.create(name="자유게시판", kind="free")
        for title, reads, pinned in (
            ("라 고정글", 0, now + timedelta(days=1)),
            ("나 공지", 5, None),
            ("가 안내", 1, None),
            ("다 소식", 5, None),
        ):
            Post.objects.create(
                board=board,
                title=title,
                author=world.admin_a,
                read_count=reads,
                pinned_until=pinned,
            )
    with schema_context(world.inst_b.schema_name):
        b_board = Board.objects.create(name="자유게시판", kind="free")
        Post.objects.create(board=b_board, title="가가 다른 기관 글", author=world.admin_b)
    client, url = on_host(world.inst_a, world.staff_a), f"{API}/posts/"

    def titles(ordering=None):
        found = [p["title"] for p in rows(client, url, ordering)]
        assert "가가 다른 기관 글" not in found
        return found

    assert titles() == ["라 고정글", "다 소식", "가 안내", "나 공지"]  # pinned first, newest
    # an explicit order is just that order, pinned or not
    assert titles("created_at") == ["라 고정글", "나 공지", "가 안내", "다 소식"]
    assert titles("-created_at") == ["다 소식", "가 안내", "나 공지", "라 고정글"]
    assert titles("title") == ["가 안내", "나 공지", "다 소식", "라 고정글"]
    assert titles("-title") == ["라 고정글", "다 소식", "나 공지", "가 안내"]
    assert titles("read_count") == ["라 고정글", "가 안내", "나 공지", "다 소식"]
    assert titles("-read_count") == ["다 소식", "나 공지", "가 안내", "라 고정글"]
    assert_refuses_unknown(client, url)


def test_events(world, org, on_host):
    day = timezone.localdate() + timedelta(days=1)

    def at_hour(hour):
        return timezone.make_aware(datetime.combine(day, time(hour)))

    with schema_context(world.inst_a.schema_name):
        calendar = cal_services.personal_calendar(world.staff_a)
        for title, start, end in (("회의 나", 10, 11), ("회의 가", 9, 12), ("회의 다", 14, 15)):
            cal_services.event_create(
                actor=world.staff_a,
                institution=world.inst_a,
                calendar=calendar,
                title=title,
                starts_at=at_hour(start),
                ends_at=at_hour(end),
            )
    with schema_context(world.inst_b.schema_name):
        cal_services.event_create(
            actor=world.staff_b,
            institution=world.inst_b,
            calendar=cal_services.personal_calendar(world.staff_b),
            title="가가 다른 기관 일정",
            starts_at=at_hour(8),
            ends_at=at_hour(9),
        )
    client, url = on_host(world.inst_a, world.staff_a), f"{API}/events/"

    def titles(ordering=None):
        found = [e["title"] for e in rows(client, url, ordering, start=day.isoformat())]
        assert "가가 다른 기관 일정" not in found
        return found

    assert titles() == titles("starts_at") == ["회의 가", "회의 나", "회의 다"]
    assert titles("-starts_at") == ["회의 다", "회의 나", "회의 가"]
    assert titles("ends_at") == ["회의 나", "회의 가", "회의 다"]
    assert titles("-ends_at") == ["회의 다", "회의 가", "회의 나"]
    assert titles("-title") == ["회의 다", "회의 나", "회의 가"]
    assert_refuses_unknown(client, url, start=day.isoformat())


def test_absences(world, org, on_host):
    now = timezone.now()
    with schema_context(world.inst_a.schema_name):
        for user, starts, ends in (
            (world.admin_a, 2, 3),
            (world.staff_a, 1, 4),
            (world.manager_a, 1, 2),  # starts with staff_a: after it by id
        ):
            Absence.objects.create(
                user=user,
                kind="leave",
                starts_at=now + timedelta(days=starts),
                ends_at=now + timedelta(days=ends),
            )
    with schema_context(world.inst_b.schema_name):
        Absence.objects.create(
            user=world.staff_b,
            kind="leave",
            starts_at=now + timedelta(hours=1),
            ends_at=now + timedelta(days=9),
        )
    client, url = on_host(world.inst_a, world.staff_a), f"{API}/absences/"

    def names(ordering=None):
        found = [a["user"]["name"] for a in rows(client, url, ordering)]
        assert "직원비" not in found
        return found

    assert names() == names("starts_at") == ["직원에이", "시설에이", "관리자에이"]
    assert names("-starts_at") == ["관리자에이", "시설에이", "직원에이"]
    assert names("ends_at") == ["시설에이", "관리자에이", "직원에이"]
    assert names("-ends_at") == ["직원에이", "관리자에이", "시설에이"]
    assert names("name") == ["관리자에이", "시설에이", "직원에이"]
    assert names("-name") == ["직원에이", "시설에이", "관리자에이"]
    assert_refuses_unknown(client, url)


# -- approval ----------------------------------------------------------------------------


def test_documents(world, on_host):
    with schema_context(world.inst_a.schema_name):
        org = build_approval_org(world)
        drafts = {
            title: make_draft(org, title=title) for title in ("나 기안", "가 기안", "다 기안")
        }
        for title in ("다 기안", "나 기안", "가 기안"):
            approval_services.document_submit(
                actor=org.drafter, institution=org.inst, document=drafts[title]
            )
        approval_services.document_create_draft(  # someone else's draft, same institution
            actor=org.reviewer,
            institution=org.inst,
            title="가가 남의 기안",
            body="본문",
            line=[{"user": org.head, "role": "approve"}],
        )
    with schema_context(world.inst_b.schema_name):
        team = Department.objects.create(name="체육팀")
        for user in (world.staff_b, world.admin_b):
            StaffProfile.objects.create(user=user, department=team)
        b_doc = approval_services.document_create_draft(
            actor=world.staff_b,
            institution=world.inst_b,
            title="가가 다른 기관 문서",
            body="본문",
            line=[{"user": world.admin_b, "role": "approve"}],
        )
        approval_services.document_submit(
            actor=world.staff_b, institution=world.inst_b, document=b_doc
        )
    client, url = on_host(world.inst_a, world.staff_a), f"{API}/documents/"

    def titles(ordering=None, box="in_progress"):
        found = [d["title"] for d in rows(client, url, ordering, box=box)]
        assert not {"가가 남의 기안", "가가 다른 기관 문서"} & set(found)
        return found

    assert titles() == titles("-submitted_at") == ["가 기안", "나 기안", "다 기안"]
    assert titles("submitted_at") == ["다 기안", "나 기안", "가 기안"]
    assert titles("created_at") == ["나 기안", "가 기안", "다 기안"]
    assert titles("-created_at") == ["다 기안", "가 기안", "나 기안"]
    assert titles("title") == ["가 기안", "나 기안", "다 기안"]
    assert titles("-title") == ["다 기안", "나 기안", "가 기안"]
    # none approved yet: all approved_at empty, so the id decides
    assert titles("approved_at") == ["나 기안", "가 기안", "다 기안"]
    assert titles("-approved_at") == ["다 기안", "가 기안", "나 기안"]
    assert titles("title", box="drafts") == []
    assert_refuses_unknown(client, url, box="in_progress")


def test_schema_documents_the_whitelists(world):
    from django.test import Client

    schema = Client(HTTP_HOST=world.inst_a.primary_host).get(
        "/api/schema/", HTTP_ACCEPT="application/json"
    )
    paths = schema.json()["paths"]
    expected = {
        "/api/v1/facilities/": {"name", "capacity"},
        "/api/v1/reservations/": {"start", "created_at", "status"},
        "/api/v1/people/": {"name", "department"},
        "/api/v1/posts/": {"created_at", "title"},
        "/api/v1/events/": {"starts_at"},
        "/api/v1/absences/": {"starts_at"},
        "/api/v1/documents/": {"created_at", "submitted_at", "title"},
    }
    for path, names in expected.items():
        parameters = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        enum = set(parameters["ordering"]["schema"]["enum"])
        assert names | {f"-{n}" for n in names} <= enum, path
        assert not {"id", "-id", "password"} & enum
        assert "400" in paths[path]["get"]["responses"]
