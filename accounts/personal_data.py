"""Personal data of the accounts app (public schema), for privacy's registry:
what account deletion does, and the dormant-account retention rule."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User, UserSession
from privacy.public import (
    PersonalData,
    RetentionKind,
    register_personal_data,
    register_retention,
)

NOTICE_DAYS = 30

register_personal_data(
    PersonalData(
        model="sessions.Session",
        match=lambda s: Q(
            session_key__in=UserSession.objects.filter(user_id=s.user_id).values("session_key")
        ),
        delete=True,
        description=_("로그인 세션"),
    ),
    PersonalData(
        model="accounts.UserSession",
        match=lambda s: Q(user_id=s.user_id),
        delete=True,
        description=_("로그인 기기 목록(IP 주소, 브라우저)"),
    ),
    PersonalData(
        model="accounts.TOTPDevice",
        match=lambda s: Q(user_id=s.user_id),
        delete=True,
        description=_("2단계 인증 기기"),
    ),
    PersonalData(
        model="accounts.RecoveryCode",
        match=lambda s: Q(user_id=s.user_id),
        delete=True,
        description=_("2단계 인증 복구 코드"),
    ),
    # E-mails queued for (or already sent to) the person: their address and name are in
    # the task's arguments.
    PersonalData(
        model="django_tasks_database.DBTaskResult",
        match=lambda s: Q(args_kwargs__icontains=s.email) if s.email else Q(pk__in=[]),
        delete=True,
        description=_("발송 대기·발송 완료된 안내 메일"),
    ),
)


def _last_activity():
    return Coalesce("last_login", "date_joined")


def dormant_candidates():
    """People who could become dormant: not operators, not current staff, not gone."""
    staff = Membership.objects.filter(is_active=True).values("user_id")
    return (
        User.objects.filter(is_superuser=False, deleted_at__isnull=True)
        .exclude(pk__in=staff)
        .annotate(last_activity=_last_activity())
    )


def _destroy_dormant(*, cutoff, now) -> int:
    """Notify 30 days before; delete accounts notified at least 30 days ago and still idle."""
    from django.core.exceptions import ValidationError

    from privacy.public import account_delete
    from suite.notify import email_on_commit

    notice_from = cutoff + dt.timedelta(days=NOTICE_DAYS)
    to_notify = dormant_candidates().filter(
        last_activity__lt=notice_from, dormant_notified_at__isnull=True
    )
    for user in to_notify:
        email_on_commit(
            to=user.email,
            subject=str(_("[시민 통합 포털] 휴면 계정 파기 예정 안내")),
            template="privacy/email/dormant_notice",
            context={
                "name": user.name,
                "when": timezone.localdate(now + dt.timedelta(days=NOTICE_DAYS)),
            },
        )
        User.objects.filter(pk=user.pk).update(dormant_notified_at=now)
    due = dormant_candidates().filter(
        last_activity__lt=cutoff,
        dormant_notified_at__isnull=False,
        dormant_notified_at__lte=now - dt.timedelta(days=NOTICE_DAYS),
    )
    count = 0
    for user in due:
        try:
            account_delete(user=user, reason="dormant")
        except ValidationError:
            continue  # e.g. an upcoming paid booking: try again tomorrow
        count += 1
    return count


register_retention(
    RetentionKind(
        key="dormant_account",
        label=_("휴면 계정"),
        default_days=365,
        min_days=180,
        destroy=_destroy_dormant,
        description=_(
            "마지막 로그인 후 이 기간 동안 로그인하지 않은 주민 계정은 탈퇴와 같이 파기합니다. 30일 전에 메일로 알립니다."
        ),
        basis=_("마지막 로그인으로부터"),
        method="pseudonymise",
        tenant=False,
    )
)
