"""Filters of the org chart's API lists (django-filter, on api.filtersets)."""

from django.utils import timezone

from api.filtersets import DateFilter, FilterSet, IdFilter, SearchFilter
from groupware.org.models import StaffProfile
from groupware.org.selectors import subtree_ids


class PeopleFilterSet(FilterSet):
    q = SearchFilter(
        fields=("user__name", "department__name", "duties", "extension"),
        help_text="이름·부서·담당 업무·내선",
    )
    department = IdFilter(method="in_department", help_text="부서 id (하위 부서 포함)")

    def in_department(self, queryset, name, value):
        return queryset.filter(department_id__in=subtree_ids(value))


class AbsenceFilterSet(FilterSet):
    date = DateFilter(method="away_on", help_text="이 날 부재 중인 사람 (생략하면 현재·예정 부재)")
    department = IdFilter(method="in_department", help_text="부서 id (하위 부서 포함)")

    def away_on(self, queryset, name, value):
        from datetime import datetime, time, timedelta

        start = timezone.make_aware(datetime.combine(value, time.min))
        return queryset.filter(starts_at__lt=start + timedelta(days=1), ends_at__gt=start)

    def in_department(self, queryset, name, value: int):  # the hint types the parameter
        people = StaffProfile.objects.filter(department_id__in=subtree_ids(value))
        return queryset.filter(user_id__in=people.values("user_id"))

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("date"):
            queryset = queryset.filter(ends_at__gt=timezone.now())  # current and upcoming
        return super().filter_queryset(queryset)
