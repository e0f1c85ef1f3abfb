"""전자결재 설정 (institution admins): the hourly-leave unit and a working day's hours,
kept in the institution's ``approval`` setting beside the number format."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from groupware.approval.errors import invalid
from groupware.approval.leave import HOUR_UNITS
from groupware.approval.permissions import can_manage_settings
from institution.audit import audit_record


@transaction.atomic
def approval_settings_update(*, actor, institution, leave_hour_unit, work_hours_per_day) -> dict:
    from institution.models import Setting

    if not can_manage_settings(actor, institution):
        raise PermissionDenied
    try:
        unit = Decimal(str(leave_hour_unit))
        hours = Decimal(str(work_hours_per_day))
    except (InvalidOperation, ValueError):
        raise invalid("settings_invalid", "leave_hour_unit") from None
    if unit not in HOUR_UNITS:
        raise invalid("settings_invalid", "leave_hour_unit")
    if not Decimal("1") <= hours <= Decimal("12") or hours % unit:
        raise invalid("settings_invalid", "work_hours_per_day")
    setting, _ = Setting.objects.select_for_update().get_or_create(
        key="approval", defaults={"value": {}}
    )
    value = dict(setting.value) if isinstance(setting.value, dict) else {}
    value.update({"leave_hour_unit": str(unit), "work_hours_per_day": str(hours)})
    setting.value = value
    setting.save(update_fields=["value", "updated_at"])
    audit_record(
        actor=actor,
        action="approval.settings",
        summary=f"전자결재 설정: 시간 단위 연차 {unit}시간, 하루 {hours}시간",
    )
    return value
