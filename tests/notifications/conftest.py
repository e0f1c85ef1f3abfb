"""Helpers for notification tests: a verified phone, and a clock at a chosen hour."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import ChannelPreference


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def daytime() -> dt.datetime:
    """Yesterday 10:00: due at once, and never inside quiet hours."""
    return local(timezone.localdate() - dt.timedelta(days=1), 10)


def verify_phone(user, phone="010-1234-5678", **choices) -> ChannelPreference:
    """Mark ``phone`` verified for ``user`` (what the code flow ends in)."""
    pref, _ = ChannelPreference.objects.get_or_create(user=user)
    pref.phone = phone
    pref.phone_verified_at = timezone.now()
    for name, value in choices.items():
        setattr(pref, name, value)
    pref.save()
    return pref


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Context manager: run what was queued on commit inside the block (tests never commit)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
