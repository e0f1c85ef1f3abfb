"""전자결재's blocks on the staff dashboard (registered in ApprovalConfig.ready)."""

from groupware.approval.selectors import in_progress_of, waiting_for
from groupware.public import DashboardRequest, Section


def waiting(ask: DashboardRequest) -> Section:
    """Documents waiting for the member's approval (or their deputy's)."""
    return Section.of(waiting_for(ask.user), 5, "/staff/approval/box/waiting/")


def en_route(ask: DashboardRequest) -> Section:
    """The member's own drafts on their way."""
    return Section.of(in_progress_of(ask.user), 5, "/staff/approval/box/in_progress/")
