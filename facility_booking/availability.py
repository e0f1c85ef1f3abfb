"""Free / taken / closed per slot unit, for calendars, filters and the API.

Never says who booked: only the periods rows hold. A slot is *taken* when a
booking starting there would collide with a held period (the facility's buffer
counted before it), *closed* outside opening hours, on closed dates and
holidays, in the past and outside the booking window.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facility_booking.models import HOLDING_STATES, ClosedDate, Facility, Reservation
from facility_booking.rules import aware, closure_reason, window_closes_at, window_opens_at

FREE, TAKEN, CLOSED = "free", "taken", "closed"
LABELS = {FREE: _("예약 가능"), TAKEN: _("예약됨"), CLOSED: _("예약 불가")}


@dataclass
class Slot:
    start: dt.datetime
    end: dt.datetime
    state: str

    @property
    def label(self) -> str:
        return str(LABELS[self.state])


@dataclass
class Day:
    date: dt.date
    slots: list[Slot]
    closed_reason: str | None = None

    @property
    def state(self) -> str:
        states = {s.state for s in self.slots}
        if FREE in states:
            return FREE
        if TAKEN in states:
            return TAKEN
        return CLOSED

    @property
    def segments(self) -> list[Slot]:
        """Free slots one by one (each can be booked); runs of taken/closed merged."""
        out: list[Slot] = []
        for slot in self.slots:
            last = out[-1] if out else None
            if last and slot.state != FREE and last.state == slot.state and last.end == slot.start:
                out[-1] = Slot(last.start, slot.end, slot.state)
            else:
                out.append(Slot(slot.start, slot.end, slot.state))
        return out

    @property
    def free_count(self) -> int:
        return sum(1 for s in self.slots if s.state == FREE)


def busy_periods(facility: Facility, start: dt.datetime, end: dt.datetime):
    """Held periods (hold_start, hold_end) touching [start, end): bookings and blocks."""
    return list(
        Reservation.objects.filter(
            facility=facility,
            status__in=HOLDING_STATES,
            hold_start__lt=end,
            hold_end__gt=start,
        )
        .order_by("hold_start")
        .values_list("hold_start", "hold_end")
    )


def _closed_dates(facility, first: dt.date, last: dt.date) -> dict:
    return dict(
        ClosedDate.objects.filter(facility=facility, date__gte=first, date__lte=last).values_list(
            "date", "reason"
        )
    )


def days(facility: Facility, first: dt.date, count: int, *, now=None) -> list[Day]:
    """``count`` consecutive days from ``first`` with their slots."""
    now = now or timezone.now()
    last = first + dt.timedelta(days=count - 1)
    closed = _closed_dates(facility, first, last)
    busy = busy_periods(
        facility, aware(first, dt.time(0)), aware(last + dt.timedelta(days=1), dt.time(0))
    )
    buffer = dt.timedelta(minutes=facility.buffer_minutes)
    unit = dt.timedelta(minutes=facility.slot_minutes)
    hours = {h.weekday: (h.opens, h.closes) for h in facility.hours.all()}
    out = []
    for offset in range(count):
        day = first + dt.timedelta(days=offset)
        reason = closure_reason(facility, day, closed)
        span = hours.get(day.weekday())
        slots: list[Slot] = []
        if span is not None:
            opens_at = window_opens_at(facility, day)
            cursor, closes = aware(day, span[0]), aware(day, span[1])
            while cursor + unit <= closes:
                slot_end = cursor + unit
                if (
                    reason
                    or cursor < now
                    or now < opens_at
                    or now > window_closes_at(facility, cursor)
                ):
                    state = CLOSED
                elif any(s - buffer < slot_end and e > cursor for s, e in busy):
                    state = TAKEN
                else:
                    state = FREE
                slots.append(Slot(cursor, slot_end, state))
                cursor = slot_end
        out.append(Day(day, slots, reason))
    return out


def week(facility: Facility, first_day: dt.date, *, now=None) -> list[Day]:
    """Seven days from ``first_day`` (the page starts at today, not at Monday)."""
    return days(facility, first_day, 7, now=now)


def month(facility: Facility, year: int, month_no: int, *, now=None) -> list[list[Day | None]]:
    """Weeks (Monday first) of the month; None pads days outside it."""
    first = dt.date(year, month_no, 1)
    count = calendar.monthrange(year, month_no)[1]
    all_days = days(facility, first, count, now=now)
    weeks: list[list[Day | None]] = []
    row: list[Day | None] = [None] * first.weekday()
    for day in all_days:
        row.append(day)
        if len(row) == 7:
            weeks.append(row)
            row = []
    if row:
        weeks.append(row + [None] * (7 - len(row)))
    return weeks


def has_free_time(facility: Facility, day: dt.date, *, now=None) -> bool:
    return days(facility, day, 1, now=now)[0].state == FREE


def periods(facility: Facility, start: dt.datetime, end: dt.datetime, *, now=None) -> list[dict]:
    """Slots between two instants as dicts (the API's availability)."""
    first = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    count = min((last - first).days + 1, 62)
    out = []
    for day in days(facility, first, max(count, 1), now=now):
        for slot in day.slots:
            if slot.end > start and slot.start < end:
                out.append({"start": slot.start, "end": slot.end, "state": slot.state})
    return out
