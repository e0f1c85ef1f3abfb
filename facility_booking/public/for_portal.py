"""What the city portal may use of facility booking.

The portal reaches this app in two places; these are the only names it imports:

- **the resident's hub** (``portal.hub``, ``/my/bookings/<slug>/<pk>/…``), which enters
  the booking's institution and acts there for the applicant as the institution's own
  pages do: ``applicant_booking`` (the person's own booking, 404 otherwise),
  ``reservation_cancel`` with ``cancellation_refund`` and ``refund_percent`` (the refund
  shown before cancelling), ``ProofForm`` / ``proof_add`` / ``proof_response`` (감면
  proofs), ``permit_response`` / ``receipt_response`` (the stored PDFs) and
  ``apply_errors`` (a service's Korean messages next to the form's fields);
- **the index** (``portal.sources``, ``portal.signals``, ``portal.search``): the facility
  source reads ``Facility``, ``OpeningHours``, ``ClosedDate`` and the bookings holding a
  slot (``Reservation``, ``HOLDING_STATES``); the signals re-index on their saves;
  ``holiday_name`` marks 공휴일 in the free-venue search.

``allowed_actions`` and ``status_label`` (the hub's buttons and labels) are in
``facility_booking.public``.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from facility_booking import documents
from facility_booking.forms import ProofForm
from facility_booking.models import (
    HOLDING_STATES,
    ClosedDate,
    Facility,
    Kind,
    OpeningHours,
    Reservation,
)
from facility_booking.pricing import refund_percent
from facility_booking.rules import holiday_name
from facility_booking.services import cancellation_refund, proof_add, reservation_cancel
from facility_booking.views import apply_errors, proof_response

__all__ = [
    "HOLDING_STATES",
    "ClosedDate",
    "Facility",
    "OpeningHours",
    "ProofForm",
    "Reservation",
    "applicant_booking",
    "apply_errors",
    "cancellation_refund",
    "holiday_name",
    "permit_response",
    "proof_add",
    "proof_response",
    "receipt_response",
    "refund_percent",
    "reservation_cancel",
]


def applicant_booking(user, pk) -> Reservation:
    """The person's own booking (not a block or a hold) in the current schema, with its
    facility; anything else — missing, someone else's, a malformed id — is a 404."""
    try:
        reservation = Reservation.objects.select_related("facility").get(
            pk=int(pk), kind=Kind.BOOKING
        )
    except (Reservation.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None
    if reservation.applicant_id != user.pk:
        raise Http404
    return reservation


def permit_response(reservation) -> FileResponse:
    """The booking's 사용허가서 PDF (stored, rendered once)."""
    return documents.file_response(reservation, documents.PERMIT)


def receipt_response(reservation) -> FileResponse:
    """The booking's 영수증 PDF (stored, rendered once)."""
    return documents.file_response(reservation, documents.RECEIPT)
