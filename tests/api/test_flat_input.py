"""``api.serializers.FlatInputSerializer``: fields copied shallowly per instance (issue 18)
validate exactly as DRF's deep copies do, and no instance's binding reaches another's or
the declared fields."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import serializers

from api.serializers import FlatInputSerializer
from facility_booking.api import ReservationCreateSerializer


def deep_twin():
    """The same declared fields on a plain DRF serializer (deepcopy per instance)."""
    return type(
        "DeepTwin",
        (serializers.Serializer,),
        copy.deepcopy(ReservationCreateSerializer._declared_fields),
    )


DAY = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
GOOD = {
    "facility": 3,
    "start": f"{DAY}T10:00:00+09:00",
    "end": f"{DAY}T12:00:00+09:00",
    "purpose": "동아리 모임",
    "headcount": 10,
    "contact_phone": "010-1234-5678",
    "discount_categories": ["disability"],
    "equipment_ids": [1, 2],
}

BAD = [
    {},
    {**GOOD, "facility": 0, "headcount": -1},
    {**GOOD, "start": "어제", "end": "0001-01-01T00:00:00+14:00"},
    {**GOOD, "purpose": "가" * 301, "contact_phone": "1" * 31},
    {**GOOD, "discount_categories": ["없는항목", "senior"], "equipment_ids": [0, "x"]},
    {**GOOD, "discount_categories": "senior", "equipment_ids": list(range(1, 30))},
]


def test_the_good_body_is_valid():
    assert ReservationCreateSerializer(data=GOOD).is_valid()


@pytest.mark.parametrize("data", [GOOD, *BAD])
def test_validates_as_drf_deep_copies_do(data):
    flat, deep = ReservationCreateSerializer(data=data), deep_twin()(data=data)
    assert flat.is_valid() is deep.is_valid()
    assert flat.errors == deep.errors
    if deep.is_valid():
        assert flat.validated_data == deep.validated_data


def test_each_instance_binds_fields_of_its_own():
    first, second = ReservationCreateSerializer(data=GOOD), ReservationCreateSerializer(data={})
    a, b = first.fields, second.fields
    declared = ReservationCreateSerializer._declared_fields
    for name in declared:
        assert a[name] is not b[name] is not declared[name]
        assert a[name].parent is first and b[name].parent is second
        assert a[name].field_name == name
        assert getattr(declared[name], "parent", None) is None  # the declared ones unbound
    for name in ("discount_categories", "equipment_ids"):
        assert a[name].child is not b[name].child is not declared[name].child
        assert a[name].child.parent is a[name] and b[name].child.parent is b[name]
    # validating one leaves the other's state alone
    assert not second.is_valid() and first.is_valid()
    assert set(second.errors) >= {"facility", "start", "end", "purpose", "headcount"}


def test_a_nested_serializer_is_refused():
    class Nested(FlatInputSerializer):
        inner = ReservationCreateSerializer()

    with pytest.raises(TypeError):
        _ = Nested(data={}).fields
