"""Declared contracts between apps: a typed registry that apps fill in ``AppConfig.ready``.

Where one event reaches several apps (a leave approved, a person handed over, a block
on the dashboard), the app that owns the event declares a ``Registry`` in its public
module and the apps that react register a function in their ``AppConfig.ready``::

    # groupware/approval/public.py
    leave_approved: Registry[LeaveApproved, None] = Registry("approval.leave_approved")

    # groupware/schedule/apps.py
    def ready(self):
        leave_approved.register("schedule.absence", hooks.leave_approved)

Nothing is looked up by name at run time and nothing is swallowed: a receiver that
raises fails the caller (run it in ``transaction.on_commit(..., robust=True)`` when the
reaction must not undo the event). Keys make registration idempotent (``ready`` may
run twice in tests) and let a result be told apart per receiver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

P = TypeVar("P")
R = TypeVar("R")


class Registry(Generic[P, R]):
    """Receivers of one event, called in registration order with a typed payload."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: dict[str, Callable[[P], R]] = {}

    def register(self, key: str, receiver: Callable[[P], R]) -> Callable[[P], R]:
        """Add (or replace) the receiver called ``key``; returns it (usable as a decorator
        factory's result)."""
        self._receivers[key] = receiver
        return receiver

    def keys(self) -> list[str]:
        return list(self._receivers)

    def receivers(self) -> list[Callable[[P], R]]:
        """The receivers in registration order (for a caller that runs them one by one)."""
        return list(self._receivers.values())

    def __contains__(self, key: object) -> bool:
        return key in self._receivers

    def send(self, payload: P) -> dict[str, R]:
        """Call every receiver with ``payload``; ``{key: result}`` in registration order."""
        return {key: receiver(payload) for key, receiver in self._receivers.items()}

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {', '.join(self._receivers) or 'empty'}>"
