"""One sanitiser policy for rich text people write (board posts, approval documents).

Stored HTML is always the output of ``clean_html``: a small whitelist of tags and
attributes (nh3), links limited to http(s)/mailto/tel with ``rel="noopener noreferrer
nofollow"``, and on ``<p>`` only the ``item-N`` classes that indent the 공문서 item
markers (1. 가. 1) 가) (1) (가) ① ㉮). Plain text is turned into HTML by the caller
(boards keep line breaks, approval indents item markers) before it comes here.
"""

from __future__ import annotations

import re

import nh3

# Levels of the 공문서 item markers (groupware.approval.sanitize.ITEM_LEVELS).
ITEM_LEVEL_COUNT = 8

TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "s", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "pre", "code",
    "span", "div",
})  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {"p": {f"item-{n}" for n in range(ITEM_LEVEL_COUNT)}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "noopener noreferrer nofollow"

_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_TAG_NAMES = "|".join(sorted(TAGS, key=len, reverse=True))
_KNOWN_TAG = re.compile(rf"</?\s*(?:{_TAG_NAMES})\b[^>]*>", re.I)


def looks_like_html(text: str, *, known_tags_only: bool = False) -> bool:
    """Whether ``text`` already carries markup (else the caller converts plain text).

    With ``known_tags_only`` only whitelisted tags count, so "금액 < 100" or "<비고>" stays
    plain text.
    """
    return bool((_KNOWN_TAG if known_tags_only else _TAG).search(text or ""))


def clean_html(html: str) -> str:
    """The whitelisted subset of ``html``, safe to store and show."""
    return nh3.clean(
        html or "",
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    ).strip()


# The end of a block (a paragraph, a line break, a list item, a cell): its text and the
# next block's must not run together once the tags are gone ("1년 이상" + "근무" is not
# "1년 이상근무" — for the reader of a summary nor for the search index).
_BLOCK_END = re.compile(
    r"(<br\s*/?>|</(?:p|div|li|h[1-6]|tr|td|th|blockquote|pre|table|ul|ol|dt|dd)\s*>)(?!\s)",
    re.IGNORECASE,
)


def plain_text(html: str) -> str:
    """The text of stored HTML without any tag (search, e-mail); blocks keep a line
    break between them."""
    return nh3.clean(_BLOCK_END.sub("\\1\n", html or ""), tags=set()).strip()
