"""Masking of personal data on staff screens and in exports (010-****-5678, 홍*동)."""

from __future__ import annotations

import re


def mask_phone(value: str | None) -> str:
    """010-1234-5678 → 010-****-5678; 02-123-4567 → 02-***-4567; anything else keeps its
    last four digits only."""
    if not value:
        return ""
    text = str(value).strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) < 7:
        return "*" * len(text)
    if digits.startswith("02"):
        head, tail = "02", digits[-4:]
        middle = digits[2:-4]
    else:
        head, tail = digits[:3], digits[-4:]
        middle = digits[3:-4]
    return f"{head}-{'*' * len(middle)}-{tail}"


def mask_name(value: str | None) -> str:
    """홍길동 → 홍*동, 남궁민수 → 남**수, 이수 → 이*, John Smith → J*** S****."""
    if not value:
        return ""
    text = str(value).strip()
    if " " in text and text.isascii():
        return " ".join(part[:1] + "*" * (len(part) - 1) for part in text.split())
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask_email(value: str | None) -> str:
    """hong.gildong@example.kr → ho**********@example.kr."""
    if not value or "@" not in str(value):
        return mask_name(value)
    local, _, domain = str(value).partition("@")
    keep = local[:2] if len(local) > 2 else local[:1]
    return f"{keep}{'*' * (len(local) - len(keep))}@{domain}"
