"""Booking rules of a facility: calendar facts and request validation.

Everything is computed in the institution's local time (Asia/Seoul); stored
datetimes are aware. ``validate_request`` raises ``BookingError`` for the first
rule a request breaks and never touches the database beyond reads.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone
from django.utils.translation import gettext

from facility_booking.errors import BookingError
from facility_booking.models import ClosedDate, Discount, Equipment, Facility
from suite import dates

# Nothing is booked further ahead than this (also keeps date arithmetic far from year 9999).
MAX_AHEAD = dt.timedelta(days=730)


def in_range(day: dt.date) -> bool:
    """Dates the pages and the API accept at all: today ± 2 years."""
    today = timezone.localdate()
    return (today - MAX_AHEAD).toordinal() <= day.toordinal() <= (today + MAX_AHEAD).toordinal()


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


def aware(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


fmt_time = dates.ktime  # 15:20
fmt_datetime = dates.kdatetime  # 2026. 11. 25. 15:20


@lru_cache(maxsize=32)
def _kr_holidays(year: int):
    return holidays.country_holidays("KR", years=year, language="ko")


def holiday_name(day: dt.date) -> str | None:
    """Korean public holiday name (lunar holidays and substitutes included), or None."""
    return _kr_holidays(day.year).get(day)


def opening_for(facility: Facility, day: dt.date) -> tuple[dt.time, dt.time] | None:
    for hours in _hours(facility):
        if hours.weekday == day.weekday():
            return hours.opens, hours.closes
    return None


def _hours(facility: Facility):
    cache = facility.__dict__.setdefault("_hours_cache", None)
    if cache is None:
        cache = list(facility.hours.all())
        facility.__dict__["_hours_cache"] = cache
    return cache


def closure_reason(
    facility: Facility, day: dt.date, closed_dates: dict | None = None
) -> str | None:
    """Why the facility is closed on ``day`` (closed date, holiday, weekday), or None."""
    if closed_dates is None:
        closed = ClosedDate.objects.filter(facility=facility, date=day).first()
        if closed is not None:
            return closed.reason or gettext("휴관일")
    elif day in closed_dates:
        return closed_dates[day] or gettext("휴관일")
    if facility.closes_on_holidays:
        name = holiday_name(day)
        if name:
            return name
    if opening_for(facility, day) is None:
        return gettext("정기 휴관")
    return None


def window_opens_at(facility: Facility, day: dt.date) -> dt.datetime:
    """When applications for ``day`` open: N days before at the set time."""
    return aware(day - dt.timedelta(days=facility.window_open_days), facility.window_open_time)


def window_closes_at(facility: Facility, start: dt.datetime) -> dt.datetime:
    return start - dt.timedelta(hours=facility.window_close_hours)


def validate_times(facility: Facility, start: dt.datetime, end: dt.datetime, *, now) -> None:
    """Time rules that need no booking window: order, past, alignment, hours, closures."""
    if end <= start:
        raise BookingError("end_before_start", field="end")
    if start < now:
        raise BookingError("past", field="start")
    if end - now > MAX_AHEAD:
        raise BookingError("too_far", field="start")
    s, e = local(start), local(end)
    unit = facility.slot_minutes
    midnight = dt.time(0, 0)
    if e.date() != s.date() and not (
        e.time() == midnight and e.date() == s.date() + dt.timedelta(1)
    ):
        raise BookingError("multi_day", field="end")
    for name, value in (("start", s), ("end", e)):
        minutes = value.hour * 60 + value.minute
        if value.second or value.microsecond or minutes % unit:
            raise BookingError("not_aligned", field=name, slot=unit)
    duration = int((end - start).total_seconds() // 60)
    if duration < facility.min_minutes:
        raise BookingError("too_short", field="end", minutes=facility.min_minutes)
    if duration > facility.max_minutes:
        raise BookingError("too_long", field="end", minutes=facility.max_minutes)
    day = s.date()
    closed = ClosedDate.objects.filter(facility=facility, date=day).first()
    if closed is not None:
        raise BookingError(
            "closed_date",
            field="start",
            reason=gettext("(%(reason)s)") % {"reason": closed.reason} if closed.reason else "",
        )
    if facility.closes_on_holidays:
        name = holiday_name(day)
        if name:
            raise BookingError("holiday", field="start", name=name)
    hours = opening_for(facility, day)
    if hours is None:
        raise BookingError("closed_weekday", field="start")
    opens, closes = hours
    end_time = e.time() if e.date() == s.date() else dt.time(23, 59, 59)
    if s.time() < opens or end_time > closes:
        # The error sits on the time that is outside: the start before opening, else the end.
        raise BookingError(
            "outside_hours",
            field="start" if s.time() < opens or s.time() >= closes else "end",
            opens=fmt_time(opens),
            closes=fmt_time(closes),
        )


def validate_window(facility: Facility, start: dt.datetime, *, now) -> None:
    opens_at = window_opens_at(facility, local(start).date())
    if now < opens_at:
        raise BookingError("window_not_open", field="start", opens_at=fmt_datetime(opens_at))
    if now > window_closes_at(facility, start):
        raise BookingError("window_closed", field="start", hours=facility.window_close_hours)


def validate_headcount(facility: Facility, headcount: int) -> None:
    """1 … capacity. Internal rooms and vehicles booked by staff may leave it at 0."""
    if not facility.is_public and (headcount or 0) == 0:
        return
    if headcount is None or headcount < 1:
        raise BookingError("headcount_min", field="headcount")
    if headcount > facility.capacity:
        raise BookingError("over_capacity", field="headcount", capacity=facility.capacity)


def validate_discounts(facility: Facility, categories) -> None:
    if not categories:
        return
    offered = set(Discount.objects.filter(facility=facility).values_list("category", flat=True))
    if any(c not in offered for c in categories):
        raise BookingError("discount_not_offered", field="discount_categories")


def validate_equipment(facility: Facility, equipment_ids) -> None:
    if not equipment_ids:
        return
    known = set(Equipment.objects.filter(facility=facility).values_list("id", flat=True))
    if any(int(i) not in known for i in equipment_ids):
        raise BookingError("equipment_unknown", field="equipment_ids")


SENIOR_AGE = 65


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years (만 나이) on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def city_of(institution) -> str:
    """The city or county an institution serves: the first 시/군 in its address."""
    for word in (getattr(institution, "address", "") or "").split():
        if word.endswith(("시", "군")) and len(word) >= 2:
            return word
    return ""


def validate_discount_eligibility(applicant, categories, *, day: dt.date, institution) -> None:
    """Age and residency 감면 follow the applicant's profile: a birth date making them
    65 or older on the day of use; a declared address in the institution's city.
    Other categories need a proof that staff check."""
    if not categories or applicant is None:
        return
    if "senior" in categories:
        birth = getattr(applicant, "birth_date", None)
        if birth is None:
            raise BookingError("senior_birth_date", field="discount_categories")
        if age_on(birth, day) < SENIOR_AGE:
            raise BookingError("senior_age", field="discount_categories", age=SENIOR_AGE)
    if "city_resident" in categories:
        address = (getattr(applicant, "address", "") or "").strip()
        if not address:
            raise BookingError("resident_address", field="discount_categories")
        city = city_of(institution)
        if city and city not in address:
            raise BookingError("resident_outside", field="discount_categories", city=city)
