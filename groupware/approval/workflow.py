"""The state machines of 전자결재: documents and the steps of their line.

Each has one map of allowed moves and one function that makes a move or raises.

Every move is made by a service that holds the document's row lock, and is
followed by a ``DocumentEvent`` (see services.documents._record).
"""

from groupware.approval.errors import ApprovalConflict
from groupware.approval.models import Action, State, StepStatus

# action → (states it may start from, states it may lead to)
TRANSITIONS: dict[str, tuple[frozenset, frozenset]] = {
    Action.SUBMIT: (
        frozenset({State.DRAFT, State.RETURNED, State.RECALLED}),
        frozenset({State.IN_APPROVAL}),
    ),
    Action.APPROVE: (
        frozenset({State.IN_APPROVAL, State.ON_HOLD}),
        frozenset({State.IN_APPROVAL, State.APPROVED}),
    ),
    Action.SKIP: (frozenset({State.IN_APPROVAL}), frozenset({State.IN_APPROVAL, State.APPROVED})),
    Action.RETURN: (frozenset({State.IN_APPROVAL, State.ON_HOLD}), frozenset({State.RETURNED})),
    Action.RECALL: (frozenset({State.IN_APPROVAL}), frozenset({State.RECALLED})),
    Action.HOLD: (frozenset({State.IN_APPROVAL}), frozenset({State.ON_HOLD})),
    Action.RESUME: (frozenset({State.ON_HOLD}), frozenset({State.IN_APPROVAL})),
    Action.CANCEL_APPROVAL: (frozenset({State.IN_APPROVAL}), frozenset({State.IN_APPROVAL})),
    Action.UPDATE: (
        frozenset({State.DRAFT, State.RETURNED, State.RECALLED}),
        frozenset({State.DRAFT, State.RETURNED, State.RECALLED}),
    ),
    Action.CIRCULATE: (frozenset({State.APPROVED}), frozenset({State.APPROVED})),
    Action.REDRAFT: (
        frozenset({State.APPROVED, State.RETURNED, State.RECALLED}),
        frozenset({State.APPROVED, State.RETURNED, State.RECALLED}),
    ),
}


def can_start(state: str, action: str) -> bool:
    sources, _targets = TRANSITIONS.get(action, (frozenset(), frozenset()))
    return state in sources


def ensure_can_start(document, action: str) -> None:
    """Raise ApprovalConflict when ``action`` is not allowed from the document's state."""
    if not can_start(document.state, action):
        if document.state == State.APPROVED:
            raise ApprovalConflict("frozen")
        raise ApprovalConflict("illegal_transition", state=State(document.state).label)


def transition(document, action: str, target: str) -> str:
    """Move ``document`` to ``target`` (not saved); raise on a move the map does not allow.

    Precondition: the caller holds the document's row lock. Returns the old state.
    """
    sources, targets = TRANSITIONS.get(action, (frozenset(), frozenset()))
    if document.state not in sources or target not in targets:
        if document.state == State.APPROVED:
            raise ApprovalConflict("frozen")
        raise ApprovalConflict("illegal_transition", state=State(document.state).label)
    old = document.state
    document.state = target
    return old


# --- steps ------------------------------------------------------------------------------

# step status → statuses it may move to. WAITING: not its turn; PENDING: its turn;
# HELD: parked (보류); APPROVED may go back to PENDING (결재취소). RETURNED, SKIPPED and
# CLOSED (a round that ended by 반려/회수) are final: history.
STEP_TRANSITIONS: dict[str, frozenset[str]] = {
    StepStatus.WAITING: frozenset({StepStatus.PENDING, StepStatus.SKIPPED, StepStatus.CLOSED}),
    StepStatus.PENDING: frozenset(
        {
            StepStatus.APPROVED,
            StepStatus.RETURNED,
            StepStatus.HELD,
            StepStatus.SKIPPED,
            StepStatus.CLOSED,
            StepStatus.WAITING,
        }
    ),
    StepStatus.HELD: frozenset(
        {
            StepStatus.PENDING,
            StepStatus.APPROVED,
            StepStatus.RETURNED,
            StepStatus.SKIPPED,
            StepStatus.CLOSED,
        }
    ),
    StepStatus.APPROVED: frozenset({StepStatus.PENDING}),
    StepStatus.RETURNED: frozenset(),
    StepStatus.SKIPPED: frozenset(),
    StepStatus.CLOSED: frozenset(),
}


def step_sources(target: str) -> tuple[str, ...]:
    """The statuses a step may move to ``target`` from (for bulk updates)."""
    return tuple(status for status, targets in STEP_TRANSITIONS.items() if target in targets)


def step_move(step, target: str) -> str:
    """Move ``step`` to ``target`` (not saved); ApprovalConflict on a move the map forbids.

    Precondition: the caller holds the document's row lock. Returns the old status.
    """
    if target not in STEP_TRANSITIONS.get(step.status, frozenset()):
        raise ApprovalConflict("already_acted")
    old = step.status
    step.status = target
    return old
