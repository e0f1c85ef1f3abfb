"""Personal data of the notification service (public schema), declared to privacy:
a person who leaves takes their messages, verified phone and channel choices along."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.public import PersonalData, Subject, register_personal_data


def _addresses(s: Subject) -> list[str]:
    digits = "".join(ch for ch in s.phone if ch.isdigit())
    return [a for a in {s.email, s.phone, digits} if a]


def _messages_of(s: Subject) -> Q:
    Delivery = apps.get_model("notifications", "Delivery")
    by_address = Delivery.objects.filter(address__in=_addresses(s)).values("notification_id")
    return Q(recipient_id=s.user_id) | Q(pk__in=by_address)


register_personal_data(
    PersonalData(
        model="notifications.Notification",
        match=_messages_of,
        delete=True,
        description=_("받은 알림(이메일·알림톡·문자)과 발송 기록"),
    ),
    PersonalData(
        model="notifications.ChannelPreference",
        match=lambda s: Q(user_id=s.user_id),
        delete=True,
        description=_("알림 수신 설정과 인증된 휴대전화"),
    ),
    PersonalData(
        model="notifications.PhoneVerification",
        match=lambda s: Q(user_id=s.user_id) | Q(phone__in=_addresses(s)),
        delete=True,
        description=_("휴대전화 인증 기록"),
    ),
)
