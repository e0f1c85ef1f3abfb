"""The text contract: what a text value may hold once it enters the suite. One place for
pages (form posts and query strings, suite.input.RequestContractMiddleware) and the API
(api.parsers for JSON, form and multipart bodies).

Control characters (U+0000–U+001F except tab, line feed and carriage return, U+007F and the
C1 range U+0080–U+009F) and the bidirectional embedding/override/isolate characters
(U+202A–U+202E, U+2066–U+2069) are **removed** from every value, before any form or
serializer sees it. They cannot be typed, only pasted or forged; stored, they break
layouts, CSV exports and PDFs, or make a name or a file name read backwards
("invoice\u202efdp.exe"). Removing them rather than refusing the whole request keeps a
resident's text pasted from a word processor working. Passwords are left alone: they
are never shown, and changing them would lock people out.
"""

from __future__ import annotations

import re

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """``value`` without the characters the suite never stores."""
    return FORBIDDEN.sub("", value) if FORBIDDEN.search(value) else value


def is_secret_field(name) -> bool:
    """Fields whose value is compared, never shown: left exactly as sent."""
    return isinstance(name, str) and "password" in name.lower()


def clean_data(value, *, key=None):
    """Every string inside a parsed JSON value (dicts, lists, nested), cleaned."""
    if isinstance(value, str):
        return value if is_secret_field(key) else clean_text(value)
    if isinstance(value, dict):
        return {k: clean_data(v, key=k) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(v, key=key) for v in value]
    return value


def clean_querydict(data):
    """A cleaned, mutable-then-frozen copy of a QueryDict (or the same one if clean)."""
    if not any(
        FORBIDDEN.search(v) for k, values in data.lists() if not is_secret_field(k) for v in values
    ):
        return data
    cleaned = data.copy()
    for key, values in data.lists():
        if not is_secret_field(key):
            cleaned.setlist(key, [clean_text(v) for v in values])
    cleaned._mutable = False
    return cleaned


def clean_file_names(files) -> None:
    """Uploaded files' names (shown in lists, stored as attachment names), cleaned in place."""
    for _field, uploads in files.lists():
        for upload in uploads:
            if isinstance(upload.name, str):
                upload.name = clean_text(upload.name)
