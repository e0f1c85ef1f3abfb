"""Reads of the department registers (기록물 등록대장): who may read which register, the
rows filtered, the department box, the year-end review list, and the register as Excel
or PDF for printing."""

from __future__ import annotations

import datetime
import io

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from groupware.approval.models import Disclosure, RegisterEntry, Retention
from groupware.approval.permissions import (
    department_of,
    is_head_of,
    register_scope,
)

HEADERS = [
    "등록번호",
    "구분",
    "등록일자",
    "제목",
    "기안자·발신명의",
    "발신 기관(문서번호)",
    "수신자",
    "보존기간",
    "공개 구분",
    "첨부",
    "상태",
]


def departments_for(user, institution):
    """The departments whose register the user may open (in tree order)."""
    from groupware.models import Department

    scope = register_scope(user, institution)
    rows = Department.objects.order_by("order", "name")
    if scope is not None:
        rows = rows.filter(pk__in=[d for d in scope if d is not None])
    return rows


def register_rows(user, institution, *, department_id, filters: dict):
    """Rows of one department's register (``department_id`` None: the institution's own,
    for the 문서과 and admins), filtered. Http404 for a register the user may not read."""
    scope = register_scope(user, institution)
    if scope is not None and department_id not in scope:
        raise Http404
    rows = (
        RegisterEntry.objects.filter(department__isnull=True)
        if department_id is None
        else RegisterEntry.objects.filter(department_id=department_id)
    )
    return apply_filters(rows, filters).order_by("-year", "-serial")


def apply_filters(rows, filters: dict):
    if filters.get("year"):
        rows = rows.filter(year=filters["year"])
    if filters.get("kind") in RegisterEntry.Kind.values:
        rows = rows.filter(kind=filters["kind"])
    if filters.get("q"):
        rows = rows.filter(Q(title__icontains=filters["q"]) | Q(sender__icontains=filters["q"]))
    if filters.get("number"):
        rows = rows.filter(number__icontains=filters["number"])
    if filters.get("retention") in Retention.values:
        rows = rows.filter(retention=filters["retention"])
    if filters.get("disclosure") in Disclosure.values:
        rows = rows.filter(disclosure=filters["disclosure"])
    if filters.get("date_from"):
        rows = rows.filter(registered_on__gte=filters["date_from"])
    if filters.get("date_to"):
        rows = rows.filter(registered_on__lte=filters["date_to"])
    return rows


def box_rows(user, filters: dict):
    """부서 문서함: the user's department's register rows, each with whether the user may
    open it (공개·부분공개 for members; every one for the head)."""
    department = department_of(user)
    if department is None:
        return RegisterEntry.objects.none()
    rows = RegisterEntry.objects.filter(department_id=department, disposed_at__isnull=True)
    return apply_filters(rows, filters).order_by("-registered_on", "-serial")


def opens_in_box(user, entry: RegisterEntry) -> bool:
    return entry.disclosure != Disclosure.CLOSED or is_head_of(user, entry.department_id)


def due_rows(user, institution, *, year: int, department_id=None):
    """Records whose retention ends by the end of ``year`` and not yet disposed of, in the
    departments whose review the user decides (all for an admin, else their own as head)."""
    from accounts import access

    rows = RegisterEntry.objects.filter(
        retention_until__isnull=False, retention_until__lte=year, disposed_at__isnull=True
    )
    if not access.is_institution_admin(user, institution):
        own = department_of(user)
        if own is None or not is_head_of(user, own):
            return RegisterEntry.objects.none()
        rows = rows.filter(department_id=own)
    elif department_id:
        rows = rows.filter(department_id=department_id)
    return rows.order_by("retention_until", "department_name", "year", "serial")


def entry_for_review(user, institution, pk) -> RegisterEntry:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    entry = RegisterEntry.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if entry is None:
        raise Http404
    from groupware.approval.permissions import can_decide_disposal

    if not can_decide_disposal(user, institution, entry.department_id):
        raise Http404
    return entry


def this_year() -> int:
    return timezone.localdate().year


# --- export ---------------------------------------------------------------------------


def _date(value: datetime.date | None) -> str:
    from suite.dates import kdate

    return kdate(value) if value else ""


def row_values(entry: RegisterEntry) -> list:
    sender = f"{entry.sender} ({entry.sender_number})" if entry.sender else ""
    return [
        entry.number,
        entry.get_kind_display(),
        _date(entry.registered_on),
        entry.title,
        entry.author,
        sender,
        entry.recipients,
        entry.get_retention_display(),
        entry.get_disclosure_display()
        + (f" ({entry.disclosure_ground}호)" if entry.disclosure_ground else ""),
        entry.attachment_count,
        "폐기" if entry.disposed_at else "",
    ]


def _safe(value):
    # a cell starting with = + - @ is a formula in spreadsheets: neutralise it
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def register_xlsx(title: str, rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "기록물등록대장"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for entry in rows:
        sheet.append([_safe(v) for v in row_values(entry)])
    widths = (16, 6, 14, 40, 18, 26, 26, 8, 12, 6, 6)
    for column, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_pdf(title: str, rows, *, institution) -> bytes:
    from suite.pdf import render_pdf

    return render_pdf(
        "approval/pdf/register.html",
        {
            "title": title,
            "headers": HEADERS,
            "rows": [row_values(e) for e in rows],
            "institution": institution,
            "printed_at": timezone.localtime(),
        },
    )
