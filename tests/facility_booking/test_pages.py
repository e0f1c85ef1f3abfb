"""Resident and staff pages: access rules per page (anonymous, wrong role, other
institution, allowed), the apply flow with price preview, cancel with refund,
staff decisions, walk-ins, blocks, facility settings. Refusals change nothing."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking import services
from facility_booking.errors import MESSAGES, message
from facility_booking.models import Facility, Reservation, Status
from tests.facility_booking.conftest import (
    add_discounts,
    add_refund_tiers,
    at,
    make_facility,
    request_kwargs,
)


@pytest.fixture
def setup(world):
    """A public hall and an internal room in A with one requested booking; a facility
    and booking in B (ids far from A's)."""
    with schema_context(world.inst_a.schema_name):
        hall = make_facility(name="대공연장", kind="hall", capacity=300)
        add_discounts(hall, senior=30)
        add_refund_tiers(hall)
        room = make_facility(name="내부 회의실", visibility="internal", base_fee=0)
        booking = services.reservation_request(**request_kwargs(hall, world.resident))
    with schema_context(world.inst_b.schema_name):
        b_facility = make_facility(name="B 체육관", kind="gym")
        b_booking = services.reservation_request(**request_kwargs(b_facility, world.resident))
    return {
        "hall": hall,
        "room": room,
        "booking": booking,
        "b_facility": b_facility,
        "b_booking": b_booking,
    }


def count_a(world):
    with schema_context(world.inst_a.schema_name):
        return Reservation.objects.count()


def status_of(world, reservation):
    with schema_context(world.inst_a.schema_name):
        return Reservation.objects.get(pk=reservation.pk).status


# -- browsing ------------------------------------------------------------------------


def test_list_shows_public_facilities_to_anyone_and_internal_to_members(setup, world, on_host):
    page = on_host(world.inst_a).get("/facilities/").content.decode()
    assert "대공연장" in page and "내부 회의실" not in page
    assert (
        "내부 회의실" in on_host(world.inst_a, world.staff_a).get("/facilities/").content.decode()
    )
    assert "B 체육관" not in page


def test_list_filters_kind_capacity_and_free_date(setup, world, on_host):
    client = on_host(world.inst_a)
    assert "대공연장" not in client.get("/facilities/?kind=gym").content.decode()
    assert "대공연장" in client.get("/facilities/?capacity=250").content.decode()
    with schema_context(world.inst_a.schema_name):
        setup["hall"].hours.all().delete()
    day = at(3, 10).date().isoformat()
    assert "대공연장" not in client.get(f"/facilities/?date={day}").content.decode()


def test_detail_calendar_shows_taken_but_never_who(setup, world, on_host):
    hall = setup["hall"]
    day = at(3, 10).date().isoformat()
    page = on_host(world.inst_a).get(f"/facilities/{hall.pk}/?date={day}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "예약됨" in html and "예약 가능" in html
    assert world.resident.name not in html and "정기 모임" not in html
    month = on_host(world.inst_a).get(f"/facilities/{hall.pk}/?view=month&date={day}")
    assert month.status_code == 200 and "fb-month" in month.content.decode()


def test_detail_404_for_internal_to_residents_and_other_institution_ids(setup, world, on_host):
    assert (
        on_host(world.inst_a, world.resident).get(f"/facilities/{setup['room'].pk}/").status_code
        == 404
    )
    assert on_host(world.inst_a).get(f"/facilities/{setup['b_facility'].pk}/").status_code == 404
    assert (
        on_host(world.inst_a, world.staff_a).get(f"/facilities/{setup['room'].pk}/").status_code
        == 200
    )


# -- applying ------------------------------------------------------------------------


def apply_data(day: dt.date, **overrides):
    data = {
        "date": day.isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "purpose": "합창단 연습",
        "headcount": "30",
        "contact_phone": "010-2222-3333",
        "discount_categories": ["senior"],
        "consent_booking_required": "on",  # privacy: the booking consent (required)
    }
    data.update(overrides)
    return data


def test_apply_requires_login(setup, world, on_host):
    response = on_host(world.inst_a).get(f"/facilities/{setup['hall'].pk}/apply/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    before = count_a(world)
    on_host(world.inst_a).post(
        f"/facilities/{setup['hall'].pk}/apply/",
        {**apply_data(at(3, 0).date()), "action": "submit"},
    )
    assert count_a(world) == before


def test_apply_preview_shows_itemised_price_and_stores_nothing(setup, world, on_host):
    client = on_host(world.inst_a, world.resident2)
    before = count_a(world)
    response = client.post(
        f"/facilities/{setup['hall'].pk}/apply/",
        {**apply_data(at(3, 0).date()), "action": "preview"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "기본 사용료 10,000원 × 2단위" in html and "감면: 65세 이상 어르신 30%" in html
    assert "14,000원" in html and "이 내용으로 신청" in html
    assert count_a(world) == before


def test_apply_submit_creates_booking(setup, world, on_host):
    client = on_host(world.inst_a, world.resident2)
    response = client.post(
        f"/facilities/{setup['hall'].pk}/apply/",
        {**apply_data(at(3, 0).date()), "action": "submit"},
    )
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        r = Reservation.objects.get(applicant=world.resident2)
        assert (r.status, r.total_amount) == (Status.REQUESTED, 14000)
    assert response["Location"] == f"/facilities/my/{r.pk}/"
    assert r.number in client.get(response["Location"]).content.decode()


def test_apply_rule_violation_shows_korean_error_and_stores_nothing(setup, world, on_host):
    client = on_host(world.inst_a, world.resident2)
    before = count_a(world)
    response = client.post(
        f"/facilities/{setup['hall'].pk}/apply/",
        {**apply_data(at(3, 0).date(), headcount="301"), "action": "submit"},
    )
    assert response.status_code == 400
    assert message("over_capacity", capacity=300) in response.content.decode()
    assert count_a(world) == before


def test_apply_for_taken_slot_is_a_form_error(setup, world, on_host):
    client = on_host(world.inst_a, world.resident2)
    before = count_a(world)
    response = client.post(
        f"/facilities/{setup['hall'].pk}/apply/",
        {**apply_data(at(3, 0).date(), start_time="11:00", end_time="12:00"), "action": "submit"},
    )
    assert response.status_code == 409
    assert MESSAGES["slot_taken"] in response.content.decode()
    assert count_a(world) == before


# -- my bookings -----------------------------------------------------------------------


def test_my_booking_pages_are_the_applicants_only(setup, world, on_host):
    r = setup["booking"]
    for url in (f"/facilities/my/{r.pk}/", f"/facilities/my/{r.pk}/cancel/"):
        assert on_host(world.inst_a).get(url).status_code == 302
        assert on_host(world.inst_a, world.resident2).get(url).status_code == 404
        assert on_host(world.inst_a, world.resident).get(url).status_code == 200
    b = setup["b_booking"]
    assert on_host(world.inst_a, world.resident).get(f"/facilities/my/{b.pk}/").status_code == 404
    page = on_host(world.inst_a, world.resident).get("/facilities/my/").content.decode()
    assert r.number in page and b.number not in page


def test_cancel_shows_refund_then_cancels(setup, world, on_host):
    r = setup["booking"]
    with schema_context(world.inst_a.schema_name):
        r = services.reservation_approve(actor=world.manager_a, reservation=r)
        services.reservation_record_payment(
            actor=world.manager_a, reservation=r, amount=20000, method="cash"
        )
    client = on_host(world.inst_a, world.resident)
    page = client.get(f"/facilities/my/{r.pk}/cancel/").content.decode()
    assert "환불 예정 금액: 18,000원" in page  # 3 days before → 90 %
    assert (
        on_host(world.inst_a, world.resident2).post(f"/facilities/my/{r.pk}/cancel/").status_code
        == 404
    )
    assert status_of(world, r) == "paid"
    assert client.post(f"/facilities/my/{r.pk}/cancel/", {"reason": "일정 변경"}).status_code == 302
    with schema_context(world.inst_a.schema_name):
        r.refresh_from_db()
    assert (r.status, r.refund_amount) == ("cancelled", 18000)
    # once cancelled there is no confirm page (and no refund figure) any more
    again = client.get(f"/facilities/my/{r.pk}/cancel/")
    assert again.status_code == 302 and again["Location"] == f"/facilities/my/{r.pk}/"
    assert client.post(f"/facilities/my/{r.pk}/cancel/", {}).status_code == 409


def test_private_feed_url_can_be_revoked(setup, world, on_host):
    client = on_host(world.inst_a, world.resident)
    page = client.get("/facilities/my/calendar/").content.decode()
    token_url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)
    path = "/facilities/feed/" + token_url.rsplit("/", 1)[-1]
    assert on_host(world.inst_a).get(path).status_code == 200
    client.post("/facilities/my/calendar/")
    assert on_host(world.inst_a).get(path).status_code == 404


# -- staff ---------------------------------------------------------------------------

STAFF_GETS = [
    "/facilities/manage/",
    "/facilities/manage/walk-in/",
    "/facilities/manage/blocks/",
    "/facilities/manage/facilities/",
    "/facilities/manage/facilities/new/",
    "/facilities/manage/reports/",
    "/facilities/manage/reports.csv",
    "/facilities/manage/reports.xlsx",
]


@pytest.mark.parametrize("url", STAFF_GETS)
def test_staff_pages_access(setup, world, on_host, url):
    assert on_host(world.inst_a).get(url).status_code == 302
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 403
    assert on_host(world.inst_a, world.manager_b).get(url).status_code == 404
    assert on_host(world.inst_a, world.manager_a).get(url).status_code == 200
    assert on_host(world.inst_a, world.admin_a).get(url).status_code == 200


def test_staff_booking_page_and_other_institution_ids(setup, world, on_host):
    r, b = setup["booking"], setup["b_booking"]
    manager = on_host(world.inst_a, world.manager_a)
    assert manager.get(f"/facilities/manage/bookings/{r.pk}/").status_code == 200
    assert manager.get(f"/facilities/manage/bookings/{b.pk}/").status_code == 404
    assert manager.post(f"/facilities/manage/bookings/{b.pk}/approve/").status_code == 404
    assert (
        on_host(world.inst_a, world.staff_a).get(f"/facilities/manage/bookings/{r.pk}/").status_code
        == 403
    )


def test_queue_is_oldest_first(setup, world, on_host):
    with schema_context(world.inst_a.schema_name):
        later = services.reservation_request(
            **request_kwargs(setup["hall"], world.resident2, start=at(2, 8), end=at(2, 9))
        )
    html = on_host(world.inst_a, world.manager_a).get("/facilities/manage/").content.decode()
    assert html.index(setup["booking"].number) < html.index(later.number)


@pytest.mark.parametrize(
    "action", ["approve", "reject", "payment", "cancel", "complete", "no-show"]
)
def test_staff_actions_refused_for_wrong_roles_change_nothing(setup, world, on_host, action):
    r = setup["booking"]
    url = f"/facilities/manage/bookings/{r.pk}/{action}/"
    data = {"reason": "x", "amount": "20000", "method": "cash"}
    assert on_host(world.inst_a).post(url, data).status_code == 302
    assert on_host(world.inst_a, world.resident).post(url, data).status_code == 404
    assert on_host(world.inst_a, world.staff_a).post(url, data).status_code == 403
    assert on_host(world.inst_a, world.manager_b).post(url, data).status_code == 404
    assert status_of(world, r) == "requested"


def test_staff_approve_pay_and_reject_flow(setup, world, on_host):
    r = setup["booking"]
    manager = on_host(world.inst_a, world.manager_a)
    response = manager.post(
        f"/facilities/manage/bookings/{r.pk}/approve/",
        {"discount_category": "senior", "fee": "", "note": "증빙 확인"},
    )
    assert response.status_code == 302
    assert status_of(world, r) == "approved"
    bad = manager.post(
        f"/facilities/manage/bookings/{r.pk}/payment/", {"amount": "1", "method": "cash"}
    )
    assert bad.status_code == 400
    assert message("payment_amount", total="14,000") in bad.content.decode()
    assert status_of(world, r) == "approved"
    manager.post(
        f"/facilities/manage/bookings/{r.pk}/payment/",
        {"amount": "14000", "method": "bank_transfer"},
    )
    assert status_of(world, r) == "paid"
    again = manager.post(f"/facilities/manage/bookings/{r.pk}/reject/", {"reason": "중복"})
    assert again.status_code == 400 and "현재 상태(결제 완료)" in again.content.decode()
    response = manager.post(f"/facilities/manage/bookings/{r.pk}/cancel/", {"reason": "시설 보수"})
    assert status_of(world, r) == "cancelled"


def test_staff_reject_needs_reason(setup, world, on_host):
    r = setup["booking"]
    manager = on_host(world.inst_a, world.manager_a)
    response = manager.post(f"/facilities/manage/bookings/{r.pk}/reject/", {"reason": ""})
    assert response.status_code == 400
    assert status_of(world, r) == "requested"
    manager.post(f"/facilities/manage/bookings/{r.pk}/reject/", {"reason": "대관 목적 부적합"})
    assert status_of(world, r) == "rejected"


def test_walk_in_booking(setup, world, on_host):
    hall = setup["hall"]
    manager = on_host(world.inst_a, world.manager_a)
    data = {
        **apply_data(at(40, 0).date(), discount_categories=[]),
        "facility": hall.pk,
        "applicant_name": "방문 신청인",
        "applicant_email": world.resident2.email,
    }
    response = manager.post("/facilities/manage/walk-in/", data)
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        r = Reservation.objects.get(applicant_name="방문 신청인")
    assert r.on_behalf and r.applicant == world.resident2
    staff = on_host(world.inst_a, world.staff_a)
    assert staff.post("/facilities/manage/walk-in/", data).status_code == 403


def test_block_time_page(setup, world, on_host):
    hall = setup["hall"]
    manager = on_host(world.inst_a, world.manager_a)
    day = at(3, 0).date().isoformat()
    taken = manager.post(
        "/facilities/manage/blocks/",
        {
            "facility": hall.pk,
            "date": day,
            "start_time": "09:00",
            "end_time": "12:00",
            "reason": "maintenance",
        },
    )
    assert taken.status_code == 409 and MESSAGES["slot_taken"] in taken.content.decode()
    ok = manager.post(
        "/facilities/manage/blocks/",
        {
            "facility": hall.pk,
            "date": day,
            "start_time": "15:00",
            "end_time": "18:00",
            "reason": "maintenance",
            "note": "조명 교체",
        },
    )
    assert ok.status_code == 302
    with schema_context(world.inst_a.schema_name):
        block = Reservation.objects.get(kind="block")
    manager.post(f"/facilities/manage/blocks/{block.pk}/remove/")
    with schema_context(world.inst_a.schema_name):
        assert Reservation.objects.get(kind="block").status == "cancelled"


def facility_post(**overrides):
    data = {
        "f-name": "새 강의실",
        "f-kind": "classroom",
        "f-visibility": "public",
        "f-is_active": "on",
        "f-capacity": "40",
        "f-closes_on_holidays": "on",
        "f-approval_required": "on",
        "f-slot_minutes": "30",
        "f-min_minutes": "60",
        "f-max_minutes": "180",
        "f-window_open_days": "30",
        "f-window_open_time": "09:00",
        "f-window_close_hours": "24",
        "f-buffer_minutes": "30",
        "f-max_active_per_person": "2",
        "f-payment_days": "2",
        "f-base_fee": "5000",
        "f-evening_from": "18:00",
        "f-evening_surcharge_percent": "20",
        "f-weekend_surcharge_percent": "0",
        "f-holiday_surcharge_percent": "0",
        "f-amenities": ["projector", "wifi"],
        "f-accessibility": ["wheelchair"],
        "h-opens_0": "09:00",
        "h-closes_0": "21:00",
        "h-opens_5": "10:00",
        "h-closes_5": "17:00",
        "d-senior": "50",
        "d-disability": "50",
        "r-days_0": "7",
        "r-percent_0": "100",
        "r-days_1": "0",
        "r-percent_1": "0",
        "e-items": "빔프로젝터, 10000\n음향 장비, 20000",
    }
    data.update(overrides)
    return data


def test_facility_create_and_edit(world, on_host):
    manager = on_host(world.inst_a, world.manager_a)
    response = manager.post("/facilities/manage/facilities/new/", facility_post())
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        f = Facility.objects.get(name="새 강의실")
        assert [(h.weekday, h.opens.hour) for h in f.hours.all()] == [(0, 9), (5, 10)]
        assert {d.category: d.percent for d in f.discounts.all()} == {
            "senior": 50,
            "disability": 50,
        }
        assert [(t.min_days_before, t.percent) for t in f.refund_tiers.all()] == [(7, 100), (0, 0)]
        assert sorted(e.fee for e in f.equipment.all()) == [10000, 20000]
        assert f.amenities == ["projector", "wifi"]
    bad = manager.post(
        f"/facilities/manage/facilities/{f.pk}/", facility_post(**{"f-min_minutes": "45"})
    )
    assert bad.status_code == 400 and "배수" in bad.content.decode()
    with schema_context(world.inst_a.schema_name):
        assert Facility.objects.get(pk=f.pk).min_minutes == 60
    staff = on_host(world.inst_a, world.staff_a)
    assert (
        staff.post(
            f"/facilities/manage/facilities/{f.pk}/", facility_post(**{"f-name": "x"})
        ).status_code
        == 403
    )


def test_closed_date_page(setup, world, on_host):
    hall = setup["hall"]
    manager = on_host(world.inst_a, world.manager_a)
    day = at(5, 0).date().isoformat()
    url = f"/facilities/manage/facilities/{hall.pk}/extras/"
    assert (
        manager.post(url, {"what": "closed", "date": day, "reason": "정기 소독"}).status_code == 302
    )
    with schema_context(world.inst_a.schema_name):
        assert hall.closed_dates.get().reason == "정기 소독"
    assert on_host(world.inst_a, world.manager_b).get(url).status_code == 404


def test_extreme_dates_never_break_pages(setup, world, on_host):
    hall = setup["hall"]
    client = on_host(world.inst_a, world.manager_a)
    for url in (
        f"/facilities/{hall.pk}/?date=9999-12-31",
        f"/facilities/{hall.pk}/?view=month&date=0001-01-01",
        "/facilities/?date=9999-12-31",
        "/facilities/manage/reports/?month=9999-12",
        "/facilities/manage/reports.csv?month=0000-00",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/facilities/{hall.pk}/apply/", {**apply_data(dt.date(9999, 12, 31)), "end_time": "00:00"}
    )
    assert response.status_code == 400 and MESSAGES["too_far"] in response.content.decode()


def test_photo_upload_served_from_the_institutions_media(setup, world, on_host):
    """(django-tenants caches the media root, so the file lands in the real media
    folder of the test schema; the test removes it.)"""
    import io

    from PIL import Image

    hall = setup["hall"]
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    buffer.name = "hall.png"
    buffer.seek(0)
    manager = on_host(world.inst_a, world.manager_a)
    url = f"/facilities/manage/facilities/{hall.pk}/extras/"
    assert (
        on_host(world.inst_a, world.staff_a)
        .post(url, {"what": "photo", "image": buffer})
        .status_code
        == 403
    )
    buffer.seek(0)
    response = manager.post(url, {"what": "photo", "caption": "객석", "image": buffer})
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        photo = hall.photos.get()
    assert photo.image.url.startswith(f"/media/{world.inst_a.schema_name}/facilities/")
    try:
        assert on_host(world.inst_a).get(photo.image.url).status_code == 200
        assert on_host(world.inst_b).get(photo.image.url).status_code == 404
        page = on_host(world.inst_a).get(f"/facilities/{hall.pk}/").content.decode()
        assert photo.image.url in page
    finally:
        with schema_context(world.inst_a.schema_name):
            photo.image.delete(save=False)


def test_manager_cannot_reach_other_institution_facility_settings(setup, world, on_host):
    b = setup["b_facility"]
    manager = on_host(world.inst_a, world.manager_a)
    assert manager.get(f"/facilities/manage/facilities/{b.pk}/").status_code == 404
    assert manager.get(f"/facilities/manage/facilities/{b.pk}/extras/").status_code == 404


def test_institution_home_lists_public_facilities(setup, world, on_host):
    html = on_host(world.inst_a).get("/").content.decode()
    assert "대관 가능한 시설" in html and "대공연장" in html and "내부 회의실" not in html


def test_closing_a_day_warns_about_bookings_on_it(setup, world, on_host):
    hall, r = setup["hall"], setup["booking"]
    manager = on_host(world.inst_a, world.manager_a)
    url = f"/facilities/manage/facilities/{hall.pk}/extras/"
    response = manager.post(
        url, {"what": "closed", "date": timezone.localtime(r.start).date().isoformat()}, follow=True
    )
    assert "진행 중인 예약이 1건" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/facilities/my/",
        "/facilities/my/calendar/",
        "/facilities/bookings/1/booking.ics",
        "/facilities/bookings/1/permit.pdf",
        "/facilities/bookings/1/receipt.pdf",
    ],
)
def test_resident_pages_need_log_in(world, on_host, url):
    response = on_host(world.inst_a).get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def staff_posts(setup):
    day = at(6, 0).date().isoformat()
    return [
        (
            "/facilities/manage/walk-in/",
            {**apply_data(at(6, 0).date()), "facility": setup["hall"].pk, "applicant_name": "x"},
        ),
        (
            "/facilities/manage/blocks/",
            {
                "facility": setup["hall"].pk,
                "date": day,
                "start_time": "09:00",
                "end_time": "10:00",
                "reason": "maintenance",
            },
        ),
        ("/facilities/manage/facilities/new/", facility_post()),
        (f"/facilities/manage/facilities/{setup['hall'].pk}/", facility_post()),
        (
            f"/facilities/manage/facilities/{setup['hall'].pk}/extras/",
            {"what": "closed", "date": day},
        ),
    ]


def test_staff_posts_refused_change_nothing(setup, world, on_host):
    def snapshot():
        with schema_context(world.inst_a.schema_name):
            hall = Facility.objects.get(pk=setup["hall"].pk)
            return (
                Reservation.objects.count(),
                Facility.objects.count(),
                hall.name,
                hall.closed_dates.count(),
            )

    before = snapshot()
    for url, data in staff_posts(setup):
        assert on_host(world.inst_a).post(url, data).status_code == 302, url
        assert on_host(world.inst_a, world.resident).post(url, data).status_code == 404, url
        assert on_host(world.inst_a, world.staff_a).post(url, data).status_code == 403, url
        assert on_host(world.inst_a, world.manager_b).post(url, data).status_code == 404, url
    assert snapshot() == before
    with schema_context(world.inst_a.schema_name):
        block = services.block_create(
            actor=world.manager_a, facility=setup["hall"], start=at(7, 9), end=at(7, 10)
        )
    url = f"/facilities/manage/blocks/{block.pk}/remove/"
    for who, code in ((world.resident, 404), (world.staff_a, 403), (world.manager_b, 404)):
        assert on_host(world.inst_a, who).post(url).status_code == code
    with schema_context(world.inst_a.schema_name):
        assert Reservation.objects.get(pk=block.pk).status == "blocked"


def test_htmx_price_box_updates_in_place_and_stores_nothing(setup, world, on_host):
    client = on_host(world.inst_a, world.resident2)
    before = count_a(world)
    url = f"/facilities/{setup['hall'].pk}/apply/"
    response = client.post(
        url, {**apply_data(at(3, 0).date()), "action": "preview"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="fb-quote"')
    assert "14,000원" in html and 'value="submit"' in html
    bad = client.post(
        url,
        {**apply_data(at(3, 0).date(), headcount="999"), "action": "preview"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 200 and message("over_capacity", capacity=300) in bad.content.decode()
    assert 'value="submit"' not in bad.content.decode()
    assert count_a(world) == before
