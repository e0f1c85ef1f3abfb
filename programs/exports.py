"""The roster of a program as CSV (UTF-8 with BOM, opens in Excel) and Excel (.xlsx)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from privacy.public import mask_email, mask_name, mask_phone
from programs.models import Application, ApplicationStatus
from programs.services import waitlist_position

HEADERS = [
    "번호",
    "상태",
    "대기 순번",
    "신청 일시",
    "이름",
    "연락처",
    "이메일",
    "생년월일",
    "관내 거주 확인",
    "사유",
]


def _masked_birth(value) -> str:
    return f"{value.year}. **. **." if value else ""


def rows(program, *, masked: bool = True) -> list[list]:
    """The roster; masked by default (홍*동, 010-****-5678) — full only when asked."""
    out = []
    applications = program.applications.order_by("created_at", "id")
    for n, a in enumerate(applications, start=1):
        created = timezone.localtime(a.created_at)
        out.append(
            [
                n,
                str(ApplicationStatus(a.status).label),
                waitlist_position(a) or "",
                f"{created.year}. {created.month}. {created.day}. {created:%H:%M}",
                mask_name(a.applicant_name) if masked else a.applicant_name,
                mask_phone(a.phone) if masked else a.phone,
                mask_email(a.email) if masked else a.email,
                _masked_birth(a.birth_date)
                if masked
                else f"{a.birth_date.year}. {a.birth_date.month}. {a.birth_date.day}."
                if a.birth_date
                else "",
                "예" if a.resident_declared else "",
                a.status_reason,
            ]
        )
    return out


def _safe(value):
    # a cell starting with = + - @ is a formula in spreadsheets: neutralise (CSV injection)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def roster_csv(program, *, masked: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows(program, masked=masked):
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def roster_xlsx(program, *, masked: bool = True) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "명단"
    sheet.append([program.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows(program, masked=masked):
        sheet.append([_safe(v) for v in row])
    for column, width in zip("ABCDEFGHIJ", (6, 10, 8, 18, 12, 16, 26, 14, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["Application", "roster_csv", "roster_xlsx"]
