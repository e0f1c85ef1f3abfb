"""Who is told what (notifications.public.notify: e-mail / 알림톡 by each person's choice,
sent on commit), plus the in-app notice list of the staff workspace.

- a document arrives → the 문서과 (``document_received``);
- 배부 → the department's head (``document_distributed``);
- 담당자 지정 → the 담당자 (``document_assigned``); 공람 → the readers (``document_circulated``);
- 반송 → the sender's drafter, on the sender's host (``document_sent_back``) — a
  notification in the public outbox; nothing is written in the sender's schema.
"""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from accounts.models import Membership, Role, User
from notifications.public import notify


def _institution():
    from tenants.models import Institution

    return Institution.objects.filter(schema_name=connection.schema_name).first()


def received_path(received) -> str:
    return reverse("exchange:received", args=[received.pk], urlconf="suite.urls_tenant")


def _tell(users, *, event: str, received, headline: str) -> None:
    from groupware.approval.public import Notification

    institution = _institution()
    path = received_path(received)
    title = f"[문서유통] {headline}: {received.title}"[:200]
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        Notification.objects.create(user=user, kind=f"exchange.{event}", title=title, url=path)
        notify(
            event=event,
            recipient=user,
            institution=institution,
            context={
                "title": received.title,
                "sender": received.sender_name,
                "sender_number": received.sender_number,
                "number": received.number,
                "department": received.department_name,
                "path": path,
            },
            ref=f"exchange.received:{received.pk}",
            dedupe_key=f"{event}:{connection.schema_name}:{received.pk}:{user.pk}:{received.state}",
        )


def document_office_users() -> list[User]:
    """The 문서과's members (the institution admins while no department is the 문서과)."""
    from groupware.models import Department, StaffProfile

    institution = _institution()
    offices = Department.objects.filter(is_document_office=True, is_active=True)
    if offices.exists():
        ids = StaffProfile.objects.filter(department__in=offices, is_active=True).values_list(
            "user_id", flat=True
        )
    else:
        ids = Membership.objects.filter(
            institution=institution, role=Role.INSTITUTION_ADMIN, is_active=True
        ).values_list("user_id", flat=True)
    members = Membership.objects.filter(
        institution=institution, is_active=True, user_id__in=list(ids)
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=list(members), is_active=True))


def tell_document_office(received) -> None:
    _tell(
        document_office_users(),
        event="document_received",
        received=received,
        headline="접수할 공문이 도착했습니다",
    )


def tell_department_heads(received) -> None:
    from groupware.models import StaffProfile

    ids = StaffProfile.objects.filter(
        department_id=received.department_id, is_department_head=True, is_active=True
    ).values_list("user_id", flat=True)
    _tell(
        User.objects.filter(pk__in=list(ids)),
        event="document_distributed",
        received=received,
        headline="부서에 공문이 배부되었습니다",
    )


def tell_assignee(received) -> None:
    _tell(
        [received.assignee],
        event="document_assigned",
        received=received,
        headline="처리할 공문의 담당자로 지정되었습니다",
    )


def tell_readers(received, users) -> None:
    _tell(
        users, event="document_circulated", received=received, headline="공람 공문이 도착했습니다"
    )


def tell_sender_returned(envelope, reason: str) -> None:
    """반송: the person who sent it hears on their own institution's host."""
    path = reverse("approval:detail", args=[envelope.document_id], urlconf="suite.urls_tenant")
    notify(
        event="document_sent_back",
        recipient=envelope.sent_by,
        institution=envelope.sender,
        context={
            "title": envelope.title,
            "number": envelope.document_number,
            "receiver": envelope.recipient_name,
            "reason": reason,
            "path": path,
        },
        ref=f"exchange.envelope:{envelope.pk}",
        dedupe_key=f"document_sent_back:{envelope.pk}",
    )
