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
        raise InvalidTransition(str(Status(current).label))
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


# -- what may be done now: one answer for pages, templates and the API -----------------

# Each action → the states it starts from (the transition map above decides where it
# goes); ``allowed_actions`` adds the conditions that are not states (started yet,
# money paid, a 감면 claimed). The services check the same states and refuse otherwise.
STAFF_ACTIONS: dict[str, frozenset[str]] = {
    "approve": frozenset({S.REQUESTED}),
    "reject": frozenset({S.REQUESTED}),
    "record_payment": frozenset({S.APPROVED}),
    "cancel": frozenset({S.REQUESTED, S.APPROVED, S.PAID}),
    "complete": frozenset({S.APPROVED, S.PAID}),
    "no_show": frozenset({S.APPROVED, S.PAID}),
    "discount_decide": frozenset({S.REQUESTED, S.APPROVED}),
    "permit": frozenset({S.APPROVED, S.PAID, S.COMPLETED}),
}
APPLICANT_ACTIONS: dict[str, frozenset[str]] = {
    "cancel": frozenset({S.REQUESTED, S.APPROVED, S.PAID}),
    "pay": frozenset({S.APPROVED}),
    "proof_add": frozenset({S.REQUESTED, S.APPROVED}),
    "permit": frozenset({S.APPROVED, S.PAID, S.COMPLETED}),
}


def _online_payment_open(reservation: Reservation) -> bool:
    """An online payment is being confirmed or a 가상계좌 waits for its deposit."""
    prefetched = getattr(reservation, "_prefetched_objects_cache", {}).get("payment_orders")
    if prefetched is not None:  # a list prefetched the orders: no query a row
        return any(o.status in ("confirming", "waiting_for_deposit") for o in prefetched)
    return reservation.payment_orders.filter(
        status__in=("confirming", "waiting_for_deposit")
    ).exists()


def allowed_actions(reservation: Reservation, *, staff: bool, now=None) -> frozenset[str]:
    """The actions the booking managers (``staff``) or the applicant may take on
    ``reservation`` now — what the pages offer as buttons and forms."""
    from django.utils import timezone

    now = now or timezone.now()
    table = STAFF_ACTIONS if staff else APPLICANT_ACTIONS
    actions = {name for name, states in table.items() if reservation.status in states}
    started = reservation.start <= now
    if staff:
        unpaid_fee = reservation.status == S.APPROVED and reservation.total_amount > 0
        if not started or unpaid_fee:
            actions -= {"complete", "no_show"}
        if not reservation.claimed_discounts or reservation.net_paid:
            actions.discard("discount_decide")
        return frozenset(actions)
    if started:
        actions.discard("cancel")
    if "pay" in actions and not (
        reservation.awaits_payment
        and reservation.payment_due
        and reservation.payment_due > now
        and not _online_payment_open(reservation)
    ):
        actions.discard("pay")
    if not reservation.claimed_discounts or reservation.discount_decision:
        actions.discard("proof_add")
    return frozenset(actions)
