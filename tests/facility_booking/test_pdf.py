"""Permit and receipt PDFs: Korean text extracted back with pypdf; only the applicant
and booking managers may download them, and only in the right states."""

import io

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from facility_booking import services
from tests.facility_booking.conftest import add_discounts, make_facility, request_kwargs


def text_of(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def booking(world):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="대공연장", conditions="음식물 반입 금지")
        add_discounts(facility, senior=30)
        r = services.reservation_request(
            **request_kwargs(facility, world.resident, discount_categories=["senior"])
        )
    return r


def test_permit_only_once_approved_and_only_for_applicant_or_manager(booking, world, on_host):
    url = f"/facilities/bookings/{booking.pk}/permit.pdf"
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404  # not approved yet
    with schema_context(world.inst_a.schema_name):
        services.reservation_approve(actor=world.manager_a, reservation=booking)
    assert on_host(world.inst_a).get(url).status_code == 302
    assert on_host(world.inst_a, world.resident2).get(url).status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 404
    assert on_host(world.inst_b, world.resident).get(url).status_code == 404
    text = text_of(on_host(world.inst_a, world.resident).get(url))
    for words in (
        "대관 허가서",
        world.inst_a.name,
        booking.number,
        "대공연장",
        world.resident.name,
        "감면",
        "음식물 반입 금지",
        "14,000원",
        "발급일",
    ):
        assert words in text, words
    assert on_host(world.inst_a, world.manager_a).get(url).status_code == 200


def test_receipt_only_once_paid(booking, world, on_host):
    url = f"/facilities/bookings/{booking.pk}/receipt.pdf"
    with schema_context(world.inst_a.schema_name):
        r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404
    with schema_context(world.inst_a.schema_name):
        services.reservation_record_payment(
            actor=world.manager_a, reservation=r, amount=14000, method="bank_transfer"
        )
    text = text_of(on_host(world.inst_a, world.resident).get(url))
    for words in ("영수증", booking.number, "14,000원", "계좌 이체", "65세 이상 어르신"):
        assert words in text, words
