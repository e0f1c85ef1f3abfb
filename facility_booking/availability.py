"""Free / taken / closed per slot unit, for calendars, filters and the API.

Never says who booked: only the periods rows hold. A slot is *free* only when a
booking starting there can be made: one of the facility's minimum length fits
before closing time and, with the buffer after it, collides with no held period.
It is *taken* when such a booking would collide with a held period, *closed*
outside opening hours, on closed dates and holidays, in the past, outside the
booking window, in a lottery round not drawn yet (those slots are given by lot) and
where the minimum length no longer fits before closing.
``start_times`` / ``end_times`` give the apply form's menus from the same rules.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facility_booking.models import HOLDING_STATES, ClosedDate, Facility, Reservation
from facility_booking.rules import (
    aware,
    closure_reason,
    local,
    opening_for,
    window_closes_at,
    window_opens_at,
)

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


def lottery_periods(facility: Facility, start: dt.datetime, end: dt.datetime):
    """(start, end) of slots in a lottery round not drawn yet, touching [start, end)."""
    from facility_booking.models import LotterySlot

    return list(
        LotterySlot.objects.filter(
            round__facility=facility,
            round__status="open",
            outcome="offered",
            start__lt=end,
            end__gt=start,
        ).values_list("start", "end")
    )


def held_and_drawn(facility: Facility, start: dt.datetime, end: dt.datetime):
    """``busy_periods`` and ``lottery_periods`` of [start, end) in one statement (a
    calendar asks for both): (held, drawn by lot)."""
    from django.db.models import CharField, Value

    from facility_booking.models import LotterySlot

    held = Reservation.objects.filter(
        facility=facility, status__in=HOLDING_STATES, hold_start__lt=end, hold_end__gt=start
    ).values_list("hold_start", "hold_end", Value("held", output_field=CharField()))
    drawn = LotterySlot.objects.filter(
        round__facility=facility,
        round__status="open",
        outcome="offered",
        start__lt=end,
        end__gt=start,
    ).values_list("start", "end", Value("lot", output_field=CharField()))
    rows = sorted(held.union(drawn, all=True))
    return (
        [(s, e) for s, e, kind in rows if kind == "held"],
        [(s, e) for s, e, kind in rows if kind == "lot"],
    )


def _closed_dates(facility, first: dt.date, last: dt.date) -> dict:
    return dict(
        ClosedDate.objects.filter(facility=facility, date__gte=first, date__lte=last).values_list(
            "date", "reason"
        )
    )


def shortest(facility: Facility) -> dt.timedelta:
    """The shortest booking the rules accept: the minimum length rounded up to the slot
    unit (a booking starts and ends on slot boundaries)."""
    unit = max(int(facility.slot_minutes), 1)
    minutes = max(int(facility.min_minutes), unit)
    return dt.timedelta(minutes=-(-minutes // unit) * unit)


def days(facility: Facility, first: dt.date, count: int, *, now=None) -> list[Day]:
    """``count`` consecutive days from ``first`` with their slots."""
    now = now or timezone.now()
    last = first + dt.timedelta(days=count - 1)
    closed = _closed_dates(facility, first, last)
    # Slots of a lottery round still to be drawn are given by lot, not booked directly.
    busy, drawn_by_lot = held_and_drawn(
        facility, aware(first, dt.time(0)), aware(last + dt.timedelta(days=1), dt.time(0))
    )
    buffer = dt.timedelta(minutes=facility.buffer_minutes)
    unit = dt.timedelta(minutes=facility.slot_minutes)
    length = shortest(facility)
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
                # The shortest booking starting here, held with the buffer after it.
                booking_end = cursor + length
                if (
                    reason
                    or cursor < now
                    or now < opens_at
                    or now > window_closes_at(facility, cursor)
                    or any(s < slot_end and e > cursor for s, e in drawn_by_lot)
                ):
                    state = CLOSED
                elif any(s < slot_end + buffer and e > cursor for s, e in busy):
                    state = TAKEN
                elif booking_end > closes:
                    state = CLOSED  # the minimum length would run past closing time
                elif any(s < booking_end + buffer and e > cursor for s, e in busy):
                    state = TAKEN  # too little time before the next held period
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


def start_times(facility: Facility, day: dt.date, *, now=None) -> list[dt.time]:
    """The times a booking may start on ``day``: the day's free slots."""
    [one] = days(facility, day, 1, now=now)
    return [local(s.start).time() for s in one.slots if s.state == FREE]


def end_times(facility: Facility, day: dt.date, start: dt.time) -> list[dt.time]:
    """The ends a booking starting at ``start`` on ``day`` may have: on slot boundaries,
    from the minimum to the maximum length, not after closing time, and (with the
    buffer after it) clear of every held period. Empty when none fits."""
    span = opening_for(facility, day)
    if span is None:
        return []
    begin, closes = aware(day, start), aware(day, span[1])
    buffer = dt.timedelta(minutes=facility.buffer_minutes)
    unit = dt.timedelta(minutes=max(int(facility.slot_minutes), 1))
    longest = dt.timedelta(minutes=facility.max_minutes)
    busy = busy_periods(facility, begin, closes + buffer)
    out = []
    length = shortest(facility)
    while length <= longest and begin + length <= closes:
        end = begin + length
        if any(s < end + buffer and e > begin for s, e in busy):
            break
        out.append(local(end).time())
        length += unit
    return out
