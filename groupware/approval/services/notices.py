"""Notifications: an in-app notice plus an e-mail after commit (suite.notify)."""

from django.utils.translation import gettext_lazy as _

from groupware.approval.models import Notification
from suite.notify import email_on_commit

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
    """One notice per person (each once), e-mailed when the transaction commits."""
    from django.urls import reverse

    path = reverse("approval:detail", args=[document.pk], urlconf="suite.urls_tenant")
    url = institution.absolute_url(path) if institution is not None else path
    headline = str(KINDS[kind])
    title = f"[전자결재] {headline}: {document.title}"[:200]
    seen = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        Notification.objects.create(user=user, kind=f"approval.{kind}", title=title, url=path)
        email_on_commit(
            to=user.email,
            subject=title,
            template="approval/email/notice",
            context={
                "headline": headline,
                "document": document,
                "url": url,
                "user": user,
                "institution": institution,
            },
        )
