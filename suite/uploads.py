"""One rule for files people attach (board posts, approval documents).

At most ``MAX_ATTACHMENTS`` per item, ``MAX_ATTACHMENT_BYTES`` each, and no
executable types (a colleague double-clicking ``견적서.exe`` is the risk). Files are
stored under unguessable names and served only through views that check who asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
BLOCKED_EXTENSIONS = frozenset(
    {".exe", ".bat", ".cmd", ".com", ".js", ".msi", ".scr", ".vbs", ".ps1", ".sh"}
)
MESSAGES = {
    "attachment_too_many": _("첨부파일은 최대 10개까지 올릴 수 있습니다."),
    "attachment_too_large": _("첨부파일은 한 개당 20MB 이하여야 합니다."),
    "attachment_type": _("실행 파일은 첨부할 수 없습니다."),
}


def _refuse(code: str, field: str) -> ValidationError:
    return ValidationError({field: ValidationError(MESSAGES[code], code=code)})


def check_attachments(
    files: Iterable[Any] | None, *, existing: int = 0, field: str = "attachments"
) -> list[Any]:
    """The uploads to store (empty entries dropped), or a Korean ValidationError on ``field``.

    ``existing`` is how many files the item keeps already (after any removals).
    """
    uploads = [f for f in (files or []) if f]
    if existing + len(uploads) > MAX_ATTACHMENTS:
        raise _refuse("attachment_too_many", field)
    for upload in uploads:
        if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
            raise _refuse("attachment_too_large", field)
        name = (getattr(upload, "name", "") or "").lower()
        if any(name.endswith(ext) for ext in BLOCKED_EXTENSIONS):
            raise _refuse("attachment_type", field)
    return uploads


def attachment_fields(upload: Any) -> dict[str, Any]:
    """What an attachment row records about an upload: display name, size, declared type."""
    return {
        "name": (getattr(upload, "name", "") or "file")[-200:],
        "size": upload.size or 0,
        "content_type": (getattr(upload, "content_type", "") or "")[:100],
    }
