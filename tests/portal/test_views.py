"""Portal pages on the apex: home, search, permanent links, citations, calendar,
my applications (anonymous → log-in; someone else's → 404)."""

import datetime as dt

from django.utils import timezone
from django_tenants.utils import schema_context

from portal import index
from tests.portal.conftest import put


def test_home_and_search_page(world, apex):
    put(
        world.inst_b,
        "facility",
        9,
        "인조잔디 축구장",
        facility_kind="field",
        route="facility_booking:detail",
        route_args=[9],
    )
    assert apex().get("/").status_code == 200
    response = apex().get("/portal/search/", {"q": "축구장"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>축구장</mark>" in body and world.inst_b.name in body
    assert world.inst_b.absolute_url("/facilities/9/") in body
    assert "/portal/go/testb/facility/9/" in body  # permanent link
    assert "인용" in body


def test_search_with_odd_input_never_fails(world, apex):
    for params in (
        {"q": "%' OR 1=1 --"},
        {"kind": "nope"},
        {"page": "abc"},
        {"page": "99999"},
        {"q": "가" * 150},
        {"type": "x"},
    ):
        assert apex().get("/portal/search/", params).status_code == 200


def test_bad_free_venue_input_is_a_korean_error_next_to_the_field(world, apex):
    response = apex().get(
        "/portal/search/", {"date": "2020-01-01", "time_from": "13:00", "time_to": "18:00"}
    )
    assert (
        response.status_code == 400
        and "지나간 시간은 찾을 수 없습니다" in response.content.decode()
    )
    response = apex().get("/portal/search/", {"date": "내일", "time_from": "13:00"})
    assert response.status_code == 400 and "2026-12-05 형식" in response.content.decode()


def test_permanent_link_and_citation(world, apex):
    put(
        world.inst_a,
        "document",
        5,
        "2026년 문화예술 지원 계획",
        route="website:document",
        route_args=[5],
        data={"number": "문화예술팀-123"},
        published_at=timezone.make_aware(dt.datetime(2026, 11, 30, 9)),
    )
    response = apex().get("/portal/go/testa/document/5/")
    assert response.status_code == 302 and response["Location"] == world.inst_a.absolute_url(
        "/site/documents/5/"
    )
    body = apex().get("/portal/cite/testa/document/5/").content.decode()
    assert (
        f"{world.inst_a.name}, 「2026년 문화예술 지원 계획」, 문화예술팀-123, 2026. 11. 30." in body
    )
    assert apex().get("/portal/go/testa/document/6/").status_code == 404
    from tenants.models import Institution

    Institution.objects.filter(pk=world.inst_a.pk).update(status="suspended")
    assert apex().get("/portal/go/testa/document/5/").status_code == 404


def test_calendar_shows_programs_by_month_and_week(world, apex):
    day = timezone.localdate() + dt.timedelta(days=3)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    put(
        world.inst_a,
        "program",
        1,
        "어르신 도자기 교실",
        route="programs:detail",
        route_args=[1],
        audience="senior",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        data={"weekdays": [], "time_label": "10:00"},
    )
    body = apex().get("/portal/calendar/", {"date": day.isoformat()}).content.decode()
    assert "어르신 도자기 교실" in body
    body = (
        apex()
        .get("/portal/calendar/", {"view": "week", "date": day.isoformat(), "audience": "child"})
        .content.decode()
    )
    assert "어르신 도자기 교실" not in body
    assert apex().get("/portal/calendar/", {"date": "garbage", "view": "x"}).status_code == 200


def test_my_applications_needs_login_and_shows_only_mine(world, apex, in_schema):
    from programs import services
    from tests.programs.conftest import make_program

    assert apex().get("/portal/my/applications/").status_code == 302
    with in_schema(world.inst_a):
        program = make_program(title="주민 요가 교실")
        mine = services.application_apply(
            applicant=world.resident, institution=world.inst_a, program=program
        )
        services.application_apply(
            applicant=world.resident2,
            institution=world.inst_a,
            program=make_program(title="남의 강좌"),
        )
    body = apex(world.resident).get("/portal/my/applications/").content.decode()
    assert "주민 요가 교실" in body and "남의 강좌" not in body
    # someone else cannot cancel it; the owner can
    response = apex(world.resident2).post(f"/portal/my/applications/testa/{mine.pk}/cancel/")
    assert response.status_code == 404
    response = apex(world.resident).post(f"/portal/my/applications/testa/{mine.pk}/cancel/")
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        mine.refresh_from_db()
    assert mine.status == "cancelled"


def test_my_bookings_links_are_built_on_the_current_host(world, apex):
    """내 예약 (the hub) links each booking to its page on the portal, a path built now."""
    index.publish(
        institution=world.inst_a,
        kind="booking",
        key="1",
        title="대공연장 12월 5일",
        owner=world.resident,
        route="facility_booking:my_booking",
        route_args=[1],
        data={"status": "requested", "start": "2099-12-05T10:00:00+09:00"},
    )
    body = apex(world.resident).get("/portal/my/bookings/").content.decode()
    assert 'href="/portal/my/bookings/testa/1/"' in body
    assert "http://" not in body.split("<main", 1)[1].split("</main>", 1)[0]
