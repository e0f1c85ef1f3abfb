"""Date-times sent to the API must carry their offset.

A date-time without an offset ("2026-11-25T15:20") names no instant: DRF would read it in
the server's time zone without a word, and a client in another zone (or a script that
forgot the zone) would book the wrong hour. The API refuses it with a 400 on the field,
for every date-time field of every serializer — also the ones apps declare themselves
(``serializers.DateTimeField()``, subclasses included): ``install()`` wraps DRF's
``DateTimeField.to_internal_value`` once, from ApiConfig.ready(). A field made with
``default_timezone=None`` (naive on purpose) is left alone. Python ``datetime`` values
given by code (defaults, services) are not affected.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import fields
from rest_framework.exceptions import ValidationError

OFFSET_REQUIRED = _(
    "시간대를 함께 보내 주세요. 예: 2026-11-25T15:20:00+09:00 (한국 시각) 또는 "
    "2026-11-25T06:20:00Z (UTC)."
)

_installed = False


def _wants_aware(field) -> bool:
    if hasattr(field, "timezone"):
        return field.timezone is not None
    return bool(settings.USE_TZ)


def install() -> None:
    """Refuse offset-less date-time strings in every DRF DateTimeField (idempotent)."""
    global _installed
    if _installed:
        return
    original = fields.DateTimeField.to_internal_value

    def to_internal_value(self, value):
        if isinstance(value, str) and _wants_aware(self):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None  # out of range: the original answers with its message
            if parsed is not None and timezone.is_naive(parsed):
                raise ValidationError(str(OFFSET_REQUIRED), code="offset_required")
        return original(self, value)

    to_internal_value.__doc__ = original.__doc__
    fields.DateTimeField.to_internal_value = to_internal_value
    _installed = True
