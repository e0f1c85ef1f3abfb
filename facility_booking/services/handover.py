"""인계인수 of facility booking: a leaver's staff-side items go to their successor.

Takes part in the org chart's handover (registered in ``accounts.handover
.handover_participants`` by FacilityBookingConfig.ready), inside its transaction, or
runs on its own.

What moves — only rows still to come (not yet over) that hold their slot:

- bookings the leaver took **on behalf of** a walk-in or phone applicant: the
  successor becomes the staff member in charge (``created_by``); the applicant,
  their name and contact stay exactly as they are;
- **blocks** (maintenance / internal use) the leaver registered (``created_by``);
- the leaver's own bookings of **internal** facilities (rooms, vehicles booked
  for their work through the workspace): the successor becomes the applicant.

What never moves: a resident's own bookings, the leaver's bookings of public
facilities (made as a private person), finished, cancelled, rejected or expired
rows, and history. Every moved row gets a ``ReservationEvent`` (same status,
reason "인계인수"), and one ``facility_booking.handover`` audit row is written.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.handover import Handover, handover_check
from facility_booking.models import (
    ACTIVE_BOOKING_STATES,
    Kind,
    Reservation,
    Status,
    Visibility,
)
from facility_booking.portal import publish_booking
from facility_booking.state import record_event
from institution.audit import audit_record


def _label(user) -> str:
    return getattr(user, "name", "") or user.get_full_name() or user.email


def handover_candidates(*, from_user, now: dt.datetime | None = None) -> dict:
    """The leaver's staff-side rows still to come, per kind (querysets, not locked)."""
    now = now or timezone.now()
    upcoming = Reservation.objects.filter(end__gt=now)
    return {
        "on_behalf": upcoming.filter(
            kind=Kind.BOOKING,
            on_behalf=True,
            created_by=from_user,
            status__in=ACTIVE_BOOKING_STATES,
        ),
        "blocks": upcoming.filter(kind=Kind.BLOCK, status=Status.BLOCKED, created_by=from_user),
        "internal": upcoming.filter(
            kind=Kind.BOOKING,
            applicant=from_user,
            facility__visibility=Visibility.INTERNAL,
            status__in=ACTIVE_BOOKING_STATES,
        ),
    }


@transaction.atomic
def handover(
    *, actor, institution, from_user, to_user, reason: str = "", now: dt.datetime | None = None
) -> int:
    """Give ``from_user``'s staff-side booking items still to come to ``to_user``;
    returns how many rows moved.

    Institution admins only (PermissionDenied); the successor must be another,
    active member here (Korean ValidationError, nothing changed). Residents' own
    bookings are never touched (see the module docstring for what moves).
    """
    handover_check(actor=actor, institution=institution, from_user=from_user, to_user=to_user)
    reason = (reason or "").strip()
    note = _("인계인수: %(from)s → %(to)s") % {"from": _label(from_user), "to": _label(to_user)}
    if reason:
        note = f"{note} ({reason})"
    candidates = handover_candidates(from_user=from_user, now=now)
    moved = {}
    for what, queryset in candidates.items():
        rows = list(
            queryset.select_for_update(of=("self",)).select_related("facility").order_by("pk")
        )
        for r in rows:
            if what == "internal":
                r.applicant = to_user
                r.applicant_name = _label(to_user)
                r.applicant_email = to_user.email
                r.contact_phone = getattr(to_user, "phone", "") or r.contact_phone
                fields = ["applicant", "applicant_name", "applicant_email", "contact_phone"]
            else:
                r.created_by = to_user
                fields = ["created_by"]
            r.save(update_fields=[*fields, "updated_at"])
            record_event(
                r,
                r.status,
                r.status,
                actor=actor,
                reason=note,
                data={
                    "handover": {
                        "from_user": from_user.pk,
                        "to_user": to_user.pk,
                        "field": "applicant" if what == "internal" else "created_by",
                    }
                },
            )
            if what == "internal":
                # the portal's "my bookings" follows the applicant
                publish_booking(r, institution=institution)
        moved[what] = [r.pk for r in rows]
    total = sum(len(ids) for ids in moved.values())
    if total:
        audit_record(
            actor=actor,
            action="facility_booking.handover",
            summary=_("시설 예약 인계인수 %(n)s건: %(from)s → %(to)s")
            % {"n": total, "from": _label(from_user), "to": _label(to_user)},
            reason=reason,
            data={"from_user": from_user.pk, "to_user": to_user.pk, "moved": moved},
        )
    return total


def handover_participant(request: Handover) -> int:
    """accounts.handover participant: the checked request, inside the caller's transaction."""
    return handover(
        actor=request.actor,
        institution=request.institution,
        from_user=request.from_user,
        to_user=request.to_user,
        reason=request.reason,
    )
