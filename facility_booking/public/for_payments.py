"""What payments (orders, the ledger, refunds) may use of facility booking.

Payments takes the money of a booking; these are the only names it imports from this app:

- the booking and its states: ``Kind``, ``Status``, ``reservation_for_user`` (the
  applicant's own booking, 404 otherwise), ``lock_reservation`` (the booking's row lock,
  taken before an order's);
- what follows a payment: ``reservation_mark_paid`` (the booking moves to paid),
  ``notify_applicant`` (the applicant's 알림톡 / e-mail: 가상계좌 issued, refund done),
  ``publish_booking`` (the hub's summary of the booking);
- who may take money at the desk: ``can_manage_bookings`` (``manager_page`` and
  ``ManagerPermission`` for pages and the API are in ``facility_booking.public``).
"""

from facility_booking.models import Kind, Status
from facility_booking.notify import notify_applicant
from facility_booking.permissions import can_manage_bookings
from facility_booking.portal import publish_booking
from facility_booking.selectors import reservation_for_user
from facility_booking.services import lock_reservation, reservation_mark_paid

__all__ = [
    "Kind",
    "Status",
    "can_manage_bookings",
    "lock_reservation",
    "notify_applicant",
    "publish_booking",
    "reservation_for_user",
    "reservation_mark_paid",
]
