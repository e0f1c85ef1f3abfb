"""The events people are told about, each with its Korean template.

A template lives in ``notifications/events/<code>.txt`` and is used for every
channel (알림톡 and SMS need a short text; the e-mail adds the subject). The
context is what the caller passed to ``notify()`` plus ``url`` (built when the
message is sent from ``path`` on the institution's host, or ``portal_path`` on
the portal) and ``institution_name``.

``quiet``: text messages raised at night (21:00–08:00) wait until 08:00 —
reminders and notices the person did not just ask for. Events that answer what
the person is doing right now (the code to verify a phone) go at once.

``alimtalk_template``: the template code registered with Kakao for the
business channel; the registered text must equal what the template renders.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventSpec:
    code: str
    label: str
    subject: str
    quiet: bool = True
    alimtalk_template: str = ""
    # "text" only: never by e-mail (the phone verification code).
    text_only: bool = False


REGISTRY: dict[str, EventSpec] = {}


def register(spec: EventSpec) -> EventSpec:
    """Add an event (apps call this in AppConfig.ready); the same code twice replaces it."""
    REGISTRY[spec.code] = spec
    return spec


def get(code: str) -> EventSpec:
    try:
        return REGISTRY[code]
    except KeyError:
        raise LookupError(f"unknown notification event {code!r}") from None


# Facility booking (대관) -------------------------------------------------------------
BOOKING_REQUESTED = register(
    EventSpec(
        "booking_requested",
        _("대관 신청 접수"),
        _("[{institution_name}] 대관 신청이 접수되었습니다"),
        alimtalk_template="FB_REQUESTED",
    )
)
BOOKING_APPROVED = register(
    EventSpec(
        "booking_approved",
        _("대관 승인"),
        _("[{institution_name}] 대관 신청이 승인되었습니다"),
        alimtalk_template="FB_APPROVED",
    )
)
BOOKING_REJECTED = register(
    EventSpec(
        "booking_rejected",
        _("대관 반려"),
        _("[{institution_name}] 대관 신청이 반려되었습니다"),
        alimtalk_template="FB_REJECTED",
    )
)
PAYMENT_DUE_SOON = register(
    EventSpec(
        "payment_due_soon",
        _("결제 기한 24시간 전"),
        _("[{institution_name}] 결제 기한이 24시간 남았습니다"),
        alimtalk_template="FB_PAY_DUE",
    )
)
PAYMENT_PAID = register(
    EventSpec(
        "payment_paid",
        _("결제 완료"),
        _("[{institution_name}] 결제가 완료되었습니다"),
        quiet=False,
        alimtalk_template="FB_PAID",
    )
)
VIRTUAL_ACCOUNT_ISSUED = register(
    EventSpec(
        "virtual_account_issued",
        _("가상계좌 발급"),
        _("[{institution_name}] 입금하실 가상계좌를 알려 드립니다"),
        quiet=False,
        alimtalk_template="FB_VACCOUNT",
    )
)
BOOKING_EXPIRED = register(
    EventSpec(
        "booking_expired",
        _("결제 기한 만료"),
        _("[{institution_name}] 결제 기한이 지나 예약이 취소되었습니다"),
        alimtalk_template="FB_EXPIRED",
    )
)
BOOKING_CANCELLED = register(
    EventSpec(
        "booking_cancelled",
        _("예약 취소"),
        _("[{institution_name}] 예약이 취소되었습니다"),
        alimtalk_template="FB_CANCELLED",
    )
)
REFUND_COMPLETED = register(
    EventSpec(
        "refund_completed",
        _("환불 완료"),
        _("[{institution_name}] 환불이 완료되었습니다"),
        alimtalk_template="FB_REFUNDED",
    )
)
BOOKING_REMINDER = register(
    EventSpec(
        "booking_reminder",
        _("이용 전날 안내"),
        _("[{institution_name}] 내일 이용 예정인 예약이 있습니다"),
        alimtalk_template="FB_REMINDER",
    )
)
DISCOUNT_DECIDED = register(
    EventSpec(
        "discount_decided",
        _("감면 증빙 확인 결과"),
        _("[{institution_name}] 감면 신청 확인 결과를 알려 드립니다"),
        alimtalk_template="FB_DISCOUNT",
    )
)

# Other apps ---------------------------------------------------------------------------
DOCUMENT_TO_APPROVE = register(
    EventSpec(
        "document_to_approve",
        _("결재할 문서"),
        _("[{institution_name}] 결재할 문서가 있습니다"),
        alimtalk_template="GW_APPROVE",
    )
)
PROGRAM_APPLICATION_RESULT = register(
    EventSpec(
        "program_application_result",
        _("프로그램 신청 결과"),
        _("[{institution_name}] 프로그램 신청 결과를 알려 드립니다"),
        alimtalk_template="PG_RESULT",
    )
)
WAITLIST_OFFER = register(
    EventSpec(
        "waitlist_offer",
        _("대기 순번 도래"),
        _("[{institution_name}] 대기하신 자리가 났습니다"),
        alimtalk_template="WL_OFFER",
    )
)

# The platform ------------------------------------------------------------------------
PHONE_VERIFICATION = register(
    EventSpec(
        "phone_verification",
        _("휴대전화 인증번호"),
        _("[시민 통합 포털] 인증번호"),
        quiet=False,
        text_only=True,
    )
)
# A platform e-mail already written by its sender (an invitation, a status change, a
# calendar invitation: suite.notify.email_on_commit): the outbox sends its subject and body
# as given, by e-mail only, exactly once (notifications.services.email_enqueue).
EMAIL = register(
    EventSpec(
        "email",
        _("이메일"),
        "",
        quiet=False,
    )
)
