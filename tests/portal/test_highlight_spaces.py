"""The highlight marks what the search means by a query word: any slice within one word
(compounds), and across a space only whole words ("다목적홀" for "다목적 홀") — never the
tail of one word and the head of the next ("도자기" inside "지도자 기간제")."""

from portal import search
from portal.korean import query_words


def mark(text, query):
    return search.highlight(text, query_words(query))


def test_no_mark_across_a_space_between_parts_of_words():
    assert "<mark>" not in mark("지도자 기간제 채용 공고", "도자기")
    assert "<mark>" not in mark("도자 기간제", "도자기")  # ends inside a word
    assert "<mark>" not in mark("생활체육 지도자 기간제 근로자", "지도자기")


def test_marks_within_words_and_whole_spaced_words():
    assert mark("어르신 도자기 교실", "도자기") == "어르신 <mark>도자기</mark> 교실"
    assert mark("소회의실 예약", "회의실") == "소<mark>회의실</mark> 예약"
    assert mark("새 다목적 홀", "다목적홀") == "새 <mark>다목적 홀</mark>"
    assert mark("다목적 홀을 빌려요", "다목적홀") == "<mark>다목적 홀</mark>을 빌려요"
    both = mark("지도자 기간제 · 도자기 공방", "도자기")
    assert both == "지도자 기간제 · <mark>도자기</mark> 공방"
