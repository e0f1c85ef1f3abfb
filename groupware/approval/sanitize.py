"""Document bodies are rich text from users: keep a small safe subset of HTML (nh3)."""

import html
import re

import nh3

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ol", "ul", "li", "table", "thead",
    "tbody", "tr", "th", "td", "h3", "h4", "blockquote", "span", "div",
}  # fmt: skip
ATTRIBUTES = {
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}  # "class" on <p>: only the item-N classes below (nh3 allowed_classes)
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
_TAG_NAMES = "|".join(sorted(TAGS, key=len, reverse=True))
_HTML = re.compile(rf"</?\s*(?:{_TAG_NAMES})\b[^>]*>", re.I)
ALLOWED_CLASSES = {"p": {f"item-{n}" for n in range(len(ITEM_LEVELS))}}


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
    if not _HTML.search(text):  # "금액 < 100" is still plain text
        text = "".join(_paragraph(line) for line in text.splitlines() if line.strip())
    return nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel=None,
    ).strip()


def body_text(body: str) -> str:
    """The body as plain text (search, e-mail)."""
    return nh3.clean(body or "", tags=set()).strip()
