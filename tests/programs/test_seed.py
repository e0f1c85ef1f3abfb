"""The demo seed: pages, a job, programs (the senior pottery class) and a free 100-seat
hall; idempotent; and the done-criterion searches find them from the portal."""

from django_tenants.utils import schema_context

from portal import search
from programs import seed as programs_seed
from programs.models import Program
from website import seed as website_seed
from website.models import JobPosting, Page


def test_seed_is_idempotent_and_the_portal_finds_the_class_and_the_hall(world, monkeypatch, apex):
    monkeypatch.setitem(website_seed.SITES, world.inst_a.slug, website_seed.SITES["culture"])
    monkeypatch.setitem(
        programs_seed.PROGRAMS, world.inst_a.slug, programs_seed.PROGRAMS["culture"]
    )
    monkeypatch.setattr(programs_seed, "HALL_AT", {world.inst_a.slug})
    people = {"admin": world.admin_a, "facility": world.manager_a, "residents": [world.resident2]}
    for _ in range(2):
        with schema_context(world.inst_a.schema_name):
            website_seed.seed_institution(institution=world.inst_a, people=people)
            programs_seed.seed_institution(institution=world.inst_a, people=people)
    with schema_context(world.inst_a.schema_name):
        counts = (Page.objects.count(), JobPosting.objects.count(), Program.objects.count())
        website_seed.seed_institution(institution=world.inst_a, people=people)
        programs_seed.seed_institution(institution=world.inst_a, people=people)
        assert (Page.objects.count(), JobPosting.objects.count(), Program.objects.count()) == counts
    pottery = search.run(search.SearchParams(q="어르신 도자기 강좌"))
    assert pottery.hits and "도자기" in pottery.hits[0].entry.title
    hall = search.run(search.SearchParams(q="다음 주 토요일 오후 100명 홀"))
    assert [h.entry.title for h in hall.hits][:1] == ["소공연장 (다목적홀)"]
    body = apex().get("/portal/search/", {"q": "다음 주 토요일 오후 100명 홀"}).content.decode()
    assert "소공연장 (다목적홀)" in body
    jobs = search.run(search.SearchParams(q="채용", types=["job"]))
    assert jobs.count == 1
