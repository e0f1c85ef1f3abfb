"""Document bodies: plain text becomes paragraphs indented by their 공문서 item marker;
the HTML is then cleaned by the one sanitiser policy (suite.richtext)."""

import html
import re

from suite.richtext import ITEM_LEVEL_COUNT, clean_html, looks_like_html, plain_text

# 공문서 item markers in their order; each level sits one Korean character (2타) further in
_GA = "가나다라마바사아자차카타파하"
ITEM_LEVELS = [
    re.compile(r"^\d+\.\s"),  # 1.
    re.compile(rf"^[{_GA}]\.\s"),  # 가.
    re.compile(r"^\d+\)\s"),  # 1)
    re.compile(rf"^[{_GA}]\)\s"),  # 가)
    re.compile(r"^\(\d+\)\s"),  # (1)
    re.compile(rf"^\([{_GA}]\)\s"),  # (가)
    re.compile(r"^[\u2460-\u246e]\s?"),  # ①
    re.compile(r"^[\u326e-\u327b]\s?"),  # ㉮
]
assert len(ITEM_LEVELS) == ITEM_LEVEL_COUNT  # the item-N classes the sanitiser keeps


def item_level(line: str) -> int | None:
    """0 for "1.", 1 for "가.", … 7 for "㉮"; None for a line without an item marker."""
    text = line.strip()
    for level, pattern in enumerate(ITEM_LEVELS):
        if pattern.match(text):
            return level
    return None


def _paragraph(line: str) -> str:
    level = item_level(line)
    css = f' class="item-{level}"' if level is not None else ""
    return f"<p{css}>{html.escape(line.strip())}</p>"


def clean_body(text: str) -> str:
    """Sanitised HTML. Plain text (no tags) becomes paragraphs, one per line, each line
    that starts with an item marker (1. 가. 1) 가) (1) (가) ① ㉮) indented to its level."""
    text = (text or "").strip()
    if not text:
        return ""
    if not looks_like_html(text, known_tags_only=True):  # "금액 < 100" is still plain text
        text = "".join(_paragraph(line) for line in text.splitlines() if line.strip())
    return clean_html(text)


def body_text(body: str) -> str:
    """The body as plain text (search, e-mail)."""
    return plain_text(body)
