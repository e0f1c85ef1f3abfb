"""전자결재 document pages: inboxes, the drafting form, the document and its actions.
Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_page
from groupware.approval import leave as leave_rules
from groupware.approval import permissions, selectors, services
from groupware.approval.actions import ACTIONS, perform
from groupware.approval.errors import ApprovalConflict, ApprovalForbidden
from groupware.approval.models import (
    DelegationRule,
    Disclosure,
    FavouriteLine,
    Form,
    LeaveKind,
    PostReport,
    RecipientKind,
    Retention,
    State,
    StepRole,
)
from groupware.approval.views.common import error_text, nav_counts, parse_date, people_choices
from groupware.models import Department

LINE_ROWS = 8


# --- inboxes ----------------------------------------------------------------


@staff_page(permissions.can_use_approval)
def inbox(request, box: str = "waiting"):
    """결재대기 / 진행중 / 완료 / 반려 / 참조·공람 / 사후보고 / 임시저장, with search."""
    if box not in selectors.BOXES:
        raise Http404
    user = request.user
    filters = {
        "q": request.GET.get("q", "")[:100],
        "number": request.GET.get("number", "")[:80],
        "drafter": request.GET.get("drafter", "")[:60],
        "state": request.GET.get("state", ""),
        "date_from": parse_date(request.GET.get("from")),
        "date_to": parse_date(request.GET.get("to")),
    }
    if box == "post_reports":
        rows = selectors.post_reports_for(user)
    else:
        rows = selectors.inbox(user, box, **filters)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "approval/inbox.html",
        {
            "box": box,
            "box_label": selectors.BOXES[box],
            "boxes": selectors.BOXES,
            "page": page,
            "filters": request.GET,
            "states": State.choices,
            "counts": nav_counts(request),
        },
    )


# --- drafting ---------------------------------------------------------------


def _line_from_post(post) -> list[dict]:
    line = []
    for i in range(LINE_ROWS):
        user = post.get(f"step_user_{i}")
        role = post.get(f"step_role_{i}")
        if user and role:
            line.append({"user": user, "role": role, "order": post.get(f"step_order_{i}") or i + 1})
    return line


def _leave_from_post(post) -> dict | None:
    if not post.get("leave_kind"):
        return None
    return {
        "kind": post.get("leave_kind"),
        "start_date": parse_date(post.get("leave_start")),
        "end_date": parse_date(post.get("leave_end")) or parse_date(post.get("leave_start")),
        "reason": post.get("leave_reason", ""),
    }


def _fields_from_post(post) -> dict:
    return {
        "form": post.get("form") or Form.GENERAL,
        "title": post.get("title", ""),
        "body": post.get("body", ""),
        "recipient_kind": post.get("recipient_kind") or RecipientKind.INTERNAL,
        "recipients": post.get("recipients", ""),
        "via": post.get("via", ""),
        "retention": post.get("retention") or Retention.Y5,
        "disclosure": post.get("disclosure") or Disclosure.PUBLIC,
        "disclosure_ground": post.get("disclosure_ground") or None,
    }


def _form_context(request, *, document=None, values=None, line=None, cc=None, leave=None):
    institution = request.institution
    favourites = FavouriteLine.objects.filter(owner=request.user)
    rows = list(line or [])[:LINE_ROWS]
    rows += [{}] * (min(LINE_ROWS, max(4, len(rows) + 2)) - len(rows))
    return {
        "document": document,
        "values": values or {},
        "line_rows": rows,
        "cc_ids": {str(c) for c in (cc or [])},
        "leave": leave or {},
        "people": [p for p in people_choices(institution) if p["id"] != request.user.pk],
        "favourites": favourites,
        "forms": Form.choices,
        "roles": StepRole.choices,
        "retentions": Retention.choices,
        "disclosures": Disclosure.choices,
        "recipient_kinds": RecipientKind.choices,
        "leave_kinds": LeaveKind.choices,
        "grounds": range(1, 9),
        "balance": leave_rules.leave_balance(request.user),
        "rules": DelegationRule.objects.select_related("position"),
    }


def _save_favourite(request, line, cc):
    name = request.POST.get("save_line_as", "").strip()
    if name:
        try:
            services.favourite_line_save(
                actor=request.user, institution=request.institution, name=name, line=line, cc=cc
            )
        except ValidationError as error:
            messages.warning(request, error_text(error))


@staff_page(permissions.can_use_approval)
@require_http_methods(["GET", "POST"])
def create(request):
    """New document (기안): form, line, cc, attachments; save as draft or submit at once."""
    if request.method == "POST":
        line = _line_from_post(request.POST)
        cc = request.POST.getlist("cc")
        values = _fields_from_post(request.POST)
        leave = _leave_from_post(request.POST)
        try:
            document = services.document_create_draft(
                actor=request.user,
                institution=request.institution,
                line=line,
                cc=cc,
                leave=leave,
                attachments=request.FILES.getlist("attachments"),
                **values,
            )
            if request.POST.get("submit_now"):
                services.document_submit(
                    actor=request.user, institution=request.institution, document=document
                )
                messages.success(request, _("상신했습니다."))
            else:
                messages.success(request, _("임시저장했습니다."))
            _save_favourite(request, line, cc)
            return redirect("approval:detail", pk=document.pk)
        except ValidationError as error:
            messages.error(request, error_text(error))
            context = _form_context(request, values=values, line=line, cc=cc, leave=leave or {})
            return render(request, "approval/form.html", context, status=400)
    values = {
        "form": request.GET.get("form") if request.GET.get("form") in Form.values else Form.GENERAL
    }
    line, cc = [], []
    favourite = (
        FavouriteLine.objects.filter(owner=request.user, pk=request.GET.get("line") or 0).first()
        if (request.GET.get("line") or "").isdigit()
        else None
    )
    if favourite is not None:
        line, cc = favourite.steps, favourite.cc
    return render(
        request, "approval/form.html", _form_context(request, values=values, line=line, cc=cc)
    )


# Longer than most views: one form carries the fields, the line, cc, leave and files, and
# a refused save must show every part again as typed; splitting it would scatter that.
@staff_page(permissions.can_use_approval)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    """Edit a draft, or a returned/recalled document before resubmitting."""
    document = selectors.document_for(request.user, pk)
    if not permissions.can_edit(request.user, document):
        raise PermissionDenied
    if request.method == "POST":
        line = _line_from_post(request.POST)
        cc = request.POST.getlist("cc")
        values = _fields_from_post(request.POST)
        leave = _leave_from_post(request.POST)
        try:
            services.document_update_draft(
                actor=request.user,
                institution=request.institution,
                document=document,
                line=line,
                cc=cc,
                leave=leave,
                attachments=request.FILES.getlist("attachments"),
                remove_attachments=[
                    int(x) for x in request.POST.getlist("remove_attachment") if x.isdigit()
                ],
                **values,
            )
            if request.POST.get("submit_now"):
                services.document_submit(
                    actor=request.user, institution=request.institution, document=document
                )
                messages.success(request, _("상신했습니다."))
            else:
                messages.success(request, _("저장했습니다."))
            _save_favourite(request, line, cc)
            return redirect("approval:detail", pk=document.pk)
        except ValidationError as error:
            messages.error(request, error_text(error))
            context = _form_context(
                request, document=document, values=values, line=line, cc=cc, leave=leave or {}
            )
            return render(request, "approval/form.html", context, status=400)
        except (ApprovalConflict, ApprovalForbidden) as error:
            messages.error(request, error.message)
            return redirect("approval:detail", pk=document.pk)
    values = {f: getattr(document, f) for f in _fields_from_post({})}
    line = [
        {"user": s.approver_id, "role": s.role, "order": s.order} for s in document.current_steps()
    ]
    cc = list(document.readers.filter(kind="cc").values_list("user_id", flat=True))
    leave = {}
    if hasattr(document, "leave"):
        lv = document.leave
        leave = {
            "kind": lv.kind,
            "start_date": lv.start_date,
            "end_date": lv.end_date,
            "reason": lv.reason,
        }
    return render(
        request,
        "approval/form.html",
        _form_context(request, document=document, values=values, line=line, cc=cc, leave=leave),
    )


# --- the document -------------------------------------------------------------


@staff_page(permissions.can_use_approval)
def detail(request, pk: int):
    """The document with its line (every round), versions, history and the actions open to the viewer."""
    user = request.user
    document = selectors.document_for(user, pk)
    services.document_mark_read(user=user, document=document)
    steps = list(document.steps.all().order_by("round", "order", "id"))
    current = [s for s in steps if s.round == document.round]
    rounds = {}
    for s in steps:
        if s.round != document.round:
            rounds.setdefault(s.round, []).append(s)
    actable, acting = permissions.actable_step(user, document, request.institution, current)
    context = {
        "document": document,
        "current_steps": current,
        "old_rounds": sorted(rounds.items()),
        "versions": list(document.versions.all()),
        "events": list(document.events.all()),
        "attachments": list(document.attachments.all()),
        "readers": list(document.readers.all()),
        "actable": actable,
        "acting": acting,
        "can_edit": permissions.can_edit(user, document),
        "can_recall": permissions.can_recall(user, document, current),
        "cancellable": permissions.cancellable_step(user, document, current),
        "can_circulate": permissions.can_circulate(user, document),
        "can_redraft": permissions.can_redraft(user, document),
        "skippable": permissions.skippable_steps(user, document, current),
        "leave": getattr(document, "leave", None) if document.form == Form.LEAVE else None,
        "post_reports": list(
            document.post_reports.filter(user=user, acknowledged_at__isnull=True).filter(
                PostReport.STANDS
            )
        ),
        "people": people_choices(request.institution)
        if permissions.can_circulate(user, document)
        else [],
        "departments": Department.objects.filter(is_active=True)
        if permissions.can_circulate(user, document)
        else [],
        "counts": nav_counts(request),
        "boxes": selectors.BOXES,
    }
    return render(request, "approval/detail.html", context)


@staff_page(permissions.can_use_approval)
@require_POST
def act(request, pk: int, action: str):
    """One action on the document. Not allowed → 403; moved on → message; bad input → message."""
    if action not in ACTIONS:
        raise Http404
    document = selectors.document_for(request.user, pk)
    spec = ACTIONS[action]
    try:
        result = perform(
            action,
            actor=request.user,
            institution=request.institution,
            document=document,
            inputs=spec.from_form(request.POST),
        )
    except ApprovalForbidden as error:
        # say why (지금 결재할 차례가 아닙니다 …), not just "no access"
        return render(
            request, "errors/403.html", {"status": 403, "message": error.message}, status=403
        )
    except ApprovalConflict as error:
        messages.warning(request, error.message)
        return redirect("approval:detail", pk=document.pk)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("approval:detail", pk=document.pk)
    messages.success(request, str(spec.done))
    if spec.creates:
        return redirect("approval:edit", pk=result.pk)
    return redirect("approval:detail", pk=document.pk)


@staff_page(permissions.can_use_approval)
def pdf(request, pk: int):
    """The stored official-document PDF (rendered now if the background task has not run yet)."""
    from groupware.approval.pdf import ensure_pdf

    document = selectors.document_for(request.user, pk)
    if document.state != State.APPROVED:
        raise Http404
    if not document.pdf:
        ensure_pdf(document.pk)
        document.refresh_from_db()
    return FileResponse(
        document.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{document.number}.pdf",
        as_attachment=request.GET.get("download") == "1",
    )


@staff_page(permissions.can_use_approval)
def attachment(request, pk: int, attachment_id: int):
    """붙임 download, for those who may see the document only."""
    document = selectors.document_for(request.user, pk)
    item = document.attachments.filter(pk=attachment_id).first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
