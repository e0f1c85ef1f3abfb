"""The issue's "done", over HTTP as a new user would: from the portal home a resident finds a
free 100-seat hall for next Saturday afternoon and the senior pottery class in one search
each, applies for the class and sees it next to their bookings; an institution admin
publishes a page and a job posting and finds both in the portal straight after."""

import datetime as dt
import re

from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking import services as booking
from facility_booking.models import Facility
from programs import seed as programs_seed
from programs.models import Application, Program
from website import seed as website_seed


def _seed(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setitem(website_seed.SITES, world.inst_a.slug, website_seed.SITES["culture"])
    monkeypatch.setitem(
        programs_seed.PROGRAMS, world.inst_a.slug, programs_seed.PROGRAMS["culture"]
    )
    monkeypatch.setattr(programs_seed, "HALL_AT", {world.inst_a.slug})
    people = {"admin": world.admin_a, "facility": world.manager_a, "residents": []}
    with (
        schema_context(world.inst_a.schema_name),
        django_capture_on_commit_callbacks(execute=True),
    ):
        website_seed.seed_institution(institution=world.inst_a, people=people)
        programs_seed.seed_institution(institution=world.inst_a, people=people)


def _first_hit(html: str) -> str:
    """The title of the first result on the search page (tags stripped)."""
    results = html.split('<ol class="results">', 1)[-1]
    match = re.search(r"<h2><a href=\"[^\"]*\">(.*?)</a></h2>", results, re.S)
    assert match, "no result on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_a_resident_finds_the_hall_and_the_class_applies_and_sees_it_in_the_hub(
    world, monkeypatch, apex, on_host, django_capture_on_commit_callbacks
):
    _seed(world, monkeypatch, django_capture_on_commit_callbacks)
    home = apex().get("/").content.decode()
    assert 'action="/portal/search/"' in home and 'name="q"' in home

    hall_page = apex(world.resident).get("/portal/search/", {"q": "다음 주 토요일 오후 100명 홀"})
    assert hall_page.status_code == 200
    html = hall_page.content.decode()
    assert "소공연장 (다목적홀)" in _first_hit(html)
    assert "100명 이상" in html and "비어 있음" in html  # the box was read as filters
    with schema_context(world.inst_a.schema_name):
        hall = Facility.objects.get(name="소공연장 (다목적홀)")
        pottery = Program.objects.get(title__startswith="어르신 도자기 공예 교실")
    host = re.escape(world.inst_a.primary_host)
    assert re.search(rf"//{host}(:\d+)?/facilities/{hall.pk}/", html)  # on its own host

    class_page = apex(world.resident).get("/portal/search/", {"q": "어르신 도자기 강좌"})
    html = class_page.content.decode()
    assert _first_hit(html).startswith("어르신 도자기 공예 교실")
    go = f"/portal/go/{world.inst_a.slug}/program/{pottery.pk}/"
    assert go in html
    landing = apex().get(go)
    assert landing.status_code == 302
    assert re.search(rf"//{host}(:\d+)?/programs/{pottery.pk}/$", landing["Location"])

    site = on_host(world.inst_a, world.resident)
    assert "신청" in site.get(f"/programs/{pottery.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        applied = site.post(
            f"/programs/{pottery.pk}/apply/",
            {"birth_date": "1950-04-01", "consent_program_required": "on"},
        )
    assert applied.status_code == 302
    with schema_context(world.inst_a.schema_name):
        assert Application.objects.get(program=pottery, applicant_id=world.resident.pk).is_live
        day = timezone.localdate() + dt.timedelta(days=10)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(14)))
        with django_capture_on_commit_callbacks(execute=True):
            booking.reservation_request(
                actor=world.resident,
                facility=hall,
                start=start,
                end=start + dt.timedelta(hours=2),
                purpose="동호회 발표회",
                headcount=80,
                contact_phone="010-1234-5678",
            )
    hub = apex(world.resident).get("/portal/my/").content.decode()
    assert "소공연장 (다목적홀)" in hub  # the booking …
    assert pottery.title in hub  # … and, next to it, the class


def test_an_admin_publishes_a_page_and_a_job_and_finds_them_in_the_portal(
    world, apex, on_host, django_capture_on_commit_callbacks
):
    admin = on_host(world.inst_a, world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        page = admin.post(
            "/site/manage/pages/new/",
            {
                "section": "business",
                "title": "별빛 청소년 오케스트라 단원 모집 안내",
                "slug": "youth-orchestra",
                "body": "<p>악기를 배우고 싶은 청소년 누구나</p>",
                "order": 0,
                "publish": "1",
            },
        )
    assert page.status_code == 302
    closes = timezone.localtime() + dt.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        job = admin.post(
            "/site/manage/jobs/new/",
            {
                "title": "2026년 공연기획 계약직 채용",
                "department": "공연기획팀",
                "employment_type": "contract",
                "positions": 1,
                "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
                "body": "공연 기획과 운영을 맡을 분을 찾습니다.",
                "publish": "1",
            },
        )
    assert job.status_code == 302, job.content.decode()[:2000]
    found = apex().get("/portal/search/", {"q": "청소년 오케스트라"}).content.decode()
    assert _first_hit(found) == "별빛 청소년 오케스트라 단원 모집 안내"
    found = apex().get("/portal/search/", {"q": "공연기획 채용"}).content.decode()
    assert _first_hit(found) == "2026년 공연기획 계약직 채용"
    api = apex().get("/api/v1/search/", {"q": "공연기획", "type": "job"}).json()
    assert [r["title"] for r in api["results"]] == ["2026년 공연기획 계약직 채용"]
    assert api["results"][0]["url"].endswith(
        "/site/jobs/" + api["results"][0]["id"].split("/")[-1] + "/"
    )
