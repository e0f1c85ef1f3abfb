"""The write paths of 전자결재 (one function per domain operation)."""

from groupware.approval.services.documents import (  # noqa: F401
    document_approve,
    document_cancel_approval,
    document_circulate,
    document_create_draft,
    document_hold,
    document_mark_read,
    document_recall,
    document_redraft,
    document_resume,
    document_return,
    document_skip,
    document_submit,
    document_update_draft,
    lock_document,
    notification_mark_read,
    post_report_acknowledge,
)
from groupware.approval.services.handover import handover  # noqa: F401
from groupware.approval.services.lines import (  # noqa: F401
    delegation_rule_delete,
    delegation_rule_set,
    favourite_line_delete,
    favourite_line_save,
    validate_line,
)
