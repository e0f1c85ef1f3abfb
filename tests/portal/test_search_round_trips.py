"""A search is a few round trips: the planner hints travel with each statement (one
multi-statement query, SET LOCAL ending with it) instead of BEGIN, set_config and
COMMIT of their own. From the search box (words, no filter) it is one prepared
statement that also brings the page's entries with their institutions; with filters,
the page and then the entries with their institutions. No planner setting is left
behind for the next query on the connection."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import search
from tests.portal.conftest import put


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT current_setting('{name}')")
        return cursor.fetchone()[0]


def test_a_search_from_the_box_is_one_round_trip_and_leaves_no_setting_behind(world):
    put(world.inst_a, "facility", 1, "햇살 실내체육관", facility_kind="gym")
    put(world.inst_b, "notice", 2, "체육관 휴관 안내")
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(q="체육관"))
    by_title = {h.entry.title: h.entry for h in result.hits}
    assert set(by_title) == {"햇살 실내체육관", "체육관 휴관 안내"}
    assert by_title["체육관 휴관 안내"].institution.name == world.inst_b.name
    assert result.count == 2 and result.facets
    statements = [q["sql"] for q in captured.captured_queries]
    # the sample, the page with count and facets, the entries with their institutions:
    # one prepared statement
    assert len(statements) == 1, statements
    assert not any(s.startswith(("BEGIN", "SAVEPOINT", "SELECT set_config")) for s in statements)
    assert "SET LOCAL enable_seqscan = off" in statements[0]
    assert "EXECUTE portal_box_" in statements[0]
    assert _setting("enable_seqscan") == "on" and _setting("enable_indexscan") == "on"
    assert _setting("plan_cache_mode") == "auto"


def test_a_filtered_search_is_two_round_trips_and_leaves_no_setting_behind(world):
    put(world.inst_a, "facility", 1, "햇살 실내체육관", facility_kind="gym")
    put(world.inst_b, "notice", 2, "체육관 휴관 안내")
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(q="체육관", types=["facility"]))
    assert [h.entry.title for h in result.hits] == ["햇살 실내체육관"]
    statements = [q["sql"] for q in captured.captured_queries]
    # the sample probe … the page with count and facets, the entries with their institutions
    assert 2 <= len(statements) <= 3, statements
    assert not any("EXECUTE portal_box_" in s for s in statements)
    assert "SET LOCAL enable_seqscan = off" in statements[0]
    assert _setting("enable_seqscan") == "on" and _setting("enable_indexscan") == "on"


def test_a_venue_search_without_words_takes_the_planners_own_plan(world):
    put(world.inst_a, "facility", 3, "별빛 강당", facility_kind="hall", capacity=100)
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(q="", types=["facility"]))
    assert [h.entry.title for h in result.hits] == ["별빛 강당"]
    assert not any("SET LOCAL" in q["sql"] for q in captured.captured_queries)


def test_the_database_cursor_binds_on_the_client(db):
    """The one-trip statements need client-side binding (Django's default for psycopg 3):
    ``OPTIONS["server_side_binding"] = True`` would refuse several statements at once."""
    import psycopg

    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)


def test_a_query_without_any_match_is_one_statement(world):
    """The sample probe also says whether anything matches at all: nothing → no read of
    the (empty) matches, no entries to fetch."""
    put(world.inst_a, "facility", 4, "햇살 실내체육관", facility_kind="gym")
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(q="우주정거장"))
    assert result.count == 0 and result.hits == [] and not result.estimated
    assert result.facets == {"type": [], "institution": [], "kind": [], "district": []}
    assert len(captured.captured_queries) == 1, captured.captured_queries


def test_a_relaxed_search_skips_the_read_of_every_word(world):
    """No entry has every word: "every word" costs one statement that finds nothing, and
    "any word" is answered as usual (the page with count and facets, the entries)."""
    put(world.inst_a, "program", 5, "어르신 도예 교실")
    put(world.inst_b, "notice", 6, "수채화 전시 안내")
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(q="도예 수채화"))
    assert result.relaxed and set(h.entry.title for h in result.hits) == {
        "어르신 도예 교실",
        "수채화 전시 안내",
    }
    assert result.count == 2
    # every word: one statement that finds nothing; any word: one statement
    assert len(captured.captured_queries) == 2, captured.captured_queries


def test_estimated_search_keeps_whole_vectors_out_of_its_ctes(world, monkeypatch):
    """The materialized CTEs list their columns: ``SELECT *`` would carry the words' test
    (``search @@ …``) into the select list, which reads every matching row's whole vector
    from TOAST instead of answering from the GIN bitmap."""
    for n in range(30):
        put(world.inst_a, "notice", 100 + n, f"체육관 안내 {n}")
    put(world.inst_b, "facility", 7, "체육관", facility_kind="gym")
    monkeypatch.setattr(search, "EXACT_LIMIT", 5)
    monkeypatch.setattr(search, "WINDOW", 5)
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(q="체육관", institutions=[world.inst_a.slug]))
    assert result.estimated and result.hits[0].entry.title.startswith("체육관 안내")
    statements = " ".join(q["sql"] for q in captured.captured_queries)
    assert "MATERIALIZED (SELECT w.id" in statements
    assert "MATERIALIZED (SELECT *" not in statements
    # the search box's prepared statement: its columns listed too
    result = search.run(search.SearchParams(q="체육관"))
    assert result.estimated and result.hits[0].entry.title == "체육관"
    for with_facets in (True, False):
        _name, box = search._box_sql(with_facets)
        assert box.count("MATERIALIZED (SELECT e.id") == 3
        assert "MATERIALIZED (SELECT *" not in box and "SELECT e.*" not in box


def test_a_sample_that_says_few_when_there_are_many_falls_back_to_the_estimate(world, monkeypatch):
    """The one statement trusts the sample to choose exact or estimated; when the sample
    said few but more than EXACT_LIMIT matched, the search still answers from the sample
    (the exact read stopped at EXACT_LIMIT + 1), the exact title first."""
    for n in range(40):
        put(world.inst_a, "notice", 200 + n, f"강당 공사 안내 {n}")
    put(world.inst_b, "facility", 8, "강당", facility_kind="hall")
    monkeypatch.setattr(search, "SAMPLE_SCALE", 1)  # the sample (about 4) looks "few"
    monkeypatch.setattr(search, "EXACT_LIMIT", 10)
    monkeypatch.setattr(search, "WINDOW", 10)
    with CaptureQueriesContext(connection) as captured:
        result = search.run(search.SearchParams(q="강당"))
    assert result.estimated and result.count > 10
    assert result.hits[0].entry.title == "강당"
    assert len(captured.captured_queries) > 2  # the fallback's statements followed
