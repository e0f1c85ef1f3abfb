"""The received copy's state machine: one map of allowed moves, one function that moves."""

from groupware.exchange.errors import ExchangeConflict
from groupware.exchange.models import ReceivedState

# action → (states it may start from, the state it leads to)
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "register": (frozenset({ReceivedState.DELIVERED}), ReceivedState.REGISTERED),
    "return": (frozenset({ReceivedState.DELIVERED}), ReceivedState.RETURNED),
    "distribute": (frozenset({ReceivedState.REGISTERED}), ReceivedState.DISTRIBUTED),
    "assign": (
        frozenset({ReceivedState.DISTRIBUTED, ReceivedState.ASSIGNED}),
        ReceivedState.ASSIGNED,
    ),
}


def can_start(state: str, action: str) -> bool:
    sources, _target = TRANSITIONS[action]
    return state in sources


def transition(received, action: str) -> str:
    """Move ``received`` by ``action`` (not saved); ExchangeConflict when not allowed.
    Precondition: the caller holds the row lock. Returns the old state."""
    sources, target = TRANSITIONS[action]
    if received.state not in sources:
        raise ExchangeConflict("illegal_transition", state=ReceivedState(received.state).label)
    old, received.state = received.state, target
    return old
