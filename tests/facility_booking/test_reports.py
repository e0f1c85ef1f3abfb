"""Monthly report per facility: bookings, occupancy, revenue, discounts, no-shows;
CSV (UTF-8 with BOM) and Excel downloads with the same numbers."""

import datetime as dt
import io

from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from facility_booking import reports, services
from facility_booking.models import OpeningHours
from payments.services import refund_record_manual
from tests.facility_booking.conftest import add_discounts, local_dt, make_facility, request_kwargs


def next_month() -> dt.date:
    today = timezone.localdate()
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def build(world):
    """In next month: one used (paid, completed), one no-show, one cancelled after payment."""
    month = next_month()
    facility = make_facility(name="세미나실", base_fee=10000, window_open_days=90)
    OpeningHours.objects.filter(facility=facility).exclude(weekday=month.weekday()).delete()
    add_discounts(facility, senior=50)
    manager = world.manager_a
    days = [month + dt.timedelta(days=7 * i) for i in range(3)]  # same weekday each week
    made = []
    for day, person in zip(days, (world.resident, world.resident2, world.resident), strict=True):
        start = local_dt(day, 10)
        r = services.reservation_request(
            **request_kwargs(
                facility,
                person,
                start=start,
                end=start + dt.timedelta(hours=2),
                discount_categories=["senior"],
                now=start - dt.timedelta(days=5),
            )
        )
        r = services.reservation_approve(
            actor=manager, reservation=r, now=start - dt.timedelta(days=5)
        )
        r = services.reservation_record_payment(
            actor=manager, reservation=r, amount=10000, method="cash"
        )
        made.append(r)
    services.reservation_complete(actor=manager, reservation=made[0], now=made[0].end)
    services.reservation_mark_no_show(actor=manager, reservation=made[1], now=made[1].end)
    cancelled = services.reservation_cancel(
        actor=world.resident, reservation=made[2], now=made[2].start - dt.timedelta(days=10)
    )
    # Paid in cash at the desk: staff pay the refund back and record it in the ledger.
    refund_record_manual(actor=manager, refund=cancelled.refunds.get(), method="cash")
    return month, facility


def test_monthly_numbers(world):
    with schema_context(world.inst_a.schema_name):
        month, facility = build(world)
        [row] = reports.monthly(month, facility)
    weekdays = sum(
        1
        for d in range(31)
        if (month + dt.timedelta(days=d)).month == month.month
        and (month + dt.timedelta(days=d)).weekday() == month.weekday()
    )
    assert (row.bookings, row.confirmed, row.cancelled, row.no_shows) == (3, 2, 1, 1)
    assert row.open_minutes == weekdays * 16 * 60
    assert row.used_minutes == 240
    assert (
        row.occupancy
        == f"{240 * 1000 // row.open_minutes // 10}.{240 * 1000 // row.open_minutes % 10}"
    )
    assert (row.revenue, row.refunds, row.net, row.discounts) == (30000, 10000, 20000, 20000)


def test_downloads_and_access(world, on_host):
    with schema_context(world.inst_a.schema_name):
        month, facility = build(world)
    query = f"?month={month:%Y-%m}&facility={facility.pk}"
    manager = on_host(world.inst_a, world.manager_a)
    csv_response = manager.get(f"/facilities/manage/reports.csv{query}")
    text = csv_response.content.decode("utf-8")
    assert text.startswith("\ufeff시설,월,예약 건수")
    assert f"세미나실,{month:%Y-%m},3,2,1,0,0,1,240," in text
    xlsx = manager.get(f"/facilities/manage/reports.xlsx{query}")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "시설" and sheet["A2"].value == "세미나실"
    assert sheet["C2"].value == 3 and sheet["N2"].value == 20000 and sheet["H2"].value == 1
    page = manager.get(f"/facilities/manage/reports/{query}").content.decode()
    assert "세미나실" in page and "20,000원" in page
    assert (
        on_host(world.inst_a, world.staff_a)
        .get(f"/facilities/manage/reports.csv{query}")
        .status_code
        == 403
    )
    assert (
        on_host(world.inst_a, world.manager_b)
        .get(f"/facilities/manage/reports.xlsx{query}")
        .status_code
        == 404
    )


def test_a_facility_name_that_looks_like_a_formula_stays_text(world):
    """CSV injection: "=HYPERLINK(…)" as a facility name never becomes a live formula."""
    with schema_context(world.inst_a.schema_name):
        make_facility(name='=HYPERLINK("http://evil.example","보기")')
        rows = reports.monthly(timezone.localdate().replace(day=1), None)
    text = reports.as_csv(rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert '"=HYPERLINK' not in text and "\n=HYPERLINK" not in text
    sheet = load_workbook(io.BytesIO(reports.as_xlsx(rows, title="t"))).active
    names = [sheet.cell(row=r, column=1) for r in range(2, sheet.max_row + 1)]
    evil = next(c for c in names if "HYPERLINK" in str(c.value))
    assert evil.data_type == "s" and evil.value.startswith("=HYPERLINK")
