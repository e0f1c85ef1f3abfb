"""The shared base for API list filters: django-filter FilterSets and DRF's OrderingFilter.

    class PeopleFilterSet(FilterSet):
        q = SearchFilter(fields=("user__name", "department__name"))

    class PeopleList(GenericAPIView):
        filter_backends = LIST_FILTERS
        filterset_class = PeopleFilterSet
        ordering_whitelist = Ordering({"name": "user__name"}, default="부서 순서")

        def get(self, request):
            rows = self.filter_queryset(directory_profiles(institution).order_by(...))

- A filter value that does not parse (``?department=abc``) answers 400 in the one error
  shape (api.errors) with the message under ``fields.<name>``; nothing else is read.
- ``?ordering=`` goes through ``WhitelistOrdering``, DRF's OrderingFilter driven by the
  view's ``ordering_whitelist`` (api.filters.Ordering): only listed names, 400 for
  anything else, ``id`` as the tie-break, empty values last. Without ``?ordering`` the
  view's own order stays.

Any app's list can use these; the OpenAPI parameters come from the FilterSet (drf-
spectacular's django-filter support) and from the whitelist.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from api.filters import PARAM, Ordering

MAX_ID = 2**62  # ids beyond this are not ours (and would overflow bigint)


class FilterSet(django_filters.FilterSet):
    """Base of every API FilterSet (400 in the one error shape for unparsable values)."""


class IdFilter(django_filters.Filter):
    """A positive id (1 … 2**62); anything else is a 400 on the field."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no, on/off); anything else is refused, not ignored."""

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("true 또는 false를 입력해 주세요."), code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter that answers 400 for a value that is neither."""

    field_class = _StrictBooleanField


def _plausible_year(value) -> None:
    if not 1900 <= value.year <= 2200:
        raise forms.ValidationError(
            _("1900년부터 2200년 사이의 날짜를 입력해 주세요."), code="out_of_range"
        )


class DateFilter(django_filters.DateFilter):
    """A calendar date between 1900 and 2200 (ISO ``2026-11-25``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("날짜는 2026-11-25처럼 YYYY-MM-DD 형식으로 입력해 주세요.")},
        )
        kwargs.setdefault("validators", [_plausible_year])
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """Every word (up to ``max_words``) must match one of ``fields`` (icontains)."""

    def __init__(self, *, fields: tuple[str, ...], max_words: int = 5, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)
        self.search_fields = fields
        self.max_words = max_words

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        for word in (value or "").split()[: self.max_words]:
            match = Q()
            for field in self.search_fields:
                match |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(match)
        return qs


class WhitelistOrdering(OrderingFilter):
    """DRF's OrderingFilter with a whitelist per list (the view's ``ordering_whitelist``)."""

    ordering_param = PARAM
    ordering_description = "정렬 (목록마다 허용된 값만)"

    def _whitelist(self, view) -> Ordering | None:
        return getattr(view, "ordering_whitelist", None)

    def get_ordering(self, request, queryset, view):
        whitelist = self._whitelist(view)
        if whitelist is None:
            return None
        value = whitelist.requested(request.query_params)  # 400 for anything not listed
        return whitelist.order_by(value) if value is not None else None

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_schema_operation_parameters(self, view):
        # documented by the view's extend_schema (Ordering.parameter(): the enum of values)
        return []


LIST_FILTERS = [DjangoFilterBackend, WhitelistOrdering]
