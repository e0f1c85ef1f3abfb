"""Reads that depend on who asks. ``received_for`` answers the same 404 for a received
document that does not exist, belongs to no one here, or is not the asker's to see; every
envelope read is scoped to this institution as sender (our own envelopes only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from groupware.approval.public import department_of, is_head_of
from groupware.exchange.models import ReceivedDocument, ReceivedReader, ReceivedState
from groupware.exchange.permissions import HANDED, can_manage_incoming, can_view_received
from groupware.exchange.relay.models import Envelope

MAX_ID = 2**63 - 1

BOXES = {
    "waiting": _("접수 대기"),
    "registered": _("접수 (배부 전)"),
    "department": _("부서 수신 문서"),
    "mine": _("내 담당"),
    "circulated": _("공람"),
    "returned": _("반송"),
    "all": _("전체"),
}
OFFICE_BOXES = ("waiting", "registered", "returned", "all")


def _department_q(user) -> Q:
    department = department_of(user)
    if department is None:
        return Q(pk__in=[])
    q = Q(department_id=department, state__in=HANDED)
    if not is_head_of(user, department):
        q &= ~Q(disclosure="closed")
    return q


def visible_received(user, institution):
    """Every received document the user may open here."""
    rows = ReceivedDocument.objects.filter(disposed_at__isnull=True)
    if can_manage_incoming(user, institution):
        return rows
    reader = ReceivedReader.objects.filter(received=OuterRef("pk"), user=user)
    return rows.filter(Q(assignee=user) | Q(Exists(reader)) | _department_q(user))


def incoming(user, institution, box: str):
    """One box of received documents (the 문서과's boxes: 403 for other members)."""
    if box not in BOXES:
        raise Http404
    office = can_manage_incoming(user, institution)
    if box in OFFICE_BOXES and not office:
        raise PermissionDenied
    rows = visible_received(user, institution)
    if box == "waiting":
        rows = rows.filter(state=ReceivedState.DELIVERED)
    elif box == "registered":
        rows = rows.filter(state=ReceivedState.REGISTERED)
    elif box == "returned":
        rows = rows.filter(state=ReceivedState.RETURNED)
    elif box == "department":
        rows = rows.filter(_department_q(user))
    elif box == "mine":
        rows = rows.filter(assignee=user)
    elif box == "circulated":
        rows = rows.filter(
            Exists(ReceivedReader.objects.filter(received=OuterRef("pk"), user=user))
        )
    return rows.order_by("-delivered_at", "-id")


def default_box(user, institution) -> str:
    return "waiting" if can_manage_incoming(user, institution) else "department"


def received_for(user, institution, pk) -> ReceivedDocument:
    """The received document if the user may see it; Http404 otherwise (also for missing)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    received = ReceivedDocument.objects.filter(pk=pk).first()
    if received is None or not can_view_received(user, institution, received):
        raise Http404
    return received


def sent_envelopes(user, institution):
    """발송함: our envelopes — every one for the 문서과, else those of documents the user
    drafted (nothing of any receiver is read)."""
    from groupware.approval.public import Document

    rows = Envelope.objects.filter(sender=institution).select_related("receiver")
    if not can_manage_incoming(user, institution):
        mine = Document.objects.filter(drafter=user).values_list("pk", flat=True)
        rows = rows.filter(document_id__in=list(mine))
    return rows.order_by("-sent_at", "recipient_name")


def envelopes_of(institution, document):
    """The sender's view of one of its documents: each recipient's state and times."""
    return (
        Envelope.objects.filter(sender=institution, document_id=document.pk)
        .select_related("receiver")
        .order_by("sent_at", "recipient_name")
    )


def reply_origin(institution, received: ReceivedDocument):
    """A reply to one of ours: our own document it answers (found through our envelope)."""
    if received.reply_to_envelope_id is None:
        return None
    envelope = Envelope.objects.filter(pk=received.reply_to_envelope_id, sender=institution).first()
    if envelope is None:
        return None
    from groupware.approval.public import Document

    return Document.objects.filter(pk=envelope.document_id).first()


def institutions_directory(institution):
    """The cloud's directory of institutions a document may be sent to (not ourselves)."""
    from tenants.models import Institution

    rows = Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("name")
    if institution is not None:
        rows = rows.exclude(pk=institution.pk)
    return rows
