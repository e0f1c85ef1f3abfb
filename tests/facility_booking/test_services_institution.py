"""Services act for the institution their caller names (``institution=``): permissions
follow it, not the schema that happens to be current."""

import pytest
from django.core.exceptions import PermissionDenied

from facility_booking import services
from facility_booking.models import Reservation, Status
from tests.facility_booking.conftest import make_facility, request_kwargs


@pytest.fixture
def requested(schema_a, world):
    facility = make_facility()
    return services.reservation_request(
        **request_kwargs(facility, world.resident), institution=world.inst_a
    )


def test_the_named_institution_decides_who_may_act(requested, world):
    """manager_a manages inst_a's bookings, not inst_b's: named inst_b, the service refuses
    although the schema is inst_a's."""
    with pytest.raises(PermissionDenied):
        services.reservation_approve(
            actor=world.manager_a, reservation=requested, institution=world.inst_b
        )
    with pytest.raises(PermissionDenied):
        services.block_create(
            actor=world.manager_a,
            facility=requested.facility,
            start=requested.start,
            end=requested.end,
            institution=world.inst_b,
        )
    with pytest.raises(PermissionDenied):
        services.facility_update(
            actor=world.admin_a, facility=requested.facility, name="x", institution=world.inst_b
        )
    requested.refresh_from_db()
    assert requested.status == Status.REQUESTED
    assert Reservation.objects.filter(kind="block").count() == 0
