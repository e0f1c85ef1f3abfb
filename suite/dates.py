"""Dates and times as Korean public bodies write them — the one formatter for Python code.

``2026. 11. 25.``, ``15:20``, ``2026. 11. 25. 15:20``, ``11. 25.`` (the approver's date in
a signature box), ``2026. 11. 25.(수)``. The patterns are those of the ko format module
(suite/formats/ko/formats.py), which templates get through ``|date`` and localisation.
Aware datetimes are shown in the current time zone; dates and naive values as they are.
None or "" gives "".
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone
from django.utils.translation import pgettext_lazy

from suite.formats.ko import formats as ko

Value = dt.date | dt.datetime | dt.time | None

WEEKDAYS = [
    pgettext_lazy("weekday", "월"),
    pgettext_lazy("weekday", "화"),
    pgettext_lazy("weekday", "수"),
    pgettext_lazy("weekday", "목"),
    pgettext_lazy("weekday", "금"),
    pgettext_lazy("weekday", "토"),
    pgettext_lazy("weekday", "일"),
]


def local(value):
    """An aware datetime in the current time zone; anything else unchanged."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _format(value: Value, pattern: str) -> str:
    if not value:
        return ""
    return dateformat.format(local(value), pattern)


def kdate(value: Value) -> str:
    """2026. 11. 25."""
    return _format(value, ko.DATE_FORMAT)


def ktime(value: Value) -> str:
    """15:20"""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.time):
        return dateformat.time_format(value, ko.TIME_FORMAT)
    return _format(value, ko.TIME_FORMAT)


def kdatetime(value: Value) -> str:
    """2026. 11. 25. 15:20"""
    return _format(value, ko.DATETIME_FORMAT)


def kmonthday(value: Value) -> str:
    """11. 25."""
    return _format(value, ko.MONTH_DAY_FORMAT)


def weekday_label(weekday: int) -> str:
    """월 … 일 for 0 … 6 (Monday first, as ``date.weekday()``)."""
    return str(WEEKDAYS[int(weekday)])


def kdate_weekday(value: Value) -> str:
    """2026. 11. 25.(수)"""
    if not isinstance(value, dt.date):
        return ""
    day: dt.date = local(value)
    return f"{kdate(day)}({weekday_label(day.weekday())})"
