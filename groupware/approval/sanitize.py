"""Document bodies are rich text from users: keep a small safe subset of HTML (nh3)."""

import html

import nh3

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ol", "ul", "li", "table", "thead",
    "tbody", "tr", "th", "td", "h3", "h4", "blockquote", "span", "div",
}  # fmt: skip
ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}, "ol": {"start"}}


def clean_body(text: str) -> str:
    """Sanitised HTML. Plain text (no tags) becomes paragraphs, one per line."""
    text = (text or "").strip()
    if not text:
        return ""
    if "<" not in text:
        paragraphs = [html.escape(line) for line in text.splitlines()]
        text = "".join(f"<p>{line}</p>" if line.strip() else "" for line in paragraphs)
    return nh3.clean(text, tags=TAGS, attributes=ATTRIBUTES, link_rel=None).strip()


def body_text(body: str) -> str:
    """The body as plain text (search, e-mail)."""
    return nh3.clean(body or "", tags=set()).strip()
