"""휴가신청서: balance shown, approval deducts (half day 0.5), 연차 beyond the balance refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from groupware.approval import services
from groupware.approval.leave import approved_leaves, leave_balance, leave_days, workdays
from groupware.approval.models import Document
from groupware.models import StaffProfile
from tests.groupware.approval.conftest import line


def _first_monday_of_december() -> datetime.date:
    """A plain working Monday in this year (leave may only be asked for this year ± 1)."""
    day = datetime.date(datetime.date.today().year, 12, 7)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


MONDAY = _first_monday_of_december()
YEAR = MONDAY.year


def _leave(org, kind, start, end=None, **kw):
    return services.document_create_draft(
        actor=org.drafter,
        institution=org.inst,
        form="leave",
        title=f"휴가신청 {kind}",
        line=line(org, ("approve", org.reviewer)),  # 팀장 전결
        leave={"kind": kind, "start_date": start, "end_date": end or start, "reason": "개인 사유"},
        **kw,
    )


def _approve(org, doc):
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    return services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)


def test_workdays_skip_weekends_and_holidays():
    assert workdays(MONDAY, MONDAY + datetime.timedelta(days=6)) == 5
    assert workdays(datetime.date(2026, 12, 25), datetime.date(2026, 12, 25)) == 0  # 성탄절
    assert leave_days("half", MONDAY, MONDAY) == Decimal("0.5")


def test_approval_deducts_and_half_counts_half(org):
    StaffProfile.objects.filter(user=org.drafter).update(annual_leave_days=Decimal("3"))
    doc = _leave(org, "annual", MONDAY, MONDAY + datetime.timedelta(days=1))
    assert leave_balance(org.drafter, YEAR)["remaining"] == Decimal("3")
    _approve(org, doc)
    assert Document.objects.get(pk=doc.pk).current_steps().get().delegated  # 팀장 전결
    assert leave_balance(org.drafter, YEAR)["remaining"] == Decimal("1")
    _approve(org, _leave(org, "half", MONDAY + datetime.timedelta(days=3)))
    assert leave_balance(org.drafter, YEAR)["remaining"] == Decimal("0.5")
    assert [lv.kind for lv in approved_leaves(MONDAY, MONDAY + datetime.timedelta(days=7))] == [
        "annual",
        "half",
    ]


def test_annual_beyond_balance_refused_other_kinds_not(org):
    StaffProfile.objects.filter(user=org.drafter).update(annual_leave_days=Decimal("1"))
    before = Document.objects.count()
    with pytest.raises(ValidationError) as caught:
        _leave(org, "annual", MONDAY, MONDAY + datetime.timedelta(days=2))
    assert "남은 연차(1일)" in str(caught.value)
    assert Document.objects.count() == before
    _leave(org, "sick", MONDAY, MONDAY + datetime.timedelta(days=2))  # 병가 is not counted


def test_pending_requests_count_against_new_ones(org):
    StaffProfile.objects.filter(user=org.drafter).update(annual_leave_days=Decimal("1"))
    first = _leave(org, "annual", MONDAY)
    services.document_submit(actor=org.drafter, institution=org.inst, document=first)
    with pytest.raises(ValidationError):
        _leave(org, "annual", MONDAY + datetime.timedelta(days=1))


def test_half_day_must_be_one_day(org):
    with pytest.raises(ValidationError) as caught:
        _leave(org, "half", MONDAY, MONDAY + datetime.timedelta(days=1))
    assert "반차는 하루만" in str(caught.value)


def test_leave_page_shows_balance(org, on_host):
    page = on_host(org.inst, org.drafter).get("/staff/approval/leave/")
    assert page.status_code == 200 and "남은 연차" in page.content.decode()


def test_leave_pdf_states_the_request(org):
    """The 휴가신청서 PDF carries the request itself: 구분, 기간 with days, 사유, then 끝."""
    import io

    from pypdf import PdfReader

    from groupware.approval.pdf import render_document_pdf

    StaffProfile.objects.filter(user=org.drafter).update(annual_leave_days=Decimal("15"))
    doc = _approve(org, _leave(org, "annual", MONDAY, MONDAY + datetime.timedelta(days=1)))
    doc.refresh_from_db()
    text = PdfReader(io.BytesIO(render_document_pdf(doc))).pages[0].extract_text()
    compact = text.replace(" ", "").replace("\xa0", "").replace("\n", "")
    assert "1.휴가구분:연차" in compact
    tuesday = MONDAY + datetime.timedelta(days=1)
    assert f"2.기간:{YEAR}.12.{MONDAY.day}.~{YEAR}.12.{tuesday.day}.(2일)" in compact
    assert "3.사유:개인사유" in compact and "끝." in compact
