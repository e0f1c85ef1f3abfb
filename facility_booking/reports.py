"""Monthly figures per facility, and their CSV / Excel downloads.

- bookings: bookings whose use starts in the month (blocks excluded), any state;
- occupancy %: minutes of confirmed use (approved, paid, completed, no-show)
  over minutes open that month (opening hours minus closed dates / holidays);
- revenue: payments received minus refunds (sums of the ledger), for bookings used
  in the month;
- discounts: discount amounts granted on confirmed bookings;
- no-shows: bookings marked no-show.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from facility_booking.models import ClosedDate, Facility, Kind, Reservation, Status
from facility_booking.rules import aware, closure_reason

CONFIRMED = (Status.APPROVED, Status.PAID, Status.COMPLETED, Status.NO_SHOW)

HEADERS = [
    _("시설"),
    pgettext_lazy("report column", "월"),
    _("예약 건수"),
    _("확정 건수"),
    pgettext_lazy("report column", "취소"),
    pgettext_lazy("report column", "반려"),
    _("기한 만료"),
    _("노쇼"),
    _("이용 시간(분)"),
    _("운영 시간(분)"),
    _("가동률(%)"),
    _("수입(원)"),
    _("환불(원)"),
    _("순수입(원)"),
    _("감면액(원)"),
]


@dataclass
class Row:
    facility: Facility
    month: dt.date
    bookings: int = 0
    confirmed: int = 0
    cancelled: int = 0
    rejected: int = 0
    expired: int = 0
    no_shows: int = 0
    used_minutes: int = 0
    open_minutes: int = 0
    revenue: int = 0
    refunds: int = 0
    discounts: int = 0

    @property
    def occupancy(self) -> str:
        """Percentage with one decimal, computed with integers."""
        if not self.open_minutes:
            return "0.0"
        tenths = self.used_minutes * 1000 // self.open_minutes
        return f"{tenths // 10}.{tenths % 10}"

    @property
    def net(self) -> int:
        return self.revenue - self.refunds

    def values(self) -> list:
        return [
            self.facility.name,
            self.month.strftime("%Y-%m"),
            self.bookings,
            self.confirmed,
            self.cancelled,
            self.rejected,
            self.expired,
            self.no_shows,
            self.used_minutes,
            self.open_minutes,
            self.occupancy,
            self.revenue,
            self.refunds,
            self.net,
            self.discounts,
        ]


def open_minutes(facility: Facility, month: dt.date, closed: dict | None = None) -> int:
    """Minutes the facility is open in ``month``; ``closed`` ({date: reason}) when the
    caller already read the month's closed dates."""
    hours = {h.weekday: (h.opens, h.closes) for h in facility.hours.all()}
    if closed is None:
        closed = dict(
            facility.closed_dates.filter(
                date__month=month.month, date__year=month.year
            ).values_list("date", "reason")
        )
    total = 0
    for day_no in range(1, calendar.monthrange(month.year, month.month)[1] + 1):
        day = month.replace(day=day_no)
        span = hours.get(day.weekday())
        if span and not closure_reason(facility, day, closed):
            total += int((aware(day, span[1]) - aware(day, span[0])).total_seconds() // 60)
    return total


def monthly(month: dt.date, facility: Facility | None = None) -> list[Row]:
    """One row per facility; four queries whatever the number of facilities or bookings
    (facilities with their hours, the month's closed dates, the month's bookings)."""
    facilities = [facility] if facility else list(Facility.objects.prefetch_related("hours"))
    first = aware(month, dt.time(0))
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    last = aware(next_month, dt.time(0))
    ids = [f.pk for f in facilities]
    closed: dict[int, dict] = {pk: {} for pk in ids}
    for facility_id, day, reason in ClosedDate.objects.filter(
        facility_id__in=ids, date__month=month.month, date__year=month.year
    ).values_list("facility_id", "date", "reason"):
        closed[facility_id][day] = reason
    bookings: dict[int, list] = {pk: [] for pk in ids}
    for r in Reservation.objects.filter(
        facility_id__in=ids, kind=Kind.BOOKING, start__gte=first, start__lt=last
    ).with_money():
        bookings[r.facility_id].append(r)
    rows = []
    for f in facilities:
        row = Row(f, month, open_minutes=open_minutes(f, month, closed[f.pk]))
        for r in bookings[f.pk]:
            row.bookings += 1
            if r.status in CONFIRMED:
                row.confirmed += 1
                row.used_minutes += int((r.end - r.start).total_seconds() // 60)
                row.discounts += r.discount_amount
            row.cancelled += r.status == Status.CANCELLED
            row.rejected += r.status == Status.REJECTED
            row.expired += r.status == Status.EXPIRED
            row.no_shows += r.status == Status.NO_SHOW
            row.revenue += r.paid_amount
            row.refunds += r.refunded_amount
        rows.append(row)
    return rows


def totals(rows: list[Row]) -> dict:
    keys = (
        "bookings",
        "confirmed",
        "cancelled",
        "rejected",
        "expired",
        "no_shows",
        "used_minutes",
        "open_minutes",
        "revenue",
        "refunds",
        "discounts",
    )
    out = {k: sum(getattr(r, k) for r in rows) for k in keys}
    out["net"] = out["revenue"] - out["refunds"]
    return out


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value):
    """Text a spreadsheet would run as a formula (a facility named "=HYPERLINK(…)")
    is kept as text: OWASP's CSV-injection advice, a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(rows: list[Row]) -> bytes:
    """UTF-8 with BOM so Excel opens the Korean headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in HEADERS])
    for row in rows:
        writer.writerow([_plain(v) for v in row.values()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(rows: list[Row], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = row.values()
        values[10] = float(row.occupancy)
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # text that only looks like a formula stays text
                cell.data_type = "s"
    for column, width in zip("ABCDEFGHIJKLMNO", [24, 10] + [12] * 13, strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
