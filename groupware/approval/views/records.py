"""기록물 등록대장 pages: each department's register (filter, PDF, Excel), the department
document box, and the year-end review of records whose retention ended."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.access import staff_page
from groupware.approval import permissions, registers, selectors, services
from groupware.approval.errors import ApprovalConflict
from groupware.approval.models import (
    Disclosure,
    DisposalDecision,
    RegisterEntry,
    Retention,
)
from groupware.approval.views.common import error_text, nav_counts, parse_date


def _filters(request) -> dict:
    year = request.GET.get("year") or ""
    return {
        "year": int(year) if year.isdigit() and 1900 < int(year) < 3000 else None,
        "kind": request.GET.get("kind") or "",
        "q": (request.GET.get("q") or "")[:100],
        "number": (request.GET.get("number") or "")[:80],
        "retention": request.GET.get("retention") or "",
        "disclosure": request.GET.get("disclosure") or "",
        "date_from": parse_date(request.GET.get("from")),
        "date_to": parse_date(request.GET.get("to")),
    }


def _base(request, **extra) -> dict:
    return {
        "counts": nav_counts(request),
        "boxes": selectors.BOXES,
        "kinds": RegisterEntry.Kind.choices,
        "retentions": Retention.choices,
        "disclosures": Disclosure.choices,
        "filters": request.GET,
        **extra,
    }


def _openable(request, rows) -> set[tuple[str, int]]:
    """(kind, id) of the rows' documents the user may open, in two queries."""
    from groupware.exchange.public import visible_received

    produced = [r.document_id for r in rows if r.document_id]
    received = [r.source_id for r in rows if r.source == "exchange" and r.source_id]
    out = {
        ("produced", pk)
        for pk in selectors.visible_documents(request.user)
        .filter(pk__in=produced)
        .values_list("pk", flat=True)
    }
    out |= {
        ("received", pk)
        for pk in visible_received(request.user, request.institution)
        .filter(pk__in=received)
        .values_list("pk", flat=True)
    }
    return out


@staff_page(permissions.can_use_approval)
def register(request):
    """기록물 등록대장 of a department: produced and received documents with their numbers."""
    departments = list(registers.departments_for(request.user, request.institution))
    scope = permissions.register_scope(request.user, request.institution)
    raw = request.GET.get("department") or ""
    if raw == "none" and scope is None:
        department_id = None
    elif raw.isdigit() and len(raw) < 18:
        department_id = int(raw)
    else:
        own = permissions.department_of(request.user)
        department_id = own if own is not None else (departments[0].pk if departments else None)
        if department_id is None and scope is not None:
            return render(request, "approval/register.html", _base(request, page=None, rows=[]))
    filters = _filters(request)
    rows = registers.register_rows(
        request.user, request.institution, department_id=department_id, filters=filters
    )
    department = next((d for d in departments if d.pk == department_id), None)
    name = department.name if department else request.institution.short_name
    title = (
        _("%(name)s 기록물 등록대장 (%(year)s년)") % {"name": name, "year": filters["year"]}
        if filters["year"]
        else _("%(name)s 기록물 등록대장") % {"name": name}
    )
    export = request.GET.get("format")
    if export in ("xlsx", "pdf"):
        rows = list(rows[:5000])
        if export == "xlsx":
            response = HttpResponse(
                registers.register_xlsx(title, rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = (
                "attachment; filename=\"register.xlsx\"; filename*=UTF-8''"
                + _quote(f"{title}.xlsx")
            )
            return response
        response = HttpResponse(
            registers.register_pdf(title, rows, institution=request.institution),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = (
            "inline; filename=\"register.pdf\"; filename*=UTF-8''" + _quote(f"{title}.pdf")
        )
        return response
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "approval/register.html",
        _base(
            request,
            page=page,
            departments=departments,
            department_id=department_id,
            all_scope=scope is None,
            title=title,
            openable=_openable(request, list(page)),
        ),
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@staff_page(permissions.can_use_approval)
def box(request):
    """부서 문서함: my department's documents, opened by openness and role."""
    rows = registers.box_rows(request.user, _filters(request))
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    department_id = permissions.department_of(request.user)
    return render(
        request,
        "approval/box.html",
        _base(
            request,
            page=page,
            box="department",
            is_head=permissions.is_head_of(request.user, department_id),
            has_department=department_id is not None,
            openable=_openable(request, list(page)),
        ),
    )


def can_review_retention(user, institution) -> bool:
    """The year-end review: institution admins, and department heads for their department."""
    if access.is_institution_admin(user, institution):
        return True
    return permissions.is_head_of(user, permissions.department_of(user))


@staff_page(can_review_retention)
def retention(request):
    """보존기간 경과 기록물: records due for review by the end of the year, and what was decided."""
    year_text = request.GET.get("year") or ""
    year = int(year_text) if year_text.isdigit() and 1900 < int(year_text) < 3000 else None
    year = year or registers.this_year()
    rows = registers.due_rows(request.user, request.institution, year=year)
    decided = DisposalDecision.objects.select_related("entry")
    if not access.is_institution_admin(request.user, request.institution):
        decided = decided.filter(entry__department_id=permissions.department_of(request.user))
    return render(
        request,
        "approval/retention.html",
        _base(
            request,
            rows=rows[:500],
            year=year,
            this_year=registers.this_year(),
            decided=decided[:50],
            decisions=DisposalDecision.Decision.choices,
        ),
    )


@staff_page(can_review_retention)
@require_POST
def retention_decide(request, pk: int):
    entry = registers.entry_for_review(request.user, request.institution, pk)
    try:
        services.register_decide(
            actor=request.user,
            institution=request.institution,
            entry=entry,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            retention=request.POST.get("retention", ""),
        )
    except ValidationError as error:
        messages.error(request, f"{entry.number}: {error_text(error)}")
    except ApprovalConflict as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request, _("%(number)s 처리 결과를 기록했습니다.") % {"number": entry.number}
        )
    return redirect("approval:retention")
