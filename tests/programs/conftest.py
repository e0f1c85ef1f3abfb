"""Helpers: a published program in institution A, open for applications now."""

import datetime as dt

import pytest
from django.utils import timezone

from programs.models import Program


def make_program(**overrides) -> Program:
    now = timezone.now()
    start = timezone.localdate() + dt.timedelta(days=20)
    values = {
        "title": "어르신 도자기 공예 교실",
        "category": "lecture",
        "summary": "흙으로 빚는 생활 도자기",
        "start_date": start,
        "end_date": start + dt.timedelta(days=56),
        "weekdays": [1, 3],
        "start_time": dt.time(10),
        "end_time": dt.time(12),
        "place": "공예실",
        "audience": "senior",
        "fee": 30000,
        "capacity": 3,
        "waitlist_limit": 2,
        "applications_open_at": now - dt.timedelta(days=1),
        "applications_close_at": now + dt.timedelta(days=10),
        "status": "published",
        "published_at": now,
    }
    values.update(overrides)
    return Program.objects.create(**values)


@pytest.fixture
def schema_a(world, in_schema):
    with in_schema(world.inst_a):
        yield world.inst_a
