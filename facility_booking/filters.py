"""Filters of the facility booking API lists (django-filter, on api.filtersets).

A value that does not parse answers 400 in the one error shape with a Korean message
under ``fields.<name>``; nothing else is read.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from api.filtersets import BooleanFilter, DateFilter, FilterSet, IdFilter
from facility_booking.models import FacilityKind, Status

# what an applicant may list: every booking state but the managers' blocks
LISTED_STATES = [(value, label) for value, label in Status.choices if value != Status.BLOCKED]


class FacilityFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=FacilityKind.choices,
        help_text="시설 종류",
        error_messages={"invalid_choice": _("알 수 없는 종류입니다.")},
    )
    capacity = django_filters.NumberFilter(
        field_name="capacity",
        lookup_expr="gte",
        min_value=0,
        max_value=10**6,
        help_text="최소 수용 인원",
        error_messages={"invalid": _("숫자로 입력해 주세요.")},
    )


class ReservationFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(
        choices=LISTED_STATES,
        help_text="상태",
        error_messages={"invalid_choice": _("알 수 없는 상태입니다.")},
    )
    facility = IdFilter(field_name="facility_id", help_text="시설 id")
    mine = BooleanFilter(method="only_mine", help_text="담당자도 본인 예약만")

    def only_mine(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset.filter(applicant=self.request.user) if value else queryset


# ``from`` is a Python keyword: the date window is added under its public names here.
# Any calendar date is accepted (0001-01-01 … 9999-12-31 simply finds nothing), as before.
ReservationFilterSet.base_filters["from"] = DateFilter(
    field_name="start__date", lookup_expr="gte", validators=[], help_text="이용일 부터"
)
ReservationFilterSet.base_filters["to"] = DateFilter(
    field_name="start__date", lookup_expr="lte", validators=[], help_text="이용일 까지"
)
