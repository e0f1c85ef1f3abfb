"""Leave by 근로기준법 제60조: accrual from the hire date (monthly in the first year, 15 days,
one more every two years up to 25), cancellation through approval giving the days back
(and taking the absence off the calendar), hourly leave in the institution's unit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from groupware.approval import services
from groupware.approval.leave import anniversary_days, annual_grants, granted_days, leave_balance
from groupware.approval.models import Form
from groupware.models import Absence, StaffProfile
from tests.groupware.approval.conftest import line
from tests.groupware.approval.test_leave import MONDAY, YEAR


def test_anniversary_days_by_years_of_service():
    assert [anniversary_days(n) for n in (1, 2, 3, 4, 5, 21, 30)] == [15, 15, 16, 16, 17, 25, 25]


def test_first_year_one_day_per_full_month_then_fifteen():
    hired = datetime.date(2025, 3, 10)
    grants_2025 = annual_grants(hired, 2025)
    assert [g.on for g in grants_2025][:2] == [
        datetime.date(2025, 4, 10),
        datetime.date(2025, 5, 10),
    ]
    assert sum(g.days for g in grants_2025) == 9  # April … December
    grants_2026 = annual_grants(hired, 2026)
    assert [(g.on, g.days, g.why) for g in grants_2026] == [
        (datetime.date(2026, 1, 10), 1, "monthly"),
        (datetime.date(2026, 2, 10), 1, "monthly"),  # the 11th month: no more monthly days
        (datetime.date(2026, 3, 10), 15, "annual"),
    ]
    assert sum(g.days for g in annual_grants(hired, 2028)) == 16  # 3 years of service
    assert sum(g.days for g in annual_grants(datetime.date(2000, 1, 2), 2026)) == 25  # cap


def test_the_balance_uses_the_hire_date(org):
    StaffProfile.objects.filter(user=org.drafter).update(hire_date=datetime.date(YEAR - 3, 1, 5))
    assert granted_days(org.drafter, YEAR) == 16
    assert granted_days(org.drafter, YEAR, as_of=datetime.date(YEAR, 1, 4)) == 0
    StaffProfile.objects.filter(user=org.drafter).update(hire_date=None, annual_leave_days=12)
    assert granted_days(org.drafter, YEAR) == 12  # without a hire date: the yearly grant


def test_leave_beyond_what_has_accrued_by_its_day_is_refused(org):
    # hired in the spring: by early December about eight monthly days
    StaffProfile.objects.filter(user=org.drafter).update(
        hire_date=MONDAY - datetime.timedelta(days=31 * 8 + 3)
    )
    accrued = granted_days(org.drafter, YEAR, as_of=MONDAY)
    assert 0 < accrued <= 11
    end = MONDAY + datetime.timedelta(days=18)  # still this year, more days than accrued
    with pytest.raises(ValidationError) as error:
        services.document_create_draft(
            actor=org.drafter,
            institution=org.inst,
            form="leave",
            title="장기 휴가",
            line=line(org, ("approve", org.reviewer)),
            leave={"kind": "annual", "start_date": MONDAY, "end_date": end, "reason": "여행"},
        )
    assert "남은 연차" in str(error.value)


def _approved_leave(org, **leave):
    doc = services.document_create_draft(
        actor=org.drafter,
        institution=org.inst,
        form="leave",
        title="휴가신청",
        line=line(org, ("approve", org.reviewer)),
        leave={"reason": "개인 사유", **leave},
    )
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    doc.refresh_from_db()
    return doc


def test_cancelling_approved_leave_through_approval_gives_the_days_back(
    org, django_capture_on_commit_callbacks
):
    StaffProfile.objects.filter(user=org.drafter).update(annual_leave_days=Decimal("10"))
    with django_capture_on_commit_callbacks(execute=True):
        leave = _approved_leave(org, kind="annual", start_date=MONDAY, end_date=MONDAY)
    assert leave_balance(org.drafter, YEAR)["remaining"] == 9
    assert Absence.objects.filter(user=org.drafter).count() == 1  # on the calendar
    cancel = services.document_create_draft(
        actor=org.drafter,
        institution=org.inst,
        form=Form.LEAVE_CANCEL,
        title="",
        cancels=leave.pk,
        line=line(org, ("approve", org.reviewer)),
    )
    assert cancel.title.startswith("휴가취소신청 (연차")
    with pytest.raises(ValidationError):  # one cancellation at a time
        services.document_create_draft(
            actor=org.drafter,
            institution=org.inst,
            form=Form.LEAVE_CANCEL,
            title="",
            cancels=leave.pk,
            line=line(org, ("approve", org.reviewer)),
        )
    services.document_submit(actor=org.drafter, institution=org.inst, document=cancel)
    assert leave_balance(org.drafter, YEAR)["remaining"] == 9  # not before it is approved
    with django_capture_on_commit_callbacks(execute=True):
        services.document_approve(actor=org.reviewer, institution=org.inst, document=cancel)
    assert leave_balance(org.drafter, YEAR)["remaining"] == 10
    assert not Absence.objects.filter(user=org.drafter).exists()  # off the calendar
    from groupware.approval.public import approved_leaves

    assert not list(approved_leaves(MONDAY, MONDAY))


def test_only_ones_own_approved_leave_can_be_cancelled(org):
    StaffProfile.objects.filter(user=org.drafter).update(annual_leave_days=Decimal("10"))
    leave = _approved_leave(org, kind="annual", start_date=MONDAY, end_date=MONDAY)
    with pytest.raises(ValidationError) as error:
        services.document_create_draft(
            actor=org.reviewer,
            institution=org.inst,
            form=Form.LEAVE_CANCEL,
            title="",
            cancels=leave.pk,
            line=line(org, ("approve", org.head)),
        )
    assert "본인의 휴가" in str(error.value)


def test_hourly_leave_in_the_institutions_unit(org):
    StaffProfile.objects.filter(user=org.drafter).update(annual_leave_days=Decimal("1"))
    services.approval_settings_update(
        actor=org.head, institution=org.inst, leave_hour_unit="2", work_hours_per_day="8"
    )
    hourly = {"kind": "hourly", "start_date": MONDAY, "start_time": "14:00"}
    with pytest.raises(ValidationError) as error:
        _approved_leave(org, hours="3", **hourly)  # not a multiple of 2
    assert "2시간 단위" in str(error.value)
    with pytest.raises(ValidationError):
        _approved_leave(org, hours="8", **hourly)  # a whole day: ask for 연차
    doc = _approved_leave(org, hours="2", **hourly)
    assert doc.leave.days == Decimal("0.25")
    assert leave_balance(org.drafter, YEAR)["remaining"] == Decimal("0.75")
    with pytest.raises(ValidationError):
        services.approval_settings_update(
            actor=org.head, institution=org.inst, leave_hour_unit="3", work_hours_per_day="8"
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.approval_settings_update(
            actor=org.drafter, institution=org.inst, leave_hour_unit="1", work_hours_per_day="8"
        )


def test_the_leave_page_shows_the_grants_and_a_cancel_button(org, on_host):
    StaffProfile.objects.filter(user=org.drafter).update(hire_date=datetime.date(YEAR - 1, 6, 1))
    leave = _approved_leave(org, kind="annual", start_date=MONDAY, end_date=MONDAY)
    page = on_host(org.inst, org.drafter).get("/staff/approval/leave/").content.decode()
    assert "근로기준법 제60조" in page and "입사 기념일" in page
    assert f"?form=leave_cancel&amp;cancels={leave.pk}" in page
