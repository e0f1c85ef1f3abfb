"""Garbage and huge numbers on the staff pages: a clear Korean message or a 404,
nothing stored, never a 500."""

import pytest
from django_tenants.utils import schema_context

from facility_booking import pricing, services
from facility_booking.errors import MESSAGES, BookingError
from facility_booking.models import ClosedDate, Equipment, Facility, RefundTier, Reservation
from tests.facility_booking.conftest import at, make_facility, request_kwargs
from tests.facility_booking.test_pages import facility_post


@pytest.fixture
def hall(world):
    with schema_context(world.inst_a.schema_name):
        hall = make_facility(name="대공연장", kind="hall", capacity=300)
        ClosedDate.objects.create(facility=hall, date=at(20, 0).date(), reason="소독")
        return hall


def _count(world, model=Reservation):
    with schema_context(world.inst_a.schema_name):
        return model.objects.count()


def test_non_ascii_digits_in_query_strings_are_not_500(hall, world, on_host):
    """ "²".isdigit() is True in Python; int("²") is not."""
    manager = on_host(world.inst_a, world.manager_a)
    assert manager.get("/facilities/manage/?q=²").status_code == 200
    assert manager.get("/facilities/manage/?q=FB-2026-99999999999999999999").status_code == 200
    assert manager.get("/facilities/manage/walk-in/?facility=²").status_code == 404
    assert (
        manager.get("/facilities/manage/walk-in/?facility=99999999999999999999").status_code == 404
    )


def test_remove_buttons_with_garbage_ids_are_404(hall, world, on_host):
    manager = on_host(world.inst_a, world.manager_a)
    url = f"/facilities/manage/facilities/{hall.pk}/extras/"
    for what in ("remove_closed", "remove_photo"):
        for value in ("abc", "²", "-1", "99999999999999999999", ""):
            assert manager.post(url, {"what": what, "id": value}).status_code == 404
    assert _count(world, ClosedDate) == 1


def test_facility_id_zero_is_404_not_a_new_form(world, on_host):
    manager = on_host(world.inst_a, world.manager_a)
    assert manager.get("/facilities/manage/facilities/0/").status_code == 404


def test_huge_fee_at_approval_is_a_form_error(hall, world, on_host):
    with schema_context(world.inst_a.schema_name):
        booking = services.reservation_request(**request_kwargs(hall, world.resident))
    manager = on_host(world.inst_a, world.manager_a)
    response = manager.post(
        f"/facilities/manage/bookings/{booking.pk}/approve/", {"fee": "99999999999999999999"}
    )
    assert response.status_code == 400
    with schema_context(world.inst_a.schema_name):
        assert Reservation.objects.get(pk=booking.pk).status == "requested"
        with pytest.raises(BookingError):
            services.reservation_approve(actor=world.manager_a, reservation=booking, fee=2**40)
        assert Reservation.objects.get(pk=booking.pk).status == "requested"


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({"r-days_0": "99999999999999"}, "730 이하"),
        ({"e-items": "빔프로젝터, 99999999999999"}, "100,000,000원 이하"),
        ({"f-slot_minutes": "0"}, "5분에서 1440분"),
        ({"f-base_fee": "2000000000"}, "100,000,000원 이하"),
        ({"f-evening_surcharge_percent": "99999"}, "1000%"),
        ({"h-opens_0": "25:99"}, "올바른 시각"),
    ],
)
def test_facility_settings_out_of_range_are_korean_form_errors(world, on_host, overrides, text):
    before = (_count(world, Facility), _count(world, RefundTier), _count(world, Equipment))
    manager = on_host(world.inst_a, world.manager_a)
    response = manager.post("/facilities/manage/facilities/new/", facility_post(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error"' in html and text in html
    assert "fb_facility" not in html  # no constraint names shown
    assert "함께 입력해 주세요" not in html  # the number's own error, not a misleading one
    assert (_count(world, Facility), _count(world, RefundTier), _count(world, Equipment)) == before


def test_a_price_the_columns_cannot_hold_is_refused(world, schema_a):
    """A facility set up before the form limits (or by the API) cannot overflow a booking."""
    pricey = make_facility(base_fee=1_500_000_000, weekend_surcharge_percent=0)
    before = Reservation.objects.count()
    with pytest.raises(BookingError) as caught:
        services.reservation_request(**request_kwargs(pricey, world.resident))
    assert caught.value.booking_code == "amount_too_large"
    assert Reservation.objects.count() == before
    assert pricing.MAX_TOTAL < 2**31


def test_blocks_in_the_past_are_refused(hall, world, on_host):
    manager = on_host(world.inst_a, world.manager_a)
    yesterday = at(-1, 0).date().isoformat()
    response = manager.post(
        "/facilities/manage/blocks/",
        {
            "facility": hall.pk,
            "date": yesterday,
            "start_time": "09:00",
            "end_time": "12:00",
            "reason": "maintenance",
        },
    )
    assert response.status_code == 400 and MESSAGES["past"] in response.content.decode()
    reversed_ = manager.post(
        "/facilities/manage/blocks/",
        {
            "facility": hall.pk,
            "date": at(3, 0).date().isoformat(),
            "start_time": "12:00",
            "end_time": "09:00",
            "reason": "maintenance",
        },
    )
    assert reversed_.status_code == 400
    assert _count(world) == 0


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"start_time": "14:15", "end_time": "16:15"}, "not_aligned"),
        ({"start_time": "06:00", "end_time": "08:00"}, "past_or_hours"),
        ({"discount_categories": ["basic_livelihood"]}, "discount_not_offered"),
        ({"discount_categories": ["garbage"]}, "discount_not_offered"),
        ({"purpose": ""}, "purpose_required"),
    ],
)
def test_apply_page_names_the_rule_not_the_choice_list(hall, world, on_host, overrides, code):
    """Off-grid times reach the booking rules (precise Korean message), not Django's
    generic "not one of the available choices"."""
    import datetime as dt

    from tests.facility_booking.test_pages import apply_data

    with schema_context(world.inst_a.schema_name):
        from facility_booking.models import OpeningHours

        OpeningHours.objects.filter(facility=hall).update(opens=dt.time(9))
        hall.discounts.create(category="senior", percent=30)
    client = on_host(world.inst_a, world.resident2)
    data = apply_data(at(3, 0).date(), action="submit", **overrides)
    response = client.post(f"/facilities/{hall.pk}/apply/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "선택가능항목" not in html
    if code == "past_or_hours":
        assert "운영 시간(09:00–22:00)" in html
    else:
        assert MESSAGES[code].split("{")[0] in html
    assert _count(world) == 0


def test_preview_already_says_the_person_is_at_their_limit(hall, world, on_host):
    """The resident learns about the per-person limit before pressing submit."""
    from tests.facility_booking.test_pages import apply_data

    with schema_context(world.inst_a.schema_name):
        Facility.objects.filter(pk=hall.pk).update(max_active_per_person=1)
        services.reservation_request(
            **request_kwargs(hall, world.resident2, start=at(4, 9), end=at(4, 10))
        )
    client = on_host(world.inst_a, world.resident2)
    response = client.post(
        f"/facilities/{hall.pk}/apply/",
        apply_data(at(3, 0).date(), action="preview", discount_categories=[]),
    )
    assert response.status_code == 400
    assert MESSAGES["over_person_limit"].format(limit=1) in response.content.decode()
    assert _count(world) == 1


def test_claims_for_what_the_facility_does_not_offer_at_all_are_refused(world, on_host):
    """No discounts or equipment offered → no such fields; a crafted claim is still refused."""
    from tests.facility_booking.test_pages import apply_data

    with schema_context(world.inst_a.schema_name):
        bare = make_facility(name="간소한 방")
    client = on_host(world.inst_a, world.resident2)
    for claim, code in (
        ({"discount_categories": ["senior"]}, "discount_not_offered"),
        ({"equipment_ids": ["1"]}, "equipment_unknown"),
    ):
        data = apply_data(at(3, 0).date(), action="submit", **claim)
        if "discount_categories" not in claim:
            data.pop("discount_categories")
        response = client.post(f"/facilities/{bare.pk}/apply/", data)
        assert response.status_code == 400
        assert MESSAGES[code] in response.content.decode()
    assert _count(world) == 0
