"""전자결재 document pages: inboxes, the drafting form, the document and its actions.
Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_page
from groupware.approval import leave as leave_rules
from groupware.approval import permissions, selectors, services
from groupware.approval.actions import ACTIONS, perform
from groupware.approval.errors import ApprovalConflict, ApprovalForbidden
from groupware.approval.formdata import display_rows
from groupware.approval.models import (
    FavouriteLine,
    Form,
    FormTemplate,
    State,
)
from groupware.approval.public import DocumentPanel, document_panels
from groupware.approval.views import draft_form
from groupware.approval.views.common import error_text, nav_counts, parse_date, people_choices
from groupware.models import Department

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


def _template_for(code) -> FormTemplate | None:
    return FormTemplate.objects.filter(code=str(code or Form.GENERAL)[:40]).first()


def _save_favourite(request, line, cc):
    name = request.POST.get("save_line_as", "").strip()
    if name:
        try:
            services.favourite_line_save(
                actor=request.user, institution=request.institution, name=name, line=line, cc=cc
            )
        except ValidationError as error:
            messages.warning(request, error_text(error))


def _save_department_line(request, line, cc, form: str):
    name = request.POST.get("save_department_line_as", "").strip()
    if not name:
        return
    from groupware.approval.permissions import department_of
    from groupware.models import Department

    department = Department.objects.filter(pk=department_of(request.user)).first()
    try:
        services.line_template_save(
            actor=request.user,
            institution=request.institution,
            department=department,
            name=name,
            line=line,
            cc=cc,
            form=form,
        )
    except PermissionDenied:
        messages.warning(request, _("부서 결재선은 부서장만 저장할 수 있습니다."))
    except ValidationError as error:
        messages.warning(request, error_text(error))


def _posted(request) -> dict:
    post = request.POST
    values = draft_form.fields_from_post(post)
    template = _template_for(values["form"])
    return {
        "values": values,
        "template": template,
        "line": draft_form.line_from_post(post),
        "cc": post.getlist("cc"),
        "leave": draft_form.leave_from_post(post),
        "form_data": draft_form.form_data_from_post(template, post),
        "recipient_list": draft_form.recipients_from_post(post),
        "cancels": post.get("cancels") or None,
    }


def _redisplay(request, data: dict, *, document=None, errors=None, status=400):
    context = draft_form.context(
        request,
        template=data["template"],
        document=document,
        values=data["values"],
        line=data["line"],
        cc=data["cc"],
        leave=data["leave"] or {},
        form_data=data["form_data"],
        recipients=draft_form.recipients_from_values(request.POST),
        cancels=data["cancels"],
        errors=errors,
    )
    return render(request, "approval/form.html", context, status=status)


def _propose(request, data: dict, *, document=None):
    """결재선 제안 (a button of the form): the line from the org chart for this form and
    amount; everything typed stays, nothing is saved."""
    from groupware.approval.formdata import amount_of, clean_form_data

    amount = None
    if data["template"] is not None:
        try:
            cleaned = clean_form_data(
                data["template"].fields or [], data["form_data"], strict=False
            )
            amount = amount_of(data["template"].amount_field, cleaned)
        except ValidationError:
            amount = None
    line = services.propose_line(
        institution=request.institution,
        drafter=request.user,
        form=data["values"]["form"],
        amount=amount,
    )
    if line:
        data["line"] = line
        messages.info(
            request, _("조직도와 위임전결 규정으로 결재선을 제안했습니다. 확인해 주세요.")
        )
    else:
        messages.warning(
            request, _("조직도에서 제안할 결재자를 찾지 못했습니다. 직접 지정해 주세요.")
        )
    return _redisplay(request, data, document=document, status=200)


def _service_input(data: dict) -> dict:
    return {
        "line": data["line"],
        "cc": data["cc"],
        "leave": data["leave"],
        "form_data": data["form_data"],
        "recipient_list": data["recipient_list"],
        "cancels": data["cancels"],
        **data["values"],
    }


def _after_save(request, document, data: dict, saved_message):
    if request.POST.get("submit_now"):
        services.document_submit(
            actor=request.user, institution=request.institution, document=document
        )
        messages.success(request, _("상신했습니다."))
    else:
        messages.success(request, saved_message)
    _save_favourite(request, data["line"], data["cc"])
    _save_department_line(request, data["line"], data["cc"], data["values"]["form"])


@staff_page(permissions.can_use_approval)
@require_http_methods(["GET", "POST"])
def create(request):
    """New document (기안): 양식 and its fields, line, cc, recipients, attachments; save as
    draft or submit at once. A refusal shows every part again as typed."""
    if request.method == "POST":
        data = _posted(request)
        if request.POST.get("propose"):
            return _propose(request, data)
        try:
            with transaction.atomic():
                document = services.document_create_draft(
                    actor=request.user,
                    institution=request.institution,
                    attachments=request.FILES.getlist("attachments"),
                    **_service_input(data),
                )
                _after_save(request, document, data, _("임시저장했습니다."))
            return redirect("approval:detail", pk=document.pk)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return _redisplay(request, data, errors=draft_form.field_errors(error))
    template = _template_for(request.GET.get("form"))
    if template is None or not template.is_active:
        template = _template_for(Form.GENERAL)
    values = {"form": template.code if template else Form.GENERAL}
    line, cc = _initial_line(request, template)
    return render(
        request,
        "approval/form.html",
        draft_form.context(
            request,
            template=template,
            values=values,
            line=line,
            cc=cc,
            cancels=request.GET.get("cancels", ""),
        ),
    )


def _initial_line(request, template) -> tuple[list, list]:
    """A favourite (?line=), a department template (?template=) or the org chart's
    proposal (?propose=1) fills the line of a new draft."""
    from groupware.approval.models import LineTemplate
    from groupware.approval.permissions import department_of

    line_id = request.GET.get("line") or ""
    if line_id.isdigit() and len(line_id) < 18:
        favourite = FavouriteLine.objects.filter(owner=request.user, pk=line_id).first()
        if favourite is not None:
            return favourite.steps, favourite.cc
    template_id = request.GET.get("template") or ""
    if template_id.isdigit() and len(template_id) < 18:
        shared = LineTemplate.objects.filter(
            pk=template_id, department_id=department_of(request.user)
        ).first()
        if shared is not None:
            return shared.steps, shared.cc
    if request.GET.get("propose"):
        code = template.code if template else Form.GENERAL
        return services.propose_line(
            institution=request.institution, drafter=request.user, form=code
        ), []
    return [], []


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
        data = _posted(request)
        if request.POST.get("propose"):
            return _propose(request, data, document=document)
        try:
            with transaction.atomic():
                services.document_update_draft(
                    actor=request.user,
                    institution=request.institution,
                    document=document,
                    attachments=request.FILES.getlist("attachments"),
                    remove_attachments=[
                        int(x)
                        for x in request.POST.getlist("remove_attachment")
                        if x.isdigit() and len(x) < 18
                    ],
                    **_service_input(data),
                )
                _after_save(request, document, data, _("저장했습니다."))
            return redirect("approval:detail", pk=document.pk)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return _redisplay(
                request, data, document=document, errors=draft_form.field_errors(error)
            )
        except (ApprovalConflict, ApprovalForbidden) as error:
            messages.error(request, error.message)
            return redirect("approval:detail", pk=document.pk)
    values = {f: getattr(document, f) for f in draft_form.fields_from_post({})}
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
            "start_time": lv.start_time,
            "hours": lv.hours,
            "reason": lv.reason,
        }
    return render(
        request,
        "approval/form.html",
        draft_form.context(
            request,
            template=_template_for(document.form),
            document=document,
            values=values,
            line=line,
            cc=cc,
            leave=leave,
            form_data=document.form_data,
            recipients=draft_form.recipients_initial(document),
            cancels=document.cancels_id or "",
        ),
    )


# --- the document -------------------------------------------------------------


@staff_page(permissions.can_use_approval)
def detail(request, pk: int):
    """The document with its line (every round), versions, history and the actions open to the viewer."""
    user = request.user
    document = selectors.document_for(user, pk, page=True)
    readers, events = list(document.readers.all()), list(document.events.all())
    if services.document_mark_read(user=user, document=document, readers=readers, events=events):
        readers, events = list(document.readers.all()), list(document.events.all())  # first view
    # read by the page and by the exchange's panel: once, and only for a 시행문 (an
    # internal document shows no recipient list)
    if document.is_outgoing:
        prefetch_related_objects([document], "recipient_list")
    steps = list(document.steps.all().order_by("round", "order", "id"))
    step_of = {s.pk: s for s in steps}
    current = [s for s in steps if s.round == document.round]
    rounds = {}
    for s in steps:
        if s.round != document.round:
            rounds.setdefault(s.round, []).append(s)
    actable, acting = permissions.actable_step(user, document, request.institution, current)
    circulate = permissions.can_circulate(user, document, steps)
    leave = getattr(document, "leave", None) if document.form == Form.LEAVE else None
    # a leave's cancellations, read once: the approved one, and whether one is under way
    cancellations = getattr(document, "cancellation_rows", None) or []
    context = {
        "document": document,
        "current_steps": current,
        "old_rounds": sorted(rounds.items()),
        # the page lists versions once there are two (``version`` counts them)
        "versions": list(document.versions.all()) if document.version > 1 else [],
        "events": events,
        "attachments": list(document.attachments.all()),
        "readers": readers,
        "actable": actable,
        "acting": acting,
        "can_edit": permissions.can_edit(user, document),
        "can_recall": permissions.can_recall(user, document, current),
        "cancellable": permissions.cancellable_step(user, document, current),
        "can_circulate": circulate,
        "can_redraft": permissions.can_redraft(user, document),
        "skippable": permissions.skippable_steps(user, document, current),
        "leave": leave,
        # the user's 사후보고 to confirm, read with the document
        "post_reports": [
            {"pk": r["pk"], "step": step_of[r["step"]]}
            for r in getattr(document, "my_post_reports", None) or []
            if r["step"] in step_of
        ],
        "people": people_choices(request.institution) if circulate else [],
        "departments": Department.objects.filter(is_active=True) if circulate else [],
        "counts": nav_counts(request),
        "boxes": selectors.BOXES,
        "form_rows": display_rows(document.form_fields, document.form_data),
        "recipient_list": list(document.recipient_list.all()) if document.is_outgoing else [],
        "cancelled_leave": getattr(document.cancels, "leave", None)
        if document.cancels_id
        else None,
        "cancelled_by": next((c for c in cancellations if c["state"] == State.APPROVED), None)
        if document.form == Form.LEAVE
        else None,
        # leave_rules.cancellable_leaves, for this one document
        "can_cancel_leave": leave is not None
        and document.state == State.APPROVED
        and permissions.is_drafter(user, document)
        and leave.user_id == user.pk
        and not any(
            c["form"] == Form.LEAVE_CANCEL and c["state"] in leave_rules.TAKEN_BACK_STATES
            for c in cancellations
        ),
        "panels": [
            html
            for html in document_panels.send(
                DocumentPanel(request=request, document=document)
            ).values()
            if html
        ],
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
