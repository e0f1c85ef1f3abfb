"""Dates with the weekday, in the reader's language — for what the named formats
(``DATE_FORMAT``, ``DATETIME_FORMAT``, ``MONTH_DAY_FORMAT``) do not cover.

{% load ldates %}
{{ day|date_wd }}          2026. 12. 1. (화)      Tue, Dec 1, 2026
{{ start|datetime_wd }}    2026. 12. 1. (화) 15:20  Tue, Dec 1, 2026 15:20
{{ start|monthday_time }}  12. 1. 15:20          Dec 1 15:20
{{ day|monthday_wd }}      12. 1. (화)            Tue, Dec 1
{{ at|datetime_seconds }}  2026. 12. 1. 15:20:05  Dec 1, 2026 15:20:05

Aware datetimes are shown in the current time zone (as ``|date`` does).
"""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language

register = template.Library()

PATTERNS = {
    "date_wd": ("Y. n. j. (D)", "D, M j, Y"),
    "datetime_wd": ("Y. n. j. (D) H:i", "D, M j, Y H:i"),
    "monthday_time": ("n. j. H:i", "M j H:i"),
    "monthday_wd": ("n. j. (D)", "D, M j"),
    "datetime_seconds": ("Y. n. j. H:i:s", "M j, Y H:i:s"),
}


def _pattern(name: str) -> str:
    korean, english = PATTERNS[name]
    return korean if (get_language() or "ko").startswith("ko") else english


def _filter(name: str):
    def apply(value) -> str:
        return date_filter(value, _pattern(name))

    apply.__name__ = name
    register.filter(name, apply, expects_localtime=True)
    return apply


for _name in PATTERNS:
    _filter(_name)
