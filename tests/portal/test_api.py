"""GET /api/v1/search/: open, ranked, facets, one error shape, documented in OpenAPI."""

import datetime as dt

from django.utils import timezone

from tests.portal.conftest import local, next_saturday, put, venue


def test_search_api_returns_hits_and_facets_anonymously(world, apex):
    put(
        world.inst_a,
        "facility",
        1,
        "햇살 다목적홀",
        facility_kind="hall",
        capacity=120,
        district="중구",
        route="facility_booking:detail",
        route_args=[1],
        venue=venue(),
    )
    put(
        world.inst_b,
        "notice",
        2,
        "다목적 홀 공사 안내",
        district="서구",
        published_at=timezone.now(),
    )
    response = apex().get("/api/v1/search/", {"q": "다목적홀"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and data["results"][0]["title"] == "햇살 다목적홀"
    hit = data["results"][0]
    assert hit["url"] == world.inst_a.absolute_url("/facilities/1/")
    assert hit["id"] == "testa/facility/1" and "<mark>" in hit["title_highlighted"]
    assert {f["value"]: f["count"] for f in data["facets"]["type"]} == {"facility": 1, "notice": 1}
    assert {f["value"] for f in data["facets"]["district"]} == {"중구", "서구"}


def test_search_api_free_venue_filter(world, apex):
    day = next_saturday()
    put(world.inst_a, "facility", 1, "큰 강당", facility_kind="hall", capacity=150, venue=venue())
    put(
        world.inst_a,
        "facility",
        2,
        "찬 강당",
        facility_kind="hall",
        capacity=150,
        venue=venue(busy=[(local(day, 12), local(day, 20))]),
    )
    response = apex().get(
        "/api/v1/search/",
        {
            "capacity": 100,
            "free_from": local(day, 13).isoformat(),
            "free_to": local(day, 18).isoformat(),
        },
    )
    assert [h["title"] for h in response.json()["results"]] == ["큰 강당"]


def test_search_api_bad_input_is_400_in_the_error_shape(world, apex):
    start = timezone.now() + dt.timedelta(days=2)
    for params, field in (
        ({"free_from": start.isoformat()}, "free_to"),
        ({"capacity": "many"}, "capacity"),
        ({"type": "secret"}, "type"),
        ({"page": "0"}, "page"),
    ):
        response = apex().get("/api/v1/search/", params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] == "invalid" and field in error["fields"]
    assert apex().get("/api/v1/search/", {"page": 50}).status_code == 404


def test_search_api_is_in_the_openapi_schema_with_facets(world, apex):
    schema = apex().get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/search/" in schema and "SearchFacets" in schema and "free_from" in schema
