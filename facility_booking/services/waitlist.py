"""The waitlist (예약대기): residents queue for a taken period of a facility; when a
holding booking is cancelled, rejected or expires, the first in line whose period is
now free is offered it — a booking awaiting payment with a short deadline — and told.
If they do not pay in time it expires like any booking and the next is offered.

Race safety: joining and offering run under the facility's insert lock
(``lock_facility``, taken before any row lock), the offer is an ordinary booking held
by the exclusion constraint, and a partial unique index keeps one place per person and
period (``fb_wait_once``).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from facility_booking import permissions, rules
from facility_booking.errors import BookingError
from facility_booking.models import (
    HOLDING_STATES,
    WAIT_ACTIVE,
    Facility,
    Kind,
    Origin,
    Reservation,
    Status,
    WaitlistEntry,
    WaitStatus,
)
from facility_booking.portal import publish_booking
from facility_booking.services import fairness
from facility_booking.services.holding import (
    held,
    hold_period,
    insert_booking,
    lock_facility,
    payment_due,
)
from institution.audit import audit_record
from suite.dates import kdate, ktime

PER_PERSON = 5
# Nobody joins, and nothing is offered, this close to the start: no time to pay.
LEAD = dt.timedelta(hours=2)
FREED = (Status.CANCELLED, Status.REJECTED, Status.EXPIRED)


def _audit(actor, action: str, entry: WaitlistEntry, summary: str, reason: str = ""):
    audit_record(
        actor=actor,
        action=f"facility_booking.{action}",
        summary=f"예약대기 #{entry.pk} {summary}",
        target=entry,
        reason=reason,
        data={"facility": entry.facility_id, "start": entry.start.isoformat()},
    )


def _lock_person(user_id: int) -> None:
    from facility_booking.services.reservations import lock_person

    lock_person(user_id)


def waitlist_join(
    *,
    actor,
    facility: Facility,
    start: dt.datetime,
    end: dt.datetime,
    purpose: str,
    contact_phone: str,
    headcount: int = 1,
    organisation: str = "",
    institution=None,
    now=None,
) -> WaitlistEntry:
    """Queue for [start, end) of a facility while someone else holds it. Refused when
    the period is free (book it instead), already one's own, or out of the rules."""
    institution = fairness._institution(institution)
    now = now or timezone.now()
    if not facility.is_public or not permissions.can_book_facility(actor, institution, facility):
        raise BookingError("facility_unavailable")
    if not fairness.rules_of(facility).waitlist_enabled:
        raise BookingError("waitlist_off")
    purpose, contact_phone = (purpose or "").strip(), (contact_phone or "").strip()
    if not purpose:
        raise BookingError("purpose_required", field="purpose")
    if not contact_phone:
        raise BookingError("contact_required", field="contact_phone")
    rules.validate_times(facility, start, end, now=now)
    rules.validate_headcount(facility, headcount)
    if start - now < LEAD:
        raise BookingError(
            "waitlist_too_soon", field="start", hours=int(LEAD.total_seconds() // 3600)
        )
    with transaction.atomic():
        _lock_person(actor.pk)
        fairness.check_sanction(actor, facility, now)
        lock_facility(facility.pk)
        hold_start, hold_end = hold_period(facility, start, end)
        mine = Reservation.objects.filter(
            facility=facility,
            applicant=actor,
            kind=Kind.BOOKING,
            status__in=HOLDING_STATES,
            hold_start__lt=hold_end,
            hold_end__gt=hold_start,
        )
        if mine.exists():
            raise BookingError("waitlist_own", field="start")
        if not held(facility, hold_start, hold_end):
            from facility_booking.selectors_fair import open_round_slot

            slot = open_round_slot(facility, start, end)
            if slot is not None:
                raise BookingError("lottery_slot", field="start", title=slot.round.title)
            raise BookingError("waitlist_free", field="start")
        if (
            WaitlistEntry.objects.filter(applicant=actor, status__in=WAIT_ACTIVE).count()
            >= PER_PERSON
        ):
            raise BookingError("waitlist_too_many", n=PER_PERSON)
        try:
            with transaction.atomic():
                entry = WaitlistEntry.objects.create(
                    facility=facility,
                    applicant=actor,
                    applicant_name=actor.get_full_name()[:60],
                    contact_phone=contact_phone[:30],
                    organisation=(organisation or "").strip()[:100],
                    purpose=purpose[:300],
                    headcount=headcount,
                    start=start,
                    end=end,
                )
        except IntegrityError:
            raise BookingError("waitlist_duplicate", field="start") from None
        _audit(actor, "waitlist_join", entry, "대기 신청")
        from facility_booking.portal_fair import publish_activity

        publish_activity(
            user=actor,
            what="waitlist",
            text=gettext("예약대기 신청: %(facility)s %(when)s")
            % {"facility": facility.name, "when": f"{kdate(start)} {ktime(start)}"},
            institution=institution,
        )
    return entry


def waitlist_cancel(*, actor, entry: WaitlistEntry, institution=None) -> WaitlistEntry:
    """Leave the line (one's own entry, while waiting)."""
    if entry.applicant_id != getattr(actor, "pk", None):
        raise BookingError("waitlist_not_waiting")
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != WaitStatus.WAITING:
            raise BookingError("waitlist_not_waiting")
        entry.status = WaitStatus.CANCELLED
        entry.save(update_fields=["status", "updated_at"])
        _audit(actor, "waitlist_cancel", entry, "대기 취소")
    return entry


def _close(entry: WaitlistEntry, reason: str) -> None:
    entry.status = WaitStatus.CLOSED
    entry.status_reason = reason[:300]
    entry.save(update_fields=["status", "status_reason", "updated_at"])


def offer_freed(
    *, facility: Facility, hold_start, hold_end, institution=None, now=None
) -> list[WaitlistEntry]:
    """Offer a freed period to the people waiting for it, first come first served: each
    waiting entry overlapping it, in order, whose own period is now wholly free gets a
    booking awaiting payment (``waitlist_offer_hours``). Same transaction as the change
    that freed it; takes the facility lock (re-entrant) — callers take it before any row
    lock."""
    from facility_booking.notify_fair import notify_waitlist_offer

    institution = fairness._institution(institution)
    now = now or timezone.now()
    rule = fairness.rules_of(facility)
    if not rule.waitlist_enabled:
        return []
    lock_facility(facility.pk)
    buffer = dt.timedelta(minutes=facility.buffer_minutes)
    candidates = (
        WaitlistEntry.objects.select_for_update()
        .filter(
            facility=facility,
            status=WaitStatus.WAITING,
            start__lt=hold_end,
            end__gt=hold_start - buffer,
        )
        .select_related("facility")
        .order_by("created_at", "id")
    )
    offered = []
    for entry in candidates:
        if entry.start - now < LEAD / 2:
            _close(entry, gettext("이용 시간이 임박해 대기가 끝났습니다."))
            continue
        start, end = hold_period(facility, entry.start, entry.end)
        if held(facility, start, end):
            continue
        try:
            fairness.check_request(entry.applicant, facility, entry.start, now=now)
        except BookingError as error:
            _close(entry, error.messages[0])
            continue
        reservation = insert_booking(
            facility=facility,
            start=entry.start,
            end=entry.end,
            applicant=entry.applicant,
            actor=None,
            origin=Origin.WAITLIST,
            applicant_name=entry.applicant_name,
            contact_phone=entry.contact_phone,
            organisation=entry.organisation,
            purpose=entry.purpose,
            headcount=entry.headcount,
            approve=True,
            due=payment_due(facility, entry.start, now, hours=rule.waitlist_offer_hours),
            reason=gettext("예약대기 순번 도래"),
            now=now,
        )
        entry.status = WaitStatus.OFFERED if reservation.total_amount else WaitStatus.BOOKED
        entry.reservation = reservation
        entry.offered_at = now
        entry.offer_due = reservation.payment_due
        entry.save(update_fields=["status", "reservation", "offered_at", "offer_due", "updated_at"])
        _audit(None, "waitlist_offer", entry, f"순번 도래, 예약 {reservation.number}")
        publish_booking(reservation)
        notify_waitlist_offer(entry, reservation, institution=institution)
        offered.append(entry)
    return offered


SYNC: dict[str, str] = {
    Status.PAID: WaitStatus.BOOKED,
    Status.COMPLETED: WaitStatus.BOOKED,
    Status.NO_SHOW: WaitStatus.BOOKED,
    Status.EXPIRED: WaitStatus.LAPSED,
    Status.CANCELLED: WaitStatus.DECLINED,
    Status.REJECTED: WaitStatus.DECLINED,
}


def after_change(reservation: Reservation, *, institution=None, now=None) -> None:
    """Called after every change of a booking (same transaction): an offered booking's
    place follows it (paid → booked, expired → lapsed, cancelled → declined), and a
    booking or block that stopped holding a time still ahead passes it on to the line."""
    if reservation.origin == Origin.WAITLIST and reservation.status in SYNC:
        WaitlistEntry.objects.filter(reservation=reservation, status=WaitStatus.OFFERED).update(
            status=SYNC[reservation.status], updated_at=timezone.now()
        )
    now = now or timezone.now()
    if (
        reservation.kind in (Kind.BOOKING, Kind.BLOCK)
        and reservation.status in (*FREED,)
        and reservation.end > now
    ):
        offer_freed(
            facility=reservation.facility,
            hold_start=reservation.hold_start,
            hold_end=reservation.hold_end,
            institution=institution,
            now=now,
        )


def close_past_here(*, now=None) -> int:
    """End the waits whose time is (nearly) here (task / cron)."""
    now = now or timezone.now()
    return WaitlistEntry.objects.filter(status=WaitStatus.WAITING, start__lt=now + LEAD / 2).update(
        status=WaitStatus.CLOSED,
        status_reason=gettext("이용 시간이 다가와 대기가 끝났습니다."),
        updated_at=now,
    )
