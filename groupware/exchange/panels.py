"""What 문서유통 adds to a document's page in 전자결재 (approval.public.document_panels):
the per-recipient 발송 state with times and the 발송 button, and — for a reply drafted
from a received document — the document it answers."""

from __future__ import annotations

from django.template.loader import render_to_string

from groupware.approval.public import DocumentPanel
from groupware.exchange import permissions, selectors
from groupware.exchange.models import ReplyLink


def document_panel(panel: DocumentPanel) -> str:
    request, document = panel.request, panel.document
    institution = request.institution
    # only a 시행문 is ever sent (services/sending.py): an internal document has no envelope
    envelopes = list(selectors.envelopes_of(institution, document)) if document.is_outgoing else []
    link = ReplyLink.objects.select_related("received").filter(document=document).first()
    answers = None
    if link is not None and permissions.can_view_received(request.user, institution, link.received):
        answers = link.received
    recipients = list(document.recipient_list.all()) if document.is_outgoing else []
    sent_to = {e.receiver_id for e in envelopes if e.receiver_id} | {
        e.email for e in envelopes if e.email
    }
    unsent = [r for r in recipients if (r.institution_id or r.email) not in sent_to]
    can_send = bool(unsent) and permissions.can_send(request.user, institution, document)
    if not (envelopes or answers or link or (document.is_outgoing and recipients)):
        return ""
    return render_to_string(
        "exchange/_panel.html",
        {
            "document": document,
            "envelopes": envelopes,
            "recipients": recipients,
            "unsent": unsent,
            "can_send": can_send,
            "answers": answers,
            "reply_link": link,
        },
        request=request,
    )
