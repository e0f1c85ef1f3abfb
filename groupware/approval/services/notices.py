"""Notices: an in-app notice (the staff workspace's list) plus a message by the person's
chosen channels (notifications.public.notify: e-mail, 알림톡, SMS), sent after commit.

"결재할 차례" is the notifications app's ``document_to_approve`` event; every other notice
about a document is ``approval_notice`` (groupware/approval/events.py) with its headline.
"""

from django.db import connection
from django.utils.translation import gettext_lazy as _

from groupware.approval.models import Notification
from notifications.public import notify as send

KINDS = {
    "turn": _("결재할 차례입니다"),
    "returned": _("문서가 반려되었습니다"),
    "approved": _("문서 결재가 끝났습니다"),
    "circulated": _("공람 문서가 도착했습니다"),
    "cc": _("참조 문서가 도착했습니다"),
    "post_report": _("대결 사후보고가 도착했습니다"),
    "held": _("문서가 보류되었습니다"),
}


def notify(*, users, kind: str, document, institution) -> None:
    """One notice per person (each once); the messages go when the transaction commits."""
    from django.urls import reverse

    path = reverse("approval:detail", args=[document.pk], urlconf="suite.urls_tenant")
    headline = str(KINDS[kind])
    title = f"[전자결재] {headline}: {document.title}"[:200]
    seen = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        Notification.objects.create(user=user, kind=f"approval.{kind}", title=title, url=path)
        send(
            event="document_to_approve" if kind == "turn" else "approval_notice",
            recipient=user,
            institution=institution,
            context={
                "title": document.title,
                "drafter": document.drafter_name,
                "headline": headline,
                "path": path,
            },
            ref=f"approval.document:{getattr(connection, 'schema_name', '')}:{document.pk}",
        )
