"""전자결재 pages (institution host, /staff/approval/)."""

from groupware.approval.views.admin import (
    delegation,
    form_edit,
    forms,
    seal,
    seal_image,
    settings_page,
)
from groupware.approval.views.documents import (
    act,
    attachment,
    create,
    detail,
    edit,
    inbox,
    pdf,
)
from groupware.approval.views.personal import (
    favourite_line_delete,
    favourite_lines,
    leave_overview,
    line_template_delete,
    notification_open,
    notifications,
    notifications_read,
    post_report_ack,
)
from groupware.approval.views.records import box, register, retention, retention_decide

__all__ = [
    "act",
    "attachment",
    "box",
    "create",
    "delegation",
    "detail",
    "edit",
    "favourite_line_delete",
    "favourite_lines",
    "form_edit",
    "forms",
    "inbox",
    "leave_overview",
    "line_template_delete",
    "notification_open",
    "notifications",
    "notifications_read",
    "pdf",
    "post_report_ack",
    "register",
    "retention",
    "retention_decide",
    "seal",
    "seal_image",
    "settings_page",
]
