"""Notification events of fair booking (추첨, 정기대관, 예약 제한), registered at ready
(notifications.public.register_event). Templates:
templates/notifications/events/<code>.txt in this app. The waitlist offer uses the
shared ``waitlist_offer`` event."""

from django.utils.translation import gettext_lazy as _

from notifications.public import EventSpec, register_event

LOTTERY_WON = register_event(
    EventSpec(
        "lottery_won",
        _("추첨 당첨"),
        _("[{institution_name}] 추첨에 당첨되었습니다"),
        alimtalk_template="FB_LOTTERY_WON",
    )
)
LOTTERY_LOST = register_event(
    EventSpec(
        "lottery_lost",
        _("추첨 결과(미당첨)"),
        _("[{institution_name}] 추첨 결과를 알려 드립니다"),
        alimtalk_template="FB_LOTTERY_LOST",
    )
)
SERIES_UPDATE = register_event(
    EventSpec(
        "series_update",
        _("정기대관 안내"),
        _("[{institution_name}] 정기대관 신청 안내"),
        alimtalk_template="FB_SERIES",
    )
)
BOOKING_SANCTION = register_event(
    EventSpec(
        "booking_sanction",
        _("예약 제한 안내"),
        _("[{institution_name}] 예약이 일정 기간 제한됩니다"),
        alimtalk_template="FB_SANCTION",
    )
)
