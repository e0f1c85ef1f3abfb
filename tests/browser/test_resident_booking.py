"""Journeys 1 and 2: a new resident books a hall; the manager approves it and records
the payment; the resident downloads the permit. Each person has their own browser."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import (
    agree_to_required,
    assert_styled,
    booking_day,
    button,
    fetch_file,
    field,
    main_text,
    no_sideways_scroll,
    pdf_text,
    shot,
    sign_in,
    visit,
    won,
)

# The resident's hub on the portal: every booking at every institution.
HUB = re.compile(r"내 (예약|이용)")


def resident_books(site, context, *, local: str, phone: bool, days_ahead: int) -> dict:
    """Journey 1: sign up on the portal, search, open the hall on the institution host
    (still signed in), book a slot with the itemised price, find it in the hub."""
    page = context.new_page()
    page.goto(site.apex + "/")
    page.get_by_role("link", name="회원가입").first.click()
    email = site.email(local)
    field(page, "이름").fill("김누리")
    field(page, "이메일").fill(email)
    field(page, "비밀번호").fill("Nuri-booking-2026")
    field(page, "비밀번호 확인").fill("Nuri-booking-2026")
    agree_to_required(page)
    page.get_by_role("button", name=re.compile("가입하기")).click()
    page.wait_for_load_state()
    assert "가입을 환영합니다" in main_text(page)
    assert_styled(page)
    if phone:
        no_sideways_scroll(page)

    # Search the portal for the hall by a word of its name.
    page.get_by_role("searchbox").first.fill("햇살마루")
    page.get_by_role("searchbox").first.press("Enter")
    page.wait_for_load_state()
    result = page.get_by_role("link", name=site.facility_name)
    assert result.count() >= 1, main_text(page)
    assert_styled(page)
    if phone:
        no_sideways_scroll(page)
        shot(page, "phone-search")
    result.first.click()
    page.wait_for_load_state()
    assert page.url.startswith(site.host()), page.url
    assert page.get_by_role("heading", name=site.facility_name).count() == 1

    # A free slot four days from now, 10:00 (the calendar pages forward if needed).
    day = booking_day(days_ahead)
    slot = page.locator(f'a[href*="date={day.isoformat()}&start=10:00"]')
    for _week in range(2):
        if slot.count():
            break
        page.get_by_role("link", name="다음").first.click()
        page.wait_for_load_state()
    assert slot.count() == 1, f"no free 10:00 slot on {day}: {main_text(page)[:500]}"
    assert_styled(page)
    if phone:
        no_sideways_scroll(page)
    slot.first.click()
    page.wait_for_load_state()
    # Still signed in: the booking form, not a login form, and the way out is offered.
    assert page.url.startswith(site.host()), page.url
    assert page.get_by_role("heading", name=re.compile("예약 신청")).count() == 1, main_text(page)
    assert button(page, "로그아웃").count() >= 1

    field(page, "종료 시각").select_option("12:00")
    field(page, "사용 목적").fill("주민 합창단 정기 연습")
    field(page, "인원").fill("30")
    if not field(page, "연락처").input_value():
        field(page, "연락처").fill("010-2468-1357")
    page.get_by_label(re.compile("무선 마이크 세트")).check()
    agree_to_required(page)
    button(page, "요금 확인").click()
    price = page.locator("#fb-quote table")
    price.wait_for()
    lines = price.inner_text()
    # Two hours at 30,000원, the microphones 10,000원: an itemised price and its total.
    assert won(60000) in lines, lines
    assert won(10000) in lines and "무선 마이크 세트" in lines, lines
    assert re.search(r"합계\s+" + re.escape(won(70000)), lines), lines
    assert_styled(page)
    if phone:
        no_sideways_scroll(page)
        shot(page, "phone-price")
    button(page, "이 내용으로 신청").click()
    page.wait_for_load_state()
    text = main_text(page)
    number = re.search(r"FB-\d{4}-\d{6}", text)
    assert "신청이 접수되었습니다" in text and number, text
    assert "승인 대기" in text, text

    # The hub on the portal lists it, across institutions.
    page.goto(site.apex + "/")
    page.get_by_role("link", name=HUB).first.click()
    page.wait_for_load_state()
    hub = main_text(page)
    assert site.facility_name in hub, hub
    assert site.institution.name in hub, hub
    assert number.group(0) in hub and won(70000) in hub, hub
    assert_styled(page)
    if phone:
        no_sideways_scroll(page)
        shot(page, "phone-hub")
    page.close()
    return {"email": email, "number": number.group(0), "day": day}


def test_new_resident_books_a_hall_on_a_phone(live, browser_context):
    """Journey 1 on a 390 px wide phone: every step fits the screen."""
    resident_books(live, browser_context(PHONE), local="phone-resident", phone=True, days_ahead=4)


def test_booking_from_sign_up_to_permit(live, browser_context):
    """Journeys 1 and 2: booked by a new resident, approved and paid at the desk, the
    permit downloaded by the resident — each step checked as the person sees it."""
    resident = browser_context(DESKTOP)
    booking = resident_books(live, resident, local="resident", phone=False, days_ahead=5)

    # The facility manager, in their own browser, approves and records the payment.
    manager = browser_context(DESKTOP).new_page()
    sign_in(manager, live, live.people["manager"].email)
    visit(manager, live, live.host() + "/facilities/manage/", live.people["manager"].email)
    row = manager.get_by_role("row").filter(has_text=booking["number"]).first
    assert "승인 대기" in row.inner_text()
    row.get_by_role("link").first.click()
    manager.wait_for_load_state()
    assert booking["number"] in main_text(manager)
    button(manager, "승인").click()
    manager.wait_for_load_state()
    text = main_text(manager)
    assert "결제 대기" in text, text
    # Paid at the desk (card or transfer), recorded by the manager.
    button(manager, "결제 기록").click()
    manager.wait_for_load_state()
    text = main_text(manager)
    assert "결제 완료" in text, text

    # The resident sees it paid and downloads the permit.
    page = resident.new_page()
    page.goto(live.apex + "/")
    page.get_by_role("link", name=HUB).first.click()
    page.get_by_role("link", name=live.facility_name).first.click()
    page.wait_for_load_state()
    if booking["number"] not in main_text(page):
        page.get_by_role("link", name=re.compile(booking["number"])).first.click()
    assert "결제 완료" in main_text(page), main_text(page)
    # The permit opens in the browser's PDF viewer: what it shows is the file.
    text = pdf_text(fetch_file(page, page.get_by_role("link", name=re.compile("허가서")).first))
    assert booking["number"] in text, text[:500]
    assert live.facility_name.split()[0] in text, text[:500]


@pytest.fixture(autouse=True)
def _quiet_on_commit_tasks():
    """Nothing: tasks run at once in tests (ImmediateBackend), e-mail stays in memory."""
    yield
