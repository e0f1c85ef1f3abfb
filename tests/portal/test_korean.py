"""Korean tokens: the same lexemes for documents and queries, spacing and particles ignored."""

from portal import korean


def lexemes(text):
    return set(korean.document_tokens(text))


def matches(query, text):
    """Does every query word have some variant whose lexemes all occur in the text?"""
    doc = lexemes(text)
    for word in korean.query_words(query):
        ok = False
        for variant in word.variants:
            grams = (
                {variant}
                if len(variant) == 1 or not korean.HANGUL.match(variant)
                else {variant[i : i + 2] for i in range(len(variant) - 1)}
            )
            if grams <= doc:
                ok = True
        if not ok:
            return False
    return True


def test_words_inside_compounds_and_with_particles():
    assert matches("체육관", "실내체육관을 개방합니다")
    assert matches("회의실", "소회의실 예약 안내")
    assert matches("체육관을", "실내 체육관")  # a particle in the query is also tried stripped
    assert matches("센터에서", "문화센터 소식")


def test_spaces_are_optional_both_ways():
    assert matches("다목적홀", "다목적 홀 대관")
    assert matches("다목적 홀", "다목적홀 대관")
    assert matches("문화 센터", "문화센터")
    assert matches("문화센터", "문화 센터")


def test_unrelated_words_do_not_match():
    assert not matches("체육관", "대공연장 안내")
    assert not matches("회의실", "회의 결과 안내")


def test_synonyms_and_latin_words():
    assert matches("도자기", "어르신 도예 교실")
    assert matches("yoga", "Yoga 교실")  # NFKC and lower case
    assert matches("ＹＯＧＡ", "yoga")


def test_tsvector_literal_is_weighted_and_safe():
    literal = korean.tsvector_literal([("대공연장", "A"), ("300석 공연장", "C")])
    assert "'공연':4A,13C" in literal and "'300':9C" in literal
    assert "'" not in literal.replace("'", "", 2 * literal.count(":"))  # only lexeme quotes


def test_query_is_only_letters_digits_and_operators():
    query = korean.tsquery(korean.query_words("'); DROP TABLE x; -- 체육관 & | !"))
    assert set(query) <= set("()&|:* ") | set("".join(korean.WORD.findall(query)))
