"""After approval: circulate (공람), reads (열람), post-report acknowledgement (사후보고 확인),
and the person's notices.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts import access
from groupware.approval.errors import ApprovalConflict, ApprovalForbidden, invalid
from groupware.approval.models import (
    Action,
    Document,
    DocumentEvent,
    PostReport,
    Reader,
    State,
)
from groupware.approval.permissions import (
    can_circulate,
)
from groupware.approval.services.common import lock_document, record, users_of
from groupware.approval.services.notices import notify
from groupware.approval.workflow import ensure_can_start
from suite.queries import counts


@transaction.atomic
def document_circulate(
    *, actor, institution, document: Document, users=(), departments=()
) -> list[Reader]:
    """공람: put the approved document in people's (or whole departments') reading lists."""
    from groupware.models import StaffProfile

    document = lock_document(document)
    signer = document.steps.filter(round=document.round, acted_by=actor).exists()
    if document.drafter_id != actor.pk and not signer:
        raise ApprovalForbidden("not_allowed")
    ensure_can_start(document, Action.CIRCULATE)
    if not can_circulate(actor, document):
        raise ApprovalForbidden("not_allowed")
    from accounts.models import User

    people = [u for u in users if isinstance(u, User)] + users_of(
        int(u) for u in users if not isinstance(u, User) and str(u).isdigit()
    )
    if len(people) != len(list(users)):
        raise invalid("line_unknown_person", "users")
    dept_ids = [getattr(d, "pk", d) for d in departments]
    if dept_ids:
        member_ids = StaffProfile.objects.filter(
            department_id__in=dept_ids, is_active=True
        ).values_list("user_id", flat=True)
        people += [
            u for u in users_of(member_ids) if u.pk != actor.pk and access.is_member(u, institution)
        ]
    if not people:
        raise invalid("circulate_empty", "users")
    for user in people:
        if not access.is_member(user, institution):
            raise invalid("circulate_outsider", "users", name=user.name or user.email)
    existing = set(
        document.readers.filter(kind=Reader.Kind.CIRCULATION).values_list("user_id", flat=True)
    )
    new = {u.pk: u for u in people if u.pk not in existing}
    readers = Reader.objects.bulk_create(
        [
            Reader(
                document=document,
                user=u,
                user_name=u.name or u.email,
                kind=Reader.Kind.CIRCULATION,
                added_by=actor,
            )
            for u in new.values()
        ]
    )
    if readers:
        names = ", ".join(u.name or u.email for u in new.values())
        record(document, Action.CIRCULATE, actor, opinion=f"공람: {names}"[:1000])
        notify(
            users=list(new.values()), kind="circulated", document=document, institution=institution
        )
    return readers


def document_mark_read(*, user, document: Document, readers=None, events=None) -> bool:
    """Record the first time someone opens a submitted document (열람), stamping a cc or
    공람 reader's read time. Returns True if something was recorded.

    Once per person, not per view: a document already read answers from one read-only
    query — or none, given the document's ``readers`` and ``events`` already read by the
    page — without a transaction or a write (every later GET of the page)."""
    if document.state == State.DRAFT:
        return False
    unread = Reader.objects.filter(document=document, user=user, read_at__isnull=True)
    seen = DocumentEvent.objects.filter(document=document, action=Action.READ, actor=user)
    if readers is not None and events is not None:
        found = {
            "unread": int(any(r.user_id == user.pk and r.read_at is None for r in readers)),
            "seen": int(any(e.action == Action.READ and e.actor_id == user.pk for e in events)),
        }
    else:
        found = counts(unread=unread, seen=seen)
    if not found["unread"] and found["seen"]:
        return False
    with transaction.atomic():
        updated = unread.update(read_at=timezone.now())
        if updated or not seen.exists():
            record(document, Action.READ, user)
            return True
    return False


@transaction.atomic
def post_report_acknowledge(*, actor, report: PostReport) -> PostReport:
    """The absent approver confirms they saw what their deputy signed."""
    report = PostReport.objects.select_for_update().get(pk=report.pk)
    if report.user_id != actor.pk:
        raise ApprovalForbidden("not_allowed")
    if report.acknowledged_at is not None:
        raise ApprovalConflict("already_acknowledged")
    report.acknowledged_at = timezone.now()
    report.save(update_fields=["acknowledged_at"])
    record(report.document, Action.POST_REPORT_ACK, actor)
    return report


def notification_mark_read(*, user, notification_id=None) -> int:
    """Mark one (or all) of the user's notices read."""
    from groupware.approval.models import Notification

    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())
