"""The notification event of 전자결재 besides ``document_to_approve`` (which the
notifications app declares): every other notice about a document (반려, 결재 완료, 공람,
참조, 사후보고, 보류), its headline in the context. Template:
templates/notifications/events/approval_notice.txt in this app."""

from django.utils.translation import gettext_lazy as _

from notifications.public import EventSpec, register_event

APPROVAL_NOTICE = register_event(
    EventSpec(
        "approval_notice",
        _("전자결재 알림 (반려·결재 완료·공람·참조·사후보고·보류)"),
        _("[{institution_name}] {headline}"),
        alimtalk_template="GW_NOTICE",
    )
)
