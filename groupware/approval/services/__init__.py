"""The write paths of 전자결재 (one function per domain operation), by what a person does:
drafting (drafter), acting (people on the line), after_approval (공람, reads, 사후보고),
lines (결재선, favourites, department templates, 위임전결 규정), handover (인계인수),
numbering (the department registers), records (폐기·연장), forms (양식), settings."""

from groupware.approval.services.acting import (
    document_approve,
    document_cancel_approval,
    document_hold,
    document_recall,
    document_resume,
    document_return,
    document_skip,
)
from groupware.approval.services.after_approval import (
    document_circulate,
    document_mark_read,
    notification_mark_read,
    post_report_acknowledge,
)
from groupware.approval.services.common import lock_document
from groupware.approval.services.drafting import (
    document_create_draft,
    document_redraft,
    document_submit,
    document_update_draft,
)
from groupware.approval.services.forms import form_template_save
from groupware.approval.services.handover import handover
from groupware.approval.services.lines import (
    delegation_rule_delete,
    delegation_rule_set,
    favourite_line_delete,
    favourite_line_save,
    line_template_delete,
    line_template_save,
    propose_line,
    validate_line,
)
from groupware.approval.services.records import register_decide
from groupware.approval.services.settings import approval_settings_update

__all__ = [
    "approval_settings_update",
    "delegation_rule_delete",
    "delegation_rule_set",
    "document_approve",
    "document_cancel_approval",
    "document_circulate",
    "document_create_draft",
    "document_hold",
    "document_mark_read",
    "document_recall",
    "document_redraft",
    "document_resume",
    "document_return",
    "document_skip",
    "document_submit",
    "document_update_draft",
    "favourite_line_delete",
    "favourite_line_save",
    "form_template_save",
    "line_template_delete",
    "line_template_save",
    "propose_line",
    "register_decide",
    "handover",
    "lock_document",
    "notification_mark_read",
    "post_report_acknowledge",
    "validate_line",
]
