"""전자결재 pages (institution host, /staff/approval/)."""

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
    delegation,
    favourite_line_delete,
    favourite_lines,
    leave_overview,
    notification_open,
    notifications,
    notifications_read,
    post_report_ack,
)

__all__ = [
    "act",
    "attachment",
    "create",
    "delegation",
    "detail",
    "edit",
    "favourite_line_delete",
    "favourite_lines",
    "inbox",
    "leave_overview",
    "notification_open",
    "notifications",
    "notifications_read",
    "pdf",
    "post_report_ack",
]
