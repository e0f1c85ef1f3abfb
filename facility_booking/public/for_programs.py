"""What programs (강좌·행사) may use of facility booking: a program may take place in one
of the institution's facilities.

- ``venue_choices()`` — the facilities a program's venue is chosen from;
- for demo data: ``Facility``, ``facility_create``, ``facility_set_hours`` (a hall the
  demo programs use).
"""

from __future__ import annotations

from django.db.models import QuerySet

from facility_booking.models import Facility
from facility_booking.services import facility_create, facility_set_hours

__all__ = ["Facility", "facility_create", "facility_set_hours", "venue_choices"]


def venue_choices() -> QuerySet[Facility]:
    """Active facilities (public or internal), by name."""
    return Facility.objects.filter(is_active=True).order_by("name")
