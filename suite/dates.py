"""Dates and times as Korean public bodies write them — the one formatter for Python code.

``2026. 11. 25.``, ``15:20``, ``2026. 11. 25. 15:20``, ``11. 25.`` (the approver's date in
a signature box), ``2026. 11. 25.(수)``; in English ``Nov 25, 2026``, ``Nov 25, 2026 15:20``,
``Nov 25``, ``Wed, Nov 25, 2026``. The patterns are those of the current language's format
module (suite/formats/<language>/formats.py), which templates get through ``|date`` and
localisation. Aware datetimes are shown in the current time zone; dates and naive values
as they are. None or "" gives "".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language, pgettext_lazy

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


def _pattern(name: str) -> str:
    """The current language's pattern; Korean when translation is switched off."""
    return get_format(name, lang=get_language() or settings.LANGUAGE_CODE)


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
    return _format(value, _pattern("DATE_FORMAT"))


def ktime(value: Value) -> str:
    """15:20"""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.time):
        return dateformat.time_format(value, _pattern("TIME_FORMAT"))
    return _format(value, _pattern("TIME_FORMAT"))


def kdatetime(value: Value) -> str:
    """2026. 11. 25. 15:20"""
    return _format(value, _pattern("DATETIME_FORMAT"))


def kmonthday(value: Value) -> str:
    """11. 25."""
    return _format(value, _pattern("MONTH_DAY_FORMAT"))


def weekday_label(weekday: int) -> str:
    """월 … 일 for 0 … 6 (Monday first, as ``date.weekday()``)."""
    return str(WEEKDAYS[int(weekday)])


def kdate_weekday(value: Value) -> str:
    """2026. 11. 25.(수); Wed, Nov 25, 2026"""
    if not isinstance(value, dt.date):
        return ""
    day: dt.date = local(value)
    if (get_language() or "ko").startswith("ko"):
        return f"{kdate(day)}({weekday_label(day.weekday())})"
    return f"{weekday_label(day.weekday())}, {kdate(day)}"
