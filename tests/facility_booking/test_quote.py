"""One ``reservation_quote``: the apply page's preview and the request check the same
rules and give the same price; a preview never stores anything."""

import pytest
from django_tenants.utils import schema_context

from facility_booking import services
from facility_booking.errors import BookingError, message
from facility_booking.models import Reservation
from tests.facility_booking.conftest import add_discounts, at, make_facility, request_kwargs


@pytest.fixture
def hall(world):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="견적 홀", capacity=100)
        add_discounts(facility, senior=30)
    return facility


def test_the_request_stores_what_the_quote_priced(schema_a, hall, world):
    kwargs = request_kwargs(hall, world.resident2, discount_categories=["senior"])
    quote = services.reservation_quote(
        facility=hall,
        institution=world.inst_a,
        applicant=world.resident2,
        start=kwargs["start"],
        end=kwargs["end"],
        headcount=kwargs["headcount"],
        discount_categories=["senior"],
    )
    r = services.reservation_request(**kwargs, institution=world.inst_a)
    assert (r.total_amount, r.discount_amount, r.price_lines) == (
        quote.total,
        quote.discount,
        quote.line_dicts(),
    )


def test_quote_refuses_an_ineligible_discount_like_the_request(schema_a, hall, world):
    """A resident without a birth date claiming 어르신 감면: refused by the quote (so by the
    preview) with the request's own message."""
    world.resident2.birth_date = None
    world.resident2.save(update_fields=["birth_date"])
    kwargs = request_kwargs(hall, world.resident2, discount_categories=["senior"])
    with pytest.raises(BookingError) as quoted:
        services.reservation_quote(
            facility=hall,
            institution=world.inst_a,
            applicant=world.resident2,
            start=kwargs["start"],
            end=kwargs["end"],
            discount_categories=["senior"],
        )
    with pytest.raises(BookingError) as requested:
        services.reservation_request(**kwargs, institution=world.inst_a)
    assert quoted.value.booking_code == requested.value.booking_code == "senior_birth_date"
    assert Reservation.objects.count() == 0


def test_preview_page_says_what_the_request_would_refuse(hall, world, on_host):
    world.resident2.birth_date = None
    world.resident2.save(update_fields=["birth_date"])
    response = on_host(world.inst_a, world.resident2).post(
        f"/facilities/{hall.pk}/apply/",
        {
            "date": at(3, 0).date().isoformat(),
            "start_time": "14:00",
            "end_time": "16:00",
            "purpose": "합창단 연습",
            "headcount": "30",
            "contact_phone": "010-2222-3333",
            "discount_categories": ["senior"],
            "action": "preview",
        },
    )
    assert response.status_code == 400
    assert message("senior_birth_date") in response.content.decode()
    with schema_context(world.inst_a.schema_name):
        assert Reservation.objects.count() == 0
