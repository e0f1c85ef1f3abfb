"""What every facility-booking service shares: the institution it acts for.

Services take ``institution=`` from their caller (the request's institution, the task's
institution, the handover's). ``acting_institution`` only fills in for a caller that
predates the explicit argument: it reads the institution of the current schema once, at
the service's entry, and everything below receives it as an argument.
"""

from __future__ import annotations

from typing import Any


def acting_institution(institution: Any = None) -> Any:
    """``institution`` as given; for an older caller that passed none, the institution
    of the current schema (None outside any institution's schema)."""
    if institution is not None:
        return institution
    from facility_booking.portal import current_institution

    return current_institution()
