"""``?ordering=`` for API lists: an explicit whitelist per list, 400 for anything else.

    ORDERING = Ordering({"name": "name", "capacity": "capacity"}, default="name")

    @extend_schema(parameters=[ORDERING.parameter()])
    def get(self, request):
        rows = ORDERING.apply(rows.order_by("name", "id"), request.query_params)

A value is one public name of the whitelist (ascending) or the name with a leading
``-`` (descending); a name may stand for several model fields (``"name"`` →
``user__name``). Anything else — an unknown name, a model field that is not listed,
several values — answers 400 in the one error shape with the allowed values under
``fields.ordering``. Without ``?ordering`` (or with an empty one) the queryset keeps
the order the view gave it, so each list keeps its own default (``default`` only
documents it). A requested order ends with ``id`` in the same direction, and empty
values sort last either way, so paging through a sorted list is stable.
"""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

PARAM = "ordering"


class Ordering:
    """The sortable fields of one list: ``{public name: model field path or paths}``."""

    def __init__(self, fields: dict[str, str | tuple[str, ...]], *, default: str):
        self.fields = {
            name: (paths,) if isinstance(paths, str) else tuple(paths)
            for name, paths in fields.items()
        }
        self.default = default
        self.choices = [value for name in self.fields for value in (name, f"-{name}")]

    def parameter(self) -> OpenApiParameter:
        return OpenApiParameter(
            PARAM,
            str,
            enum=self.choices,
            description=f"정렬 (기본: {self.default}). 앞에 -를 붙이면 거꾸로 (예: -{next(iter(self.fields))})",
        )

    def requested(self, params) -> str | None:
        """The validated ``?ordering`` value, or None when not given."""
        value = params.get(PARAM) or None
        if value is not None and value not in self.choices:
            raise serializers.ValidationError(
                {PARAM: [_("%(values)s 중 하나를 쓰세요.") % {"values": ", ".join(self.choices)}]}
            )
        return value

    def order_by(self, value: str) -> list:
        descending = value.startswith("-")
        paths = self.fields[value.removeprefix("-")]
        if descending:
            return [F(path).desc(nulls_last=True) for path in paths] + ["-id"]
        return [F(path).asc(nulls_last=True) for path in paths] + ["id"]

    def apply(self, queryset, params):
        """The queryset in the requested order; unchanged (the view's default) if none."""
        value = self.requested(params)
        if value is None:
            return queryset
        return queryset.order_by(*self.order_by(value))
