"""One write path for facility booking (see reservations.py and facilities.py)."""

from facility_booking.services.discounts import (  # noqa: F401
    discount_decide,
    proof_add,
)
from facility_booking.services.facilities import (  # noqa: F401
    closed_date_add,
    closed_date_remove,
    facility_create,
    facility_set_discounts,
    facility_set_equipment,
    facility_set_hours,
    facility_set_refund_tiers,
    facility_update,
    feed_for,
    feed_rotate,
    photo_add,
    photo_remove,
)
from facility_booking.services.handover import handover  # noqa: F401
from facility_booking.services.reservations import (  # noqa: F401
    block_create,
    block_remove,
    cancellation_refund,
    check_person_limit,
    lock_person,
    lock_reservation,
    overlaps,
    reservation_approve,
    reservation_cancel,
    reservation_complete,
    reservation_expire,
    reservation_mark_no_show,
    reservation_mark_paid,
    reservation_quote,
    reservation_record_payment,
    reservation_reject,
    reservation_request,
    reservation_send_payment_reminder,
    reservation_send_reminder,
    slot_taken,
)
