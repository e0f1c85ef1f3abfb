"""The document state machine: one map of allowed moves and the function that makes them.

Every move is made by a service that holds the document's row lock, and is
followed by a ``DocumentEvent`` (see services.documents._record).
"""

from groupware.approval.errors import ApprovalConflict
from groupware.approval.models import Action, State

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
