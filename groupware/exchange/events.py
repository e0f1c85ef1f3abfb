"""The notification events of 문서유통 (notifications.public.register_event, at ready).
Templates: templates/notifications/events/<code>.txt in this app."""

from django.utils.translation import gettext_lazy as _

from notifications.public import EventSpec, register_event

DOCUMENT_RECEIVED = register_event(
    EventSpec(
        "document_received",
        _("공문 도착 (문서과)"),
        _("[{institution_name}] 다른 기관에서 공문이 도착했습니다"),
        alimtalk_template="GW_RECEIVED",
    )
)
DOCUMENT_DISTRIBUTED = register_event(
    EventSpec(
        "document_distributed",
        _("공문 배부"),
        _("[{institution_name}] 부서에 공문이 배부되었습니다"),
        alimtalk_template="GW_DISTRIBUTED",
    )
)
DOCUMENT_ASSIGNED = register_event(
    EventSpec(
        "document_assigned",
        _("공문 담당자 지정"),
        _("[{institution_name}] 처리할 공문의 담당자로 지정되었습니다"),
        alimtalk_template="GW_ASSIGNED",
    )
)
DOCUMENT_CIRCULATED = register_event(
    EventSpec(
        "document_circulated",
        _("공문 공람"),
        _("[{institution_name}] 공람 공문이 도착했습니다"),
        alimtalk_template="GW_CIRCULATED",
    )
)
DOCUMENT_SENT_BACK = register_event(
    EventSpec(
        "document_sent_back",
        _("발송 문서 반송"),
        _("[{institution_name}] 발송한 문서가 반송되었습니다"),
        alimtalk_template="GW_SENT_BACK",
    )
)
