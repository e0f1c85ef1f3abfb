"""문서유통 pages (institution host, /staff/exchange/…). Thin: parse, ask, call a service.

Anonymous → log-in; not staff here → 404; a member who may not do this → 403 with the
reason; a received document that is not theirs to see (or another institution's id) →
404; bad input → the Korean message, nothing stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import staff_page
from accounts.models import User
from groupware.approval.public import Document, error_text, nav_counts, people_choices
from groupware.exchange import permissions, selectors, services
from groupware.exchange.errors import ExchangeConflict, ExchangeForbidden
from groupware.exchange.models import ReceivedState
from groupware.exchange.relay.models import EnvelopeState
from groupware.exchange.stamp import ensure_stamped


def _context(request, **extra) -> dict:
    from groupware.approval.public import BOXES as APPROVAL_BOXES

    office = permissions.can_manage_incoming(request.user, request.institution)
    boxes = {
        key: label
        for key, label in selectors.BOXES.items()
        if office or key not in selectors.OFFICE_BOXES
    }
    return {
        "exchange_boxes": boxes,
        "is_office": office,
        "counts": nav_counts(request),
        "boxes": APPROVAL_BOXES,
        **extra,
    }


@staff_page(permissions.can_use_exchange)
def incoming(request, box: str | None = None):
    """수신함: the 문서과's boxes (접수 대기, 배부 전, 반송, 전체) and everyone's (부서 수신
    문서, 내 담당, 공람)."""
    box = box or selectors.default_box(request.user, request.institution)
    rows = selectors.incoming(request.user, request.institution, box)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        rows = rows.filter(title__icontains=q)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/incoming.html",
        _context(request, box=box, box_label=selectors.BOXES[box], page=page, q=q),
    )


def _departments():
    from groupware.models import Department

    return Department.objects.filter(is_active=True).order_by("order", "name")


@staff_page(permissions.can_use_exchange)
def received(request, pk: int):
    """The received copy: what was sent, its 접수 and the actions open to the viewer."""
    from groupware.models import StaffProfile

    item = selectors.received_for(request.user, request.institution, pk)
    services.received_mark_read(user=request.user, received=item)
    user, institution = request.user, request.institution
    office = permissions.can_manage_incoming(user, institution)
    can_assign = permissions.can_assign(user, institution, item)
    members = []
    if can_assign and item.department_id:
        ids = StaffProfile.objects.filter(
            department_id=item.department_id, is_active=True
        ).values_list("user_id", flat=True)
        members = list(User.objects.filter(pk__in=list(ids), is_active=True).order_by("name"))
    from groupware.approval.public import display_rows

    return render(
        request,
        "exchange/received.html",
        _context(
            request,
            item=item,
            attachments=list(item.attachments.all()),
            events=list(item.events.all()),
            readers=list(item.readers.all()),
            replies=list(item.replies.select_related("document")),
            origin=selectors.reply_origin(institution, item),
            form_rows=display_rows(item.form_fields, item.form_data),
            can_register=office and item.state == ReceivedState.DELIVERED,
            can_distribute=office and item.state == ReceivedState.REGISTERED,
            can_assign=can_assign,
            can_circulate=permissions.can_circulate_received(user, institution, item),
            can_reply=permissions.can_reply(user, institution, item),
            departments=_departments() if office else [],
            members=members,
            people=people_choices(institution)
            if permissions.can_circulate_received(user, institution, item)
            else [],
        ),
    )


def _user(value):
    text = str(value or "")
    return User.objects.filter(pk=int(text)).first() if text.isdigit() and len(text) < 18 else None


ACTIONS = {
    "register": lambda r, post: services.received_register(
        received=r.item,
        department=post.get("department") or None,
        distribute=post.get("distribute") == "1",
        actor=r.user,
        institution=r.institution,
    ),
    "distribute": lambda r, post: services.received_distribute(
        received=r.item, actor=r.user, institution=r.institution
    ),
    "return": lambda r, post: services.received_return(
        received=r.item, reason=post.get("reason", ""), actor=r.user, institution=r.institution
    ),
    "assign": lambda r, post: services.received_assign(
        received=r.item,
        assignee=_user(post.get("assignee")),
        actor=r.user,
        institution=r.institution,
    ),
    "circulate": lambda r, post: services.received_circulate(
        received=r.item,
        users=[_user(u) for u in post.getlist("users")],
        actor=r.user,
        institution=r.institution,
    ),
    "reply": lambda r, post: services.received_reply_draft(
        received=r.item, actor=r.user, institution=r.institution
    ),
}
DONE = {
    "register": _("접수했습니다."),
    "distribute": _("배부했습니다."),
    "return": _("반송했습니다. 발신 기관에 사유가 전달됩니다."),
    "assign": _("담당자를 지정했습니다."),
    "circulate": _("공람을 지정했습니다."),
    "reply": _("회신 문서를 임시저장했습니다. 내용과 결재선을 확인해 상신해 주세요."),
}


@staff_page(permissions.can_use_exchange)
@require_POST
def received_act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    request.item = selectors.received_for(request.user, request.institution, pk)
    try:
        result = ACTIONS[action](request, request.POST)
    except ExchangeForbidden as error:
        return render(
            request, "errors/403.html", {"status": 403, "message": error.message}, status=403
        )
    except ExchangeConflict as error:
        messages.warning(request, error.message)
        return redirect("exchange:received", pk=pk)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("exchange:received", pk=pk)
    messages.success(request, str(DONE[action]))
    if action == "reply":
        return redirect("approval:edit", pk=result.pk)
    if action == "return":
        return redirect("exchange:box", box="returned")
    return redirect("exchange:received", pk=pk)


@staff_page(permissions.can_use_exchange)
def received_pdf(request, pk: int):
    """The PDF: with the 접수 stamp once registered (``?original=1``: exactly as sent)."""
    item = selectors.received_for(request.user, request.institution, pk)
    original = request.GET.get("original") == "1" or not item.number
    if not original:
        ensure_stamped(item)
    field = item.original_pdf if original or not item.stamped_pdf else item.stamped_pdf
    if not field:
        raise Http404
    name = f"{item.number or item.sender_number}.pdf".replace("/", "_")
    return FileResponse(
        field.open("rb"),
        content_type="application/pdf",
        filename=name,
        as_attachment=request.GET.get("download") == "1",
    )


@staff_page(permissions.can_use_exchange)
def received_attachment(request, pk: int, attachment_id: int):
    item = selectors.received_for(request.user, request.institution, pk)
    attachment = item.attachments.filter(pk=attachment_id).first()
    if attachment is None or not attachment.file:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@staff_page(permissions.can_use_exchange)
def sent(request):
    """발송함: each envelope of ours with its state and times (발송 → 도달 → 접수 / 반송)."""
    rows = selectors.sent_envelopes(request.user, request.institution)
    state = request.GET.get("state") or ""
    if state in EnvelopeState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/sent.html",
        _context(request, box="sent", page=page, state=state, states=EnvelopeState.choices),
    )


@staff_page(permissions.can_use_exchange)
@require_POST
def send(request, document_id: int):
    """발송 from the document's page."""
    from groupware.approval.public import document_for

    document: Document = document_for(request.user, document_id)
    try:
        envelopes = services.document_send(
            actor=request.user, institution=request.institution, document=document
        )
    except ExchangeForbidden as error:
        return render(
            request, "errors/403.html", {"status": 403, "message": error.message}, status=403
        )
    except ExchangeConflict as error:
        messages.warning(request, error.message)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(count)d곳에 발송했습니다.") % {"count": len(envelopes)},
        )
    return redirect("approval:detail", pk=document.pk)
