"""Filters of the calendar API's event list (django-filter, on api.filtersets).

The list answers one date window: ``start`` (default today) to ``end`` inclusive (default
30 days after ``start``), at most 366 days, years 1900–2200. A bad or reversed date, a
window too long or a calendar id that is not a number is a 400 on that field; a calendar
the person may not see is a 404 (schedule.selectors.calendar_for).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.filtersets import DateFilter, FilterSet, IdFilter
from groupware.schedule.models import Event
from groupware.schedule.occurrences import events_overlapping, local_midnight
from groupware.schedule.selectors import calendar_for

MAX_WINDOW_DAYS = 366
DEFAULT_WINDOW_DAYS = 30


class EventWindowForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        start: date = data.get("start") or timezone.localdate()
        end: date = data.get("end") or start + timedelta(days=DEFAULT_WINDOW_DAYS)
        if end < start:
            self.add_error("end", _("종료일은 시작일과 같거나 늦어야 합니다."))
        elif (end - start).days > MAX_WINDOW_DAYS:
            self.add_error("end", _("최대 366일까지 조회할 수 있습니다."))
        data["start"], data["end"] = start, end
        return data


class EventFilterSet(FilterSet):
    """``window`` (after ``is_valid()``): the [start, end) datetimes the list answers."""

    calendar = IdFilter(method="in_calendar", help_text="캘린더 id (생략하면 내 캘린더들)")
    start = DateFilter(method="in_window", help_text="시작일 (기본: 오늘)")
    end = DateFilter(
        method="in_window", help_text="종료일, 이 날 포함 (기본: 시작일부터 31일, 최대 366일)"
    )

    class Meta:
        model = Event
        fields: list[str] = []
        form = EventWindowForm

    @property
    def window(self) -> tuple[Any, Any]:
        data = self.form.cleaned_data
        return local_midnight(data["start"]), local_midnight(data["end"] + timedelta(days=1))

    def in_calendar(self, queryset: QuerySet, name: str, value: int | None) -> QuerySet:
        # one calendar the person may see (404 otherwise) instead of their own set
        calendar = calendar_for(self.request.user, self.request.institution, value)
        return Event.objects.filter(calendar=calendar)

    def in_window(self, queryset: QuerySet, name: str, value: date | None) -> QuerySet:
        return queryset  # the window is applied once, in filter_queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        return events_overlapping(queryset, *self.window)
