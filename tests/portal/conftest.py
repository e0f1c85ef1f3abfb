"""Helpers: put entries straight into the index (what a source would write)."""

import datetime as dt

import pytest
from django.utils import timezone

from portal import public
from portal.public import Doc, Venue


def put(institution, kind, key, title, **fields):
    """Write one public entry as its source would (fields of portal.public.Doc)."""
    return public._write(institution, kind, str(key), Doc(title=title, **fields))


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def next_saturday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7) + dt.timedelta(days=7)


def venue(hours=(dt.time(9), dt.time(22)), busy=(), closed=(), **extra):
    return Venue(
        hours=dict.fromkeys(range(7), hours), busy=list(busy), closed=list(closed), **extra
    )


@pytest.fixture
def put_entry():
    return put
