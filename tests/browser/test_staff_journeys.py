"""Journeys 3–5: an approval with a two-step line, an invited member, a new institution.

Every person signs in in their own browser context (their own cookies), as they would
on their own computer."""

import re
from pathlib import Path

from tests.browser.conftest import DESKTOP
from tests.browser.helpers import (
    agree_to_required,
    button,
    choose,
    field,
    main_text,
    pdf_text,
    shot,
    sign_in,
    visit,
)


def open_document(page, site, title: str, email: str) -> None:
    """From the approval inbox (결재함), open the document with this title."""
    visit(page, site, site.host() + "/staff/", email)
    page.get_by_role("link", name="전자결재").first.click()
    page.wait_for_load_state()
    link = page.get_by_role("link", name=title)
    if not link.count():  # not waiting on me: look through every box I can see
        page.goto(site.host() + "/staff/approval/box/all/")
    page.get_by_role("link", name=title).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile(re.escape(title))).count(), main_text(page)


def test_two_step_approval_ends_in_a_numbered_pdf(live, browser_context):
    """Journey 3: drafted with 검토 → 결재, each approver acts in their own browser, the
    drafter downloads the PDF carrying the 생산등록번호 (처리과명-연번)."""
    people = live.people
    title = f"누리 음악회 개최 계획 {live.token}"

    drafter = browser_context(DESKTOP).new_page()
    sign_in(drafter, live, people["drafter"].email)
    drafter.goto(live.host() + "/staff/")
    drafter.get_by_role("link", name="전자결재").first.click()
    drafter.get_by_role("link", name="기안하기").first.click()
    drafter.wait_for_load_state()
    assert drafter.get_by_role("heading", name="기안하기").count() == 1
    field(drafter, "제목").fill(title)
    field(drafter, "본문").fill("1. 목적: 시민 문화 향유\n2. 일시: 12월 둘째 주 토요일\n")
    # The line: step 1 검토 by the team lead, step 2 결재 by the head.
    drafter.get_by_label("구분", exact=True).nth(0).select_option(label="검토")
    choose(drafter.get_by_label("결재자", exact=True).nth(0), people["reviewer"].name)
    drafter.get_by_label("구분", exact=True).nth(1).select_option(label="결재")
    choose(drafter.get_by_label("결재자", exact=True).nth(1), people["admin"].name)
    button(drafter, "상신").click()
    drafter.wait_for_load_state()
    text = main_text(drafter)
    assert title in text and "결재진행" in text, text

    # The reviewer finds it waiting in their inbox and approves.
    reviewer = browser_context(DESKTOP).new_page()
    sign_in(reviewer, live, people["reviewer"].email)
    open_document(reviewer, live, title, people["reviewer"].email)
    button(reviewer, "승인").click()
    reviewer.wait_for_load_state()

    # The head approves last; the document is established and numbered.
    head = browser_context(DESKTOP).new_page()
    sign_in(head, live, people["admin"].email)
    open_document(head, live, title, people["admin"].email)
    button(head, "승인").click()
    head.wait_for_load_state()
    text = main_text(head)
    assert "결재완료" in text, text
    number = re.search(r"문화사업팀-\d+", text)
    assert number, text

    # The drafter sees the number and downloads the official document.
    drafter.reload()
    text = main_text(drafter)
    assert number.group(0) in text and "결재완료" in text, text
    shot(drafter, "approval-approved")
    with drafter.expect_download() as download:
        drafter.get_by_role("link", name="내려받기").first.click()
    pdf = pdf_text(Path(download.value.path()).read_bytes())
    assert number.group(0) in pdf, pdf[:800]
    assert title.split()[0] in pdf, pdf[:800]


def test_invited_member_accepts_and_signs_in(live, browser_context):
    """Journey 4: the institution admin invites a member; the member opens the link from
    the e-mail, chooses a password, is in, and later signs in with it."""
    from django.core import mail

    admin = browser_context(DESKTOP).new_page()
    sign_in(admin, live, live.people["admin"].email)
    visit(admin, live, live.host() + "/manage/members/", live.people["admin"].email)
    email = live.email("invitee")
    field(admin, "이메일").first.fill(email)
    field(admin, "이름").first.fill("신입직원")
    field(admin, "역할").first.select_option(label="직원")
    button(admin, "초대 메일 보내기").click()
    admin.wait_for_load_state()
    assert email in main_text(admin), main_text(admin)

    sent = [m for m in mail.outbox if email in m.to]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    link = re.search(r"https?://\S+/accounts/invite/\S+", sent[0].body)
    assert link, sent[0].body
    assert link.group(0).startswith(live.host()), link.group(0)

    member = browser_context(DESKTOP).new_page()
    member.goto(link.group(0))
    assert member.get_by_role("heading", name=re.compile("초대 수락")).count() == 1
    field(member, "새 비밀번호").fill("Sinip-member-2026")
    field(member, "새 비밀번호 (확인)").fill("Sinip-member-2026")
    agree_to_required(member)
    member.get_by_role("button", name=re.compile("시작하기")).click()
    member.wait_for_load_state()
    assert "환영합니다" in main_text(member), main_text(member)

    # Signed out, then back in with the new password: the staff workspace opens.
    button(member, "로그아웃").click()
    member.wait_for_load_state()
    sign_in(member, live, email, password="Sinip-member-2026")
    member.goto(live.host() + "/staff/")
    assert "신입직원" in main_text(member), main_text(member)


def test_operator_onboards_an_institution_and_opens_it(live, browser_context):
    """Journey 5: the operator creates an institution in the console and opens its site."""
    operator = browser_context(DESKTOP).new_page()
    sign_in(operator, live, live.people["operator"].email)
    visit(operator, live, live.apex + "/console/", live.people["operator"].email)
    operator.get_by_role("link", name=re.compile("새 기관")).first.click()
    operator.wait_for_load_state()
    slug = f"new{live.token}"
    live.slugs.append(slug)
    name = f"누리시 청소년수련관 {live.token}"
    field(operator, "주소 이름").fill(slug)
    field(operator, "기관 정식 명칭").fill(name)
    field(operator, "기관 약칭").fill("누리청소년")
    field(operator, "첫 기관 관리자 이메일").fill(live.email("youth-admin"))
    field(operator, "관리자 이름").fill("청소년관리자")
    button(operator, "기관 만들기").click()
    operator.wait_for_load_state()
    assert operator.get_by_role("heading", name=re.compile(re.escape(name))).count() == 1
    text = main_text(operator)
    assert "운영" in text or "활성" in text, text
    operator.get_by_role("link", name=re.compile(rf"^{slug}\.localhost")).first.click()
    operator.wait_for_load_state()
    assert operator.url.startswith(f"http://{slug}.localhost:{live.port}/"), operator.url
    assert name in operator.inner_text("body")
