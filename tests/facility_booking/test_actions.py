"""``allowed_actions``: one answer to "what may be done with this booking now", which the
staff page, the applicant's page and the portal hub show as their buttons and forms."""

import datetime as dt

import pytest
from django.utils import timezone

from facility_booking import services
from facility_booking.models import Status
from facility_booking.state import APPLICANT_ACTIONS, STAFF_ACTIONS, allowed_actions, can_move
from tests.facility_booking.conftest import add_discounts, make_facility, request_kwargs


@pytest.fixture
def booking(schema_a, world):
    facility = make_facility(base_fee=10000)
    add_discounts(facility, senior=30)
    return services.reservation_request(
        **request_kwargs(facility, world.resident, discount_categories=["senior"]),
        institution=world.inst_a,
    )


def test_every_action_starts_from_a_state_the_map_can_leave():
    moves = {
        "approve": Status.APPROVED,
        "reject": Status.REJECTED,
        "record_payment": Status.PAID,
        "cancel": Status.CANCELLED,
        "complete": Status.COMPLETED,
        "no_show": Status.NO_SHOW,
    }
    for table in (STAFF_ACTIONS, APPLICANT_ACTIONS):
        for action, states in table.items():
            for state in states:
                if action in moves:
                    assert can_move(state, moves[action]), (action, state)


def test_a_request_offers_decisions_to_staff_and_cancel_and_proof_to_the_applicant(booking):
    assert allowed_actions(booking, staff=True) == {
        "approve",
        "reject",
        "cancel",
        "discount_decide",
    }
    assert allowed_actions(booking, staff=False) == {"cancel", "proof_add"}


def test_approved_and_unpaid(booking, world):
    r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    # the claimed 감면 may still be checked until something is paid
    assert allowed_actions(r, staff=True) == {
        "record_payment",
        "cancel",
        "permit",
        "discount_decide",
    }
    assert allowed_actions(r, staff=False) == {"cancel", "pay", "permit", "proof_add"}
    later = r.start + dt.timedelta(minutes=1)
    # no cancelling, no paying once it started
    assert allowed_actions(r, staff=False, now=later) == {"permit", "proof_add"}
    r = services.discount_decide(actor=world.manager_a, reservation=r, accept=True)
    assert "proof_add" not in allowed_actions(r, staff=False)
    # started but unpaid: nothing to complete
    assert "complete" not in allowed_actions(r, staff=True, now=later)


def test_paid_and_started(booking, world):
    r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    r = services.reservation_record_payment(
        actor=world.manager_a, reservation=r, amount=r.total_amount, method="cash"
    )
    assert allowed_actions(r, staff=True) == {"cancel", "permit"}
    started = r.start + dt.timedelta(minutes=1)
    assert allowed_actions(r, staff=True, now=started) == {
        "cancel",
        "complete",
        "no_show",
        "permit",
    }


def test_finished_bookings_offer_nothing_but_their_permit(booking, world):
    r = services.reservation_reject(actor=world.manager_a, reservation=booking, reason="중복")
    assert allowed_actions(r, staff=True) == set()
    assert allowed_actions(r, staff=False, now=timezone.now()) == set()


def test_the_staff_page_shows_only_the_allowed_forms(booking, world, on_host):
    page = on_host(world.inst_a, world.manager_a).get(f"/facilities/manage/bookings/{booking.pk}/")
    html = page.content.decode()
    assert f"/facilities/manage/bookings/{booking.pk}/approve/" in html
    assert f"/facilities/manage/bookings/{booking.pk}/payment/" not in html
    assert f"/facilities/manage/bookings/{booking.pk}/complete/" not in html
    mine = on_host(world.inst_a, world.resident).get(f"/facilities/my/{booking.pk}/")
    assert f"/facilities/my/{booking.pk}/cancel/" in mine.content.decode()
    assert "permit.pdf" not in mine.content.decode()
