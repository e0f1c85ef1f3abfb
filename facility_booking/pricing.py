"""Fees in whole won, computed with integers only.

- usage fee = base fee × number of slot units;
- surcharges per slot unit as a percentage of the base fee: evening (the unit
  starts at or after ``evening_from``) plus the larger of weekend / holiday;
- equipment: flat fee per booking for each chosen item;
- discount (감면): only the highest applicable category, applied to the usage
  fee and surcharges (not equipment);
- every percentage amount is rounded down to the won (in the payer's favour
  for discounts is *not* assumed: the discount itself is rounded down).

Internal facilities cost nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from facility_booking.models import Discount, DiscountCategory, Equipment, Facility, RefundTier
from facility_booking.rules import holiday_name, local


@dataclass
class Line:
    label: str
    amount: int

    def as_dict(self) -> dict:
        return {"label": self.label, "amount": self.amount}


@dataclass
class Quote:
    slots: int = 0
    base: int = 0
    surcharge: int = 0
    equipment: int = 0
    discount_category: str = ""
    discount_percent: int = 0
    discount: int = 0
    lines: list[Line] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return self.base + self.surcharge + self.equipment

    @property
    def total(self) -> int:
        return self.subtotal - self.discount

    def line_dicts(self) -> list[dict]:
        return [line.as_dict() for line in self.lines]

    def stored_fields(self) -> dict:
        """The price as a booking stores it (Reservation's money columns), for creating
        one (``**quote.stored_fields()``) or re-pricing it (``apply_to``)."""
        return {
            "discount_category": self.discount_category,
            "discount_percent": self.discount_percent,
            "price_lines": self.line_dicts(),
            "base_amount": self.base,
            "surcharge_amount": self.surcharge,
            "equipment_amount": self.equipment,
            "discount_amount": self.discount,
            "total_amount": self.total,
        }

    def apply_to(self, reservation) -> None:
        for name, value in self.stored_fields().items():
            setattr(reservation, name, value)


# What approving a booking writes: its price (Quote.stored_fields) and the decision.
APPROVAL_FIELDS = (
    "discount_category",
    "discount_percent",
    "discount_confirmed",
    "price_lines",
    "base_amount",
    "surcharge_amount",
    "equipment_amount",
    "discount_amount",
    "adjustment_amount",
    "total_amount",
    "payment_due",
    "decided_at",
    "staff_note",
)


def pct(amount: int, percent: int) -> int:
    """``percent`` % of ``amount``, rounded down to the won (integers only)."""
    return amount * percent // 100


def best_discount(facility: Facility, categories) -> tuple[str, int]:
    """The highest offered discount among the claimed categories (category, percent)."""
    if not categories:
        return "", 0
    offers = Discount.objects.filter(facility=facility, category__in=list(categories)).order_by(
        "-percent", "category"
    )
    best = offers.first()
    return (best.category, best.percent) if best else ("", 0)


def quote(
    facility: Facility,
    start: dt.datetime,
    end: dt.datetime,
    *,
    equipment_ids=(),
    discount_categories=(),
    discount_override: tuple[str, int] | None = None,
) -> Quote:
    """The itemised price of a booking. ``discount_override`` = (category, percent) set by staff."""
    q = Quote()
    if not facility.is_public:
        return q
    unit = dt.timedelta(minutes=facility.slot_minutes)
    evening_units = day_units = 0
    day_percent = 0
    cursor = start
    while cursor < end:
        at = local(cursor)
        q.slots += 1
        if facility.evening_surcharge_percent and at.time() >= facility.evening_from:
            evening_units += 1
        is_holiday = holiday_name(at.date()) is not None
        percent = max(
            facility.weekend_surcharge_percent if at.weekday() >= 5 else 0,
            facility.holiday_surcharge_percent if is_holiday else 0,
        )
        if percent:
            day_units += 1
            day_percent = percent
        cursor += unit
    q.base = facility.base_fee * q.slots
    q.lines.append(Line(f"기본 사용료 {facility.base_fee:,}원 × {q.slots}단위", q.base))
    if evening_units:
        amount = pct(facility.base_fee * evening_units, facility.evening_surcharge_percent)
        q.surcharge += amount
        q.lines.append(
            Line(f"야간 할증 {facility.evening_surcharge_percent}% × {evening_units}단위", amount)
        )
    if day_units:
        amount = pct(facility.base_fee * day_units, day_percent)
        q.surcharge += amount
        q.lines.append(Line(f"주말·공휴일 할증 {day_percent}% × {day_units}단위", amount))
    if equipment_ids:
        for item in Equipment.objects.filter(facility=facility, id__in=list(equipment_ids)):
            q.equipment += item.fee
            q.lines.append(Line(f"장비: {item.name}", item.fee))
    if discount_override is not None:
        category, percent = discount_override
    else:
        category, percent = best_discount(facility, discount_categories)
    if percent:
        q.discount_category, q.discount_percent = category, percent
        q.discount = pct(q.base + q.surcharge, percent)
        label = (
            DiscountCategory(category).label if category in DiscountCategory.values else category
        )
        q.lines.append(Line(f"감면: {label} {percent}%", -q.discount))
    return q


# What the price columns (PostgreSQL integer) can hold, with room for adjustments.
MAX_TOTAL = 2_000_000_000


def check_total(q: Quote) -> Quote:
    """Refuse (Korean message, nothing stored) a price the columns cannot hold."""
    from facility_booking.errors import BookingError

    if q.subtotal > MAX_TOTAL:
        raise BookingError("amount_too_large", field="end")
    return q


def refund_percent(facility: Facility, start: dt.datetime, now: dt.datetime) -> int:
    """Refund percentage for a cancellation by the applicant at ``now``.

    Days before use count calendar days (local time): the day of use is 0.
    No tiers configured means a full refund before the day of use and none on it.
    """
    days = (local(start).date() - local(now).date()).days
    tiers = list(RefundTier.objects.filter(facility=facility).order_by("-min_days_before"))
    if not tiers:
        return 100 if days >= 1 else 0
    for tier in tiers:
        if days >= tier.min_days_before:
            return tier.percent
    return 0


def refund_amount(reservation, now: dt.datetime, *, by_institution: bool = False) -> int:
    """What is paid back on cancellation, of what the ledger says is paid and not yet
    refunded: institution cancels → all of it; the applicant → the facility's tier."""
    paid = reservation.net_paid
    if paid <= 0:
        return 0
    if by_institution:
        return paid
    return pct(paid, refund_percent(reservation.facility, reservation.start, now))
