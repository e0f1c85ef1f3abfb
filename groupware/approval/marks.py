"""발의자 ★ and 보고자 ⊙ on the approval line (행정업무규정 시행규칙: marked before the
signer's 직위 in the approval block).

The 발의자 is the one who initiated the matter: here always the drafter. The 보고자
is the one who reports it to the final approver: the last 검토 on the line who was
not skipped; with no such reviewer the drafter reports (★⊙ on the drafter's box).
"""

from __future__ import annotations

from groupware.approval.models import StepRole, StepStatus

INITIATOR = "★"
REPORTER = "⊙"


def reporter_step(steps):
    """The step whose box gets ⊙, or None when the drafter is the 보고자."""
    reviewers = [s for s in steps if s.role == StepRole.REVIEW and s.status != StepStatus.SKIPPED]
    return reviewers[-1] if reviewers else None


def drafter_marks(steps) -> str:
    """★, plus ⊙ when no reviewer reports to the final approver."""
    return INITIATOR + ("" if reporter_step(steps) is not None else REPORTER)
