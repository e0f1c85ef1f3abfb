"""Who may do what with official documents between institutions: named capabilities.

문서과 (``approval.permissions.is_document_office``) sees the incoming box, registers
(접수), distributes (배부) and sends back (반송). After 배부 the department's head assigns
a 담당자; members read it by its openness (the department box); the 담당자 circulates it
(공람) and drafts a reply; people it was circulated to read it.
"""

from __future__ import annotations

from accounts import access
from groupware.approval.public import (
    RecipientKind,
    State,
    box_opens,
    department_of,
    is_document_office,
    is_head_of,
)
from groupware.exchange.models import ReceivedDocument, ReceivedState

HANDED = (ReceivedState.DISTRIBUTED, ReceivedState.ASSIGNED)


def can_use_exchange(user, institution) -> bool:
    """Any active member opens the exchange pages (what each sees is decided per object)."""
    return access.can_use_workspace(user, institution)


def can_manage_incoming(user, institution) -> bool:
    """문서과: the incoming box, 접수, 배부, 반송."""
    return is_document_office(user, institution)


def can_view_received(user, institution, received: ReceivedDocument, *, reader=None) -> bool:
    if received.disposed_at is not None:
        return False
    if can_manage_incoming(user, institution):
        return True
    if received.assignee_id == user.pk:
        return True
    if received.state in HANDED and (
        is_head_of(user, received.department_id)
        or box_opens(user, received.department_id, received.disclosure)
    ):
        return True
    if reader is None:
        reader = received.readers.filter(user=user).exists()
    return bool(reader)


def can_assign(user, institution, received: ReceivedDocument) -> bool:
    """담당자 지정: the head of the department it was distributed to (or 문서과 for a
    department without a head)."""
    if received.state not in HANDED:
        return False
    return is_head_of(user, received.department_id)


def can_circulate_received(user, institution, received: ReceivedDocument) -> bool:
    return received.state in HANDED and (
        received.assignee_id == user.pk or is_head_of(user, received.department_id)
    )


def can_reply(user, institution, received: ReceivedDocument) -> bool:
    """회신 기안: the 담당자 (or the department's head)."""
    return received.state in HANDED and (
        received.assignee_id == user.pk or is_head_of(user, received.department_id)
    )


def can_send(user, institution, document) -> bool:
    """발송: the drafter of an approved 대외 시행문, or 문서과."""
    if document.state != State.APPROVED or document.recipient_kind != RecipientKind.NAMED:
        return False
    if document.disposed_at is not None:
        return False
    return document.drafter_id == user.pk or can_manage_incoming(user, institution)


def in_department(user, received: ReceivedDocument) -> bool:
    return department_of(user) == received.department_id
