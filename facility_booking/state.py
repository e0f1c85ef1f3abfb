"""The booking state machine: one transition map, one function that moves.

requested → approved (awaiting payment) → paid → completed | no_show
requested → rejected; requested/approved/paid → cancelled;
approved (unpaid, past the deadline) → expired. Free bookings go from
approved straight to completed / no_show; instant facilities create the
booking as requested and approve it in the same transaction.
Staff blocks are blocked → cancelled.
"""

from __future__ import annotations

from facility_booking.errors import InvalidTransition
from facility_booking.models import Reservation, ReservationEvent, Status

S = Status

TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset({S.REQUESTED, S.BLOCKED}),
    S.REQUESTED: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.PAID, S.CANCELLED, S.EXPIRED, S.COMPLETED, S.NO_SHOW}),
    S.PAID: frozenset({S.COMPLETED, S.NO_SHOW, S.CANCELLED}),
    S.BLOCKED: frozenset({S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.NO_SHOW: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def transition(
    reservation: Reservation,
    target: str,
    *,
    actor=None,
    reason: str = "",
    data: dict | None = None,
    fields: tuple[str, ...] = (),
) -> ReservationEvent:
    """Move to ``target`` and write the history row. Caller holds the row lock.

    Raises ``InvalidTransition`` for a move the map does not allow; ``fields``
    are extra columns the caller changed and wants saved with the status.
    """
    current = reservation.status
    if not can_move(current, target):
        raise InvalidTransition(Status(current).label)
    reservation.status = target
    if reason:
        reservation.status_reason = reason
    reservation.save(update_fields=["status", "status_reason", "updated_at", *fields])
    return record_event(reservation, current, target, actor=actor, reason=reason, data=data)


def record_event(reservation, from_status, to_status, *, actor=None, reason="", data=None):
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return ReservationEvent.objects.create(
        reservation=reservation,
        from_status=from_status,
        to_status=to_status,
        actor=actor if authenticated else None,
        actor_label=(actor.get_full_name() if authenticated else "시스템"),
        reason=reason,
        data=data or {},
    )
