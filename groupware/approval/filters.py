"""Filters of the 전자결재 API lists (django-filter, on api.filtersets)."""

import django_filters

from api.filtersets import BooleanFilter, DateFilter, FilterSet
from groupware.approval.models import State
from groupware.approval.selectors import BOXES

INBOX_BOXES = [(k, v) for k, v in BOXES.items() if k != "post_reports"]


class DocumentFilterSet(FilterSet):
    # the box picks the base list (the view's get_queryset); validated and documented here
    box = django_filters.ChoiceFilter(
        choices=INBOX_BOXES, method="in_box", help_text="문서함 (기본: waiting)"
    )
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", max_length=100, help_text="제목"
    )
    number = django_filters.CharFilter(
        field_name="number", lookup_expr="icontains", max_length=80, help_text="문서번호"
    )
    drafter = django_filters.CharFilter(
        field_name="drafter_name", lookup_expr="icontains", max_length=60, help_text="기안자"
    )
    state = django_filters.ChoiceFilter(choices=State.choices, help_text="상태")
    date_from = DateFilter(field_name="created_at__date", lookup_expr="gte", help_text="기안일부터")
    date_to = DateFilter(field_name="created_at__date", lookup_expr="lte", help_text="기안일까지")

    def in_box(self, queryset, name, value):
        return queryset


class PostReportFilterSet(FilterSet):
    open = BooleanFilter(method="open_only", help_text="true: 아직 확인하지 않은 것만")

    def open_only(self, queryset, name, value):
        return queryset.filter(acknowledged_at__isnull=True) if value else queryset
