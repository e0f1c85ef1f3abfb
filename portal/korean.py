"""Korean-aware tokens for the portal index: character bigrams in a ``simple`` tsvector.

Why bigrams (measured in ``bench/portal_search.py``, see docs/portal.md): Korean
attaches particles and endings to words (체육관을), writes compounds without
spaces (소회의실, 다목적홀) and is spaced inconsistently (문화 센터). Every
two-character slice of a word is a lexeme, so a query word matches wherever
its slices appear in order, inside compounds and across spaces; nothing needs
a dictionary or a model in memory.

- A document gives every Hangul character (so one-character queries like
  "홀" work), every bigram of each word, and the bigram that spans a space
  between two Hangul words ("다목적 홀" → 적홀, so "다목적홀" finds it).
- A query word gives its bigrams joined with AND; a particle or ending at its
  end (을, 에서, 으로 …) is also tried stripped (OR), so "체육관을" finds
  "체육관". Latin words and numbers are whole lexemes (latin words as prefixes).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

WORD = re.compile(r"[0-9a-z]+|[\uac00-\ud7a3]+")
HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")

# Particles and common endings, longest first. Only stripped when two or more
# characters remain, and only as an alternative: the word as typed still counts.
PARTICLES = sorted(
    {
        "에서는", "에서도", "으로는", "이라는", "에게서", "까지는",
        "에서", "으로", "에게", "한테", "까지", "부터", "이나", "하고", "처럼", "보다",
        "에는", "에도", "이랑", "라는", "이다", "입니다", "합니다", "하는",
        "의", "을", "를", "이", "가", "은", "는", "에", "와", "과", "로", "도", "만", "랑",
    },
    key=len,
    reverse=True,
)  # fmt: skip

# A few words residents use for the same thing. Expanded at query time (OR).
SYNONYMS = {
    "도자기": ("도예",),
    "도예": ("도자기",),
    "어르신": ("노인", "시니어", "실버"),
    "노인": ("어르신", "시니어"),
    "시니어": ("어르신", "노인"),
    "실버": ("어르신",),
    "아이": ("어린이", "유아"),
    "어린이": ("아동",),
    "아동": ("어린이",),
    "강습": ("강좌",),
    "수업": ("강좌",),
    "일자리": ("채용",),
    "구인": ("채용",),
    "홀": ("강당", "공연장"),
}

MAX_QUERY_WORDS = 8
MAX_DOC_TOKENS = 6000  # tsvector positions stop at 16383; long bodies are cut


def normalize(text: str) -> str:
    """NFKC (full-width → ASCII, compatibility jamo), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def compact(text: str) -> str:
    """The text without spaces or punctuation: "다목적 홀" and "다목적홀" are equal."""
    return "".join(WORD.findall(normalize(text)))


def _hangul_tokens(word: str) -> list[str]:
    out = []
    for i, char in enumerate(word):
        out.append(char)
        if i + 1 < len(word):
            out.append(word[i : i + 2])
    return out


def document_tokens(text: str) -> list[str]:
    """Lexemes of a text, in reading order (positions matter for ranking)."""
    tokens: list[str] = []
    text = normalize(text)
    previous_end, previous_word = -2, ""
    for match in WORD.finditer(text):
        word = match.group()
        if HANGUL.match(word):
            gap = text[previous_end : match.start()]
            if previous_word and HANGUL.match(previous_word) and gap.isspace():
                tokens.append(previous_word[-1] + word[0])
            tokens.extend(_hangul_tokens(word))
        else:
            tokens.append(word[:40])
        previous_end, previous_word = match.end(), word
        if len(tokens) >= MAX_DOC_TOKENS:
            break
    return tokens[:MAX_DOC_TOKENS]


def tsvector_literal(parts: list[tuple[str, str]]) -> str:
    """A tsvector value from (text, weight A–D) parts, positions in order.

    Built here rather than with to_tsvector() so the index and the query use
    exactly the same tokens. Lexemes are only letters and digits: no quoting needed.
    """
    positions: dict[str, list[str]] = {}
    position = 0
    for text, weight in parts:
        for token in document_tokens(text):
            position += 1
            if position > 16383:
                break
            entry = positions.setdefault(token, [])
            if len(entry) < 255:  # PostgreSQL keeps at most 256 positions per lexeme
                entry.append(f"{position}{weight}")
        position += 1  # parts never run into each other
    return " ".join(f"'{lexeme}':{','.join(pos)}" for lexeme, pos in positions.items())


def strip_particle(word: str) -> str | None:
    """The word without a trailing particle/ending, or None when there is none to strip."""
    if not HANGUL.match(word):
        return None
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    return None


def _word_query(word: str) -> str:
    if HANGUL.match(word):
        if len(word) == 1:
            return word
        grams = [word[i : i + 2] for i in range(len(word) - 1)]
        return "(" + " & ".join(dict.fromkeys(grams)) + ")" if len(grams) > 1 else grams[0]
    if word.isdigit():
        return word
    return f"{word}:*"


@dataclass
class QueryWord:
    text: str
    variants: list[str] = field(default_factory=list)

    def tsquery(self) -> str:
        parts = [_word_query(v) for v in self.variants]
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def query_words(text: str) -> list[QueryWord]:
    """The words of a query with their variants (as typed, particle stripped, synonyms)."""
    words: list[QueryWord] = []
    for raw in WORD.findall(normalize(text))[:MAX_QUERY_WORDS]:
        raw = raw[:40]
        variants = [raw]
        stripped = strip_particle(raw)
        if stripped:
            variants.append(stripped)
        for base in list(variants):
            variants.extend(SYNONYMS.get(base, ()))
        words.append(QueryWord(raw, list(dict.fromkeys(variants))))
    return words


def tsquery(words: list[QueryWord], *, mode: str = "all") -> str:
    """to_tsquery('simple', …) text: every word (``all``) or any word (``any``)."""
    joiner = " & " if mode == "all" else " | "
    return joiner.join(w.tsquery() for w in words)


WORD_CHAR = re.compile(r"[0-9A-Za-z\uac00-\ud7a3]")


def spaced_match_is_whole(text: str, start: int, end: int) -> bool:
    """Whether a highlight match ``text[start:end]`` may stand. Within one word any slice
    may (compounds: 회의실 in 소회의실). Across a space only whole words, as the search
    means it ("다목적홀" for "다목적 홀"): the match starts where a word starts and ends
    where a word ends (or where only a particle follows: "다목적 홀을") — never the tail
    of one word and the head of the next ("도자기" in "지도자 기간제")."""
    if not any(c.isspace() for c in text[start:end]):
        return True
    if start > 0 and WORD_CHAR.match(text[start - 1]):
        return False
    rest = end
    while rest < len(text) and WORD_CHAR.match(text[rest]):
        rest += 1
    tail = text[end:rest].lower()
    return not tail or tail in PARTICLES


def highlight_patterns(words: list[QueryWord]) -> list[re.Pattern]:
    """Regexes that find a query word in displayed text, spaces between letters optional
    (a match across a space is kept only when ``spaced_match_is_whole``)."""
    patterns = []
    for word in words:
        for variant in sorted(word.variants, key=len, reverse=True):
            letters = [re.escape(c) for c in variant]
            patterns.append(re.compile(r"\s*".join(letters), re.IGNORECASE))
    return patterns
