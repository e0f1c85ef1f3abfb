"""Ranked, Korean-aware search with filters and facets (portal.search)."""

import datetime as dt

from django.utils import timezone

from portal import search
from portal.interpret import interpret
from tests.portal.conftest import local, next_saturday, put, venue


def run(**params):
    q = params.pop("q", "")
    return search.run(search.SearchParams(q=q, **params))


def titles(result):
    return [h.entry.title for h in result.hits]


def test_a_facility_named_so_ranks_above_notices_that_mention_it(world):
    now = timezone.now()
    for n in range(5):
        put(
            world.inst_a,
            "notice",
            n,
            f"{n}월 운영 안내",
            summary="실내체육관을 포함한 시설 점검",
            published_at=now,
        )
    put(
        world.inst_b,
        "facility",
        1,
        "체육관",
        summary="농구 배구",
        facility_kind="gym",
        capacity=200,
    )
    put(
        world.inst_b,
        "facility",
        2,
        "제2실내체육관",
        summary="배드민턴",
        facility_kind="gym",
        capacity=80,
    )
    result = run(q="체육관")
    assert titles(result)[0] == "체육관"  # exact title first
    assert titles(result)[1] == "제2실내체육관"  # then the title that contains it
    assert result.count == 7


def test_institution_name_does_not_match_everything(world):
    put(world.inst_a, "facility", 1, "대공연장", facility_kind="hall")
    put(world.inst_a, "notice", 2, "휴관 안내")
    put(world.inst_a, "institution", "site", world.inst_a.name)
    result = run(q="가나시")
    assert titles(result) == [world.inst_a.name]


def test_recent_notices_rank_above_old_ones(world):
    now = timezone.now()
    put(world.inst_a, "notice", 1, "시설 휴관 안내", published_at=now - dt.timedelta(days=400))
    put(world.inst_a, "notice", 2, "시설 휴관 안내", published_at=now - dt.timedelta(days=2))
    assert [h.entry.key for h in run(q="휴관").hits] == ["2", "1"]


def test_spacing_particles_and_partial_words(world):
    put(world.inst_a, "facility", 1, "다목적 홀", facility_kind="hall")
    put(world.inst_a, "facility", 2, "문화센터 소회의실", facility_kind="meeting_room")
    assert titles(run(q="다목적홀")) == ["다목적 홀"]
    assert titles(run(q="문화 센터")) == ["문화센터 소회의실"]
    assert titles(run(q="회의실을")) == ["문화센터 소회의실"]
    assert titles(run(q="소회의")) == ["문화센터 소회의실"]


def test_type_and_institution_filters_and_facets_with_counts(world):
    put(world.inst_a, "facility", 1, "강당 A", facility_kind="hall", district="중구")
    put(world.inst_b, "facility", 2, "강당 B", facility_kind="hall", district="서구")
    put(world.inst_b, "notice", 3, "강당 공사 안내", district="서구")
    result = run(q="강당")
    facets = {k: {f["value"]: f["count"] for f in v} for k, v in result.facets.items()}
    assert facets["type"] == {"facility": 2, "notice": 1}
    assert facets["institution"] == {world.inst_a.slug: 1, world.inst_b.slug: 2}
    assert facets["kind"] == {"hall": 2}
    assert facets["district"] == {"중구": 1, "서구": 2}
    assert titles(run(q="강당", types=["notice"])) == ["강당 공사 안내"]
    assert set(titles(run(q="강당", institutions=[world.inst_a.slug]))) == {"강당 A"}
    assert set(titles(run(q="강당", districts=["서구"]))) == {"강당 B", "강당 공사 안내"}


def test_all_words_else_any_word_with_notice(world):
    put(world.inst_a, "program", 1, "어르신 도예 교실", keywords="강좌 어르신")
    result = run(q="도자기 수채화")
    assert result.relaxed and titles(result) == ["어르신 도예 교실"]
    assert not run(q="어르신 도자기 강좌").relaxed


def test_highlight_marks_words_and_escapes_html(world):
    put(world.inst_a, "notice", 1, "<b>체육관</b> 안내", summary="실내 체육관 개방")
    hit = run(q="체육관").hits[0]
    assert hit.title_html == "&lt;b&gt;<mark>체육관</mark>&lt;/b&gt; 안내"
    assert "<mark>체육관</mark>" in hit.snippet_html
    assert "<mark>다목적 홀</mark>" in search.highlight(
        "새 다목적 홀", search.korean.query_words("다목적홀")
    )


def test_free_venue_filter_from_the_availability_summary(world):
    day = next_saturday()
    put(world.inst_a, "facility", 1, "큰 강당", facility_kind="hall", capacity=150, venue=venue())
    put(
        world.inst_a,
        "facility",
        2,
        "예약된 강당",
        facility_kind="hall",
        capacity=200,
        venue=venue(busy=[(local(day, 14), local(day, 16))]),
    )
    put(world.inst_b, "facility", 3, "작은 강당", facility_kind="hall", capacity=40, venue=venue())
    put(
        world.inst_b,
        "facility",
        4,
        "휴관 강당",
        facility_kind="hall",
        capacity=300,
        venue=venue(closed=[(local(day, 0), local(day + dt.timedelta(days=1), 0))]),
    )
    put(
        world.inst_b,
        "facility",
        5,
        "오전만 여는 강당",
        facility_kind="hall",
        capacity=300,
        venue=venue(hours=(dt.time(9), dt.time(12))),
    )
    put(
        world.inst_b,
        "facility",
        6,
        "먼 강당",
        facility_kind="hall",
        capacity=300,
        venue=venue(book_ahead_days=1),
    )
    result = run(capacity=100, free_from=local(day, 13), free_to=local(day, 18))
    assert titles(result) == ["큰 강당"]
    morning = run(capacity=100, free_from=local(day, 9), free_to=local(day, 11))
    assert set(titles(morning)) == {"큰 강당", "예약된 강당", "오전만 여는 강당"}


def test_plain_language_box_finds_the_hall(world):
    day = next_saturday()
    put(
        world.inst_a,
        "facility",
        1,
        "햇살 다목적홀",
        facility_kind="hall",
        capacity=120,
        keywords="공연장 강당 홀",
        venue=venue(),
    )
    put(
        world.inst_a,
        "facility",
        2,
        "소강당",
        facility_kind="hall",
        capacity=60,
        keywords="공연장 강당 홀",
        venue=venue(),
    )
    put(world.inst_a, "notice", 3, "홀 대관 안내")
    result = run(q="다음 주 토요일 오후 100명 홀")
    assert titles(result) == ["햇살 다목적홀"]
    labels = [c["label"] for c in result.params.chips]
    assert "100명 이상" in labels and any("(토) 13:00–18:00" in label for label in labels)
    assert timezone.localtime(result.params.free_from).date().weekday() == 5
    del day


def test_interpretation_of_dates_times_and_counts():
    today = dt.date(2026, 11, 25)  # a Wednesday
    reading = interpret("다음 주 토요일 오후 100명 홀", today=today)
    assert (reading.day, reading.span, reading.capacity, reading.text) == (
        dt.date(2026, 12, 5),
        (dt.time(13), dt.time(18)),
        100,
        "홀",
    )
    assert interpret("이번 주 토요일", today=today).day == dt.date(2026, 11, 28)
    assert interpret("12월 24일 14시~17시 회의실", today=today).span == (dt.time(14), dt.time(17))
    assert interpret("내일 저녁 무료 체육관", today=today).free_only
    assert interpret("어르신 도자기 강좌", today=today).phrases == []


def test_parse_refuses_bad_filters_in_korean():
    now = timezone.now()
    _p, errors = search.parse({"free_from": "2026-13-40T10:00", "free_to": "x"}, now=now)
    assert "free_from" in errors
    _p, errors = search.parse({"free_from": (now + dt.timedelta(days=1)).isoformat()}, now=now)
    assert errors == {"free_to": [str(search.ERRORS["free_pair"])]}
    start = now + dt.timedelta(days=2)
    _p, errors = search.parse(
        {"free_from": start.isoformat(), "free_to": (start - dt.timedelta(hours=1)).isoformat()},
        now=now,
    )
    assert "free_to" in errors
    _p, errors = search.parse({"capacity": "-3", "type": "secret", "kind": "pool"}, now=now)
    assert set(errors) == {"capacity", "type", "kind"}
    _p, errors = search.parse({"type": "secret", "page": "zz"}, now=now, strict=False)
    assert errors == {}


def test_a_query_matching_more_than_the_exact_limit_is_estimated_from_the_sample(
    world, monkeypatch
):
    """Beyond EXACT_LIMIT matches the count and facets come from the one-in-ten sample
    (marked estimated), only the best EXACT_LIMIT can be paged to, and an entry titled
    exactly like the query still comes first."""
    for n in range(60):
        put(world.inst_a, "notice", n, f"시설 안내 {n}", published_at=timezone.now())
    put(world.inst_b, "facility", 1, "안내", facility_kind="other")
    exact = run(q="안내")
    assert not exact.estimated and exact.count == 61 and titles(exact)[0] == "안내"
    monkeypatch.setattr(search, "EXACT_LIMIT", 10)
    monkeypatch.setattr(search, "WINDOW", 10)
    result = run(q="안내")
    assert result.estimated and result.facets_estimated
    assert result.count > 10 and result.pages == 1  # 10 reachable = one page of 20
    assert titles(result)[0] == "안내"
    assert {f["value"] for f in result.facets["type"]} <= {"notice", "facility"}
    narrow = run(q="안내", institutions=[world.inst_b.slug])
    assert not narrow.estimated and titles(narrow) == ["안내"] and narrow.count == 1
    assert narrow.facets_estimated  # the facets still cover every institution's matches
    past = run(q="안내", page=2)
    assert past.hits == []


def test_filters_change_the_exact_results_and_hidden_institutions_vanish(world):
    put(world.inst_a, "facility", 1, "별빛 강당", facility_kind="hall", capacity=150, fee=0)
    put(world.inst_a, "facility", 2, "달빛 강당", facility_kind="hall", capacity=30, fee=5000)
    put(world.inst_b, "facility", 3, "햇빛 강당", facility_kind="hall", capacity=200, fee=0)
    assert set(titles(run(q="강당", capacity=100))) == {"별빛 강당", "햇빛 강당"}
    assert set(titles(run(q="강당", fee_max=0, facility_kinds=["hall"]))) == {
        "별빛 강당",
        "햇빛 강당",
    }
    world.inst_b.status = "suspended"
    world.inst_b.save(update_fields=["status"])
    result = run(q="강당")
    assert set(titles(result)) == {"별빛 강당", "달빛 강당"} and result.count == 2
    assert {f["value"] for f in result.facets["institution"]} == {world.inst_a.slug}
