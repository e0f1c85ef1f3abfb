"""The search box's one prepared statement (portal.search._box_search) answers exactly as
the general path does — the same hits in the same order, counts, facets, "about" flags,
highlights, links and citations — and survives a connection that lost (or already has)
the statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import public, search
from suite import queries
from tests.portal.conftest import put


def _answer(settings, prepared: bool, **params) -> tuple:
    settings.PORTAL_SEARCH_PREPARED = prepared
    with_facets = params.pop("with_facets", True)
    now = params.pop("now")
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(**params), now=now, with_facets=with_facets)
    statements = " ".join(q["sql"] for q in captured.captured_queries)
    assert ("EXECUTE portal_box_" in statements) is prepared
    return (
        [
            (
                h.entry.pk,
                h.entry.title,
                h.entry.kind,
                h.entry.published_at,
                h.entry.data,
                h.entry.institution.slug,
                h.entry.institution.name,
                h.type_label,
                h.title_html,
                h.snippet_html,
                h.link,
                h.permalink,
                h.citation,
            )
            for h in result.hits
        ],
        result.count,
        result.facets,
        result.estimated,
        result.facets_estimated,
        result.relaxed,
    )


@pytest.fixture
def portal_world(world):
    now = timezone.now()
    put(
        world.inst_a,
        "facility",
        1,
        "체육관",
        summary="농구 배구",
        facility_kind="gym",
        capacity=200,
    )
    put(world.inst_a, "facility", 2, "제2실내체육관", facility_kind="gym", capacity=80, fee=0)
    put(world.inst_b, "facility", 3, "다목적 홀", summary="공연과 강연", facility_kind="hall")
    put(
        world.inst_b,
        "program",
        4,
        "어르신 도자기 교실",
        summary="체육관 옆 공방",
        audience="senior",
    )
    for n in range(12):
        put(
            world.inst_a if n % 2 else world.inst_b,
            "notice",
            100 + n,
            f"체육관 휴관 안내 {n}",
            summary="실내체육관을 포함한 시설 점검 안내",
            published_at=now - timezone.timedelta(days=n * 20),
        )
    # a person's own entry never comes up; neither does a suspended institution's
    public.publish(
        institution=world.inst_a, kind="booking", key="9", title="체육관 예약", owner=world.resident
    )
    return world


QUERIES = [
    "체육관",
    "체육관을",
    "다목적홀",
    "안내",
    "도자기 체육관",
    "체육관 우주정거장",
    "우주정거장",
]


@pytest.mark.parametrize("with_facets", [True, False])
def test_the_prepared_statement_answers_as_the_general_path(portal_world, settings, with_facets):
    now = timezone.now()
    for q in QUERIES:
        for page, size in ((1, 20), (2, 5)):
            params = dict(q=q, page=page, page_size=size, now=now, with_facets=with_facets)
            box = _answer(settings, True, **params)
            assert box == _answer(settings, False, **params), q
    hits, count, *_rest = _answer(settings, True, q="체육관", now=now)
    assert hits[0][1] == "체육관" and hits[1][1] == "제2실내체육관" and count == 15
    assert "체육관 예약" not in [h[1] for h in hits]


def test_the_prepared_statement_estimates_as_the_general_path(portal_world, settings, monkeypatch):
    """More than EXACT_LIMIT matches: count and facets from the sample, the exact title first."""
    monkeypatch.setattr(search, "EXACT_LIMIT", 4)
    monkeypatch.setattr(search, "WINDOW", 4)
    monkeypatch.setattr(search, "SAMPLE_SCALE", 1)
    now = timezone.now()
    for q in ("체육관", "안내", "도자기 체육관"):
        box = _answer(settings, True, q=q, now=now)
        assert box == _answer(settings, False, q=q, now=now), q
    hits, count, facets, estimated, facets_estimated, _relaxed = _answer(
        settings, True, q="체육관", now=now
    )
    assert estimated and facets_estimated and count > 4 and hits[0][1] == "체육관"


def test_a_suspended_institution_vanishes_from_the_prepared_statement(portal_world, settings):
    world = portal_world
    world.inst_b.status = "suspended"
    world.inst_b.save(update_fields=["status"])
    now = timezone.now()
    hits, count, facets, *_rest = _answer(settings, True, q="체육관", now=now)
    assert {h[5] for h in hits} == {world.inst_a.slug}
    assert {f["value"] for f in facets["institution"]} == {world.inst_a.slug}
    assert (hits, count, facets) == _answer(settings, False, q="체육관", now=now)[:3]


def test_a_connection_that_already_has_the_statement_does_not_prepare_it_twice(
    portal_world, settings
):
    """A statement prepared in a transaction that rolled back stays on the server: a
    connection whose record of it was lost prepares only what the server lacks."""
    search.run(search.SearchParams(q="체육관"))
    queries._PREPARED.pop(connection.connection, None)
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(q="체육관"))
    assert result.count == 15
    assert "pg_prepared_statements" in captured.captured_queries[0]["sql"]
    with CaptureQueriesContext(connection) as captured:
        search.run(search.SearchParams(q="체육관"))
    assert "pg_prepared_statements" not in captured.captured_queries[0]["sql"]


def test_a_connection_that_lost_the_statement_prepares_it_again(committed_db):
    """DISCARD ALL (or DEALLOCATE ALL) on the connection: the next search prepares again."""
    search.run(search.SearchParams(q="체육관"))
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(q="체육관"))
    assert result.hits is not None
    statements = [q["sql"] for q in captured.captured_queries]
    assert "pg_prepared_statements" in statements[-1]
