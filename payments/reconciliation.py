"""Daily reconciliation (정산 대사): the institution's ledger against the gateway's
settlement for one day, as a page, CSV and Excel.

Each gateway transaction of the day is matched by its id — paymentKey for a
payment, the cancel's transactionKey for a refund — and marked:
일치 (same amount), 금액 불일치, 장부에 없음 (the gateway has it, we do not),
정산에 없음 (we have it, the gateway does not). Money taken or paid back at the
desk (bank transfer, cash, card terminal) is listed apart: it never passes the
gateway.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.gateway import GatewayError, Settlement, gateway_for
from payments.models import EntryKind, LedgerEntry, Method

STATUS_LABELS = {
    "matched": _("일치"),
    "amount_mismatch": _("금액 불일치"),
    "missing_in_ledger": _("장부에 없음"),
    "missing_at_gateway": _("정산에 없음"),
    "desk": _("창구 처리(정산 대상 아님)"),
}

HEADERS = [
    _("결과"),
    _("구분"),
    _("결제 수단"),
    _("예약번호"),
    _("주문번호"),
    _("거래 ID"),
    _("장부 금액(원)"),
    _("정산 금액(원)"),
    _("수수료(원)"),
    _("지급액(원)"),
    _("일시"),
]


@dataclass
class Row:
    status: str
    kind: str
    method: str
    booking: str
    order_id: str
    transaction_id: str
    ledger_amount: int | None
    gateway_amount: int | None
    fee: int = 0
    pay_out: int = 0
    at: dt.datetime | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def ok(self) -> bool:
        return self.status in ("matched", "desk")

    def values(self) -> list:
        return [
            self.status_label,
            str(EntryKind(self.kind).label) if self.kind in EntryKind.values else self.kind,
            str(Method(self.method).label) if self.method in Method.values else self.method,
            self.booking,
            self.order_id,
            self.transaction_id,
            "" if self.ledger_amount is None else self.ledger_amount,
            "" if self.gateway_amount is None else self.gateway_amount,
            self.fee,
            self.pay_out,
            timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M") if self.at else "",
        ]


@dataclass
class Report:
    day: dt.date
    rows: list[Row]
    error: str = ""

    @property
    def problems(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    def total(self, attribute: str, *, desk: bool | None = None) -> int:
        rows = self.rows
        if desk is not None:
            rows = [r for r in rows if (r.status == "desk") == desk]
        return sum(getattr(r, attribute) or 0 for r in rows)


def _entry_key(entry: LedgerEntry) -> str:
    return entry.transaction_id


def _settlement_key(row: Settlement) -> str:
    return row.payment_key if row.amount >= 0 else (row.transaction_key or row.payment_key)


def daily(institution, day: dt.date) -> Report:
    """The day's ledger (local date of each entry) against the gateway's settlement."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0)))
    end = start + dt.timedelta(days=1)
    entries = list(
        LedgerEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .select_related("reservation", "order")
        .order_by("occurred_at", "id")
    )
    rows: list[Row] = []
    for e in entries:
        if not e.gateway:
            rows.append(
                Row(
                    "desk",
                    e.kind,
                    e.method,
                    e.reservation.number,
                    "",
                    e.transaction_id,
                    e.signed_amount,
                    None,
                    at=e.occurred_at,
                )
            )
    gateway = gateway_for(institution)
    online = {_entry_key(e): e for e in entries if e.gateway == gateway.name}
    try:
        settlements = gateway.settlements(start=day, end=day)
    except GatewayError as error:
        rows += [
            Row(
                "missing_at_gateway",
                e.kind,
                e.method,
                e.reservation.number,
                e.order.order_id if e.order else "",
                e.transaction_id,
                e.signed_amount,
                None,
                at=e.occurred_at,
            )
            for e in online.values()
        ]
        return Report(day, rows, error=error.message)
    seen = set()
    for s in settlements:
        key = _settlement_key(s)
        entry = online.get(key)
        seen.add(key)
        if entry is None:
            rows.append(
                Row(
                    "missing_in_ledger",
                    EntryKind.PAYMENT if s.amount >= 0 else EntryKind.REFUND,
                    Method.VIRTUAL_ACCOUNT if s.method == "가상계좌" else Method.CARD,
                    "",
                    s.order_id,
                    key,
                    None,
                    s.amount,
                    s.fee,
                    s.pay_out_amount,
                    s.approved_at,
                )
            )
            continue
        rows.append(
            Row(
                "matched" if entry.signed_amount == s.amount else "amount_mismatch",
                entry.kind,
                entry.method,
                entry.reservation.number,
                s.order_id,
                key,
                entry.signed_amount,
                s.amount,
                s.fee,
                s.pay_out_amount,
                entry.occurred_at,
            )
        )
    for key, e in online.items():
        if key not in seen:
            rows.append(
                Row(
                    "missing_at_gateway",
                    e.kind,
                    e.method,
                    e.reservation.number,
                    e.order.order_id if e.order else "",
                    key,
                    e.signed_amount,
                    None,
                    at=e.occurred_at,
                )
            )
    rows.sort(key=_row_order({e.transaction_id: e.pk for e in entries}, start))
    return Report(day, rows)


def _row_order(recorded: dict[str, int], start: dt.datetime):
    """Sort key: time to the second, then the order the ledger recorded the entries.

    The gateway's times have whole seconds while desk entries carry microseconds, so
    comparing the full times put a refund the gateway timed at 12:00:05 before a desk
    payment at 12:00:05.4 recorded earlier (and, before that, a refund before its own
    payment in the same second, by transaction id) — the rows changed order between
    runs. Within a second the ledger's own order (its ids) is the order things happened;
    rows only the gateway has come last, a payment before its refunds."""
    last = max(recorded.values(), default=0) + 1

    def key(row: Row):
        at = (row.at or start).replace(microsecond=0)
        return (
            at,
            recorded.get(row.transaction_id, last),
            row.kind != EntryKind.PAYMENT,
            row.transaction_id,
        )

    return key


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in HEADERS])
    for row in report.rows:
        writer.writerow([_plain(v) for v in row.values()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = report.day.isoformat()
    sheet.append([str(h) for h in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append(row.values())
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"
    for column, width in zip(
        "ABCDEFGHIJK", [14, 8, 12, 16, 26, 36, 14, 14, 10, 12, 18], strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
