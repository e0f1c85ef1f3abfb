"""The write path for facility settings (booking managers only). Audited; the
portal listing follows every change on commit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from facility_booking import permissions
from facility_booking.models import (
    CalendarFeed,
    ClosedDate,
    Discount,
    Equipment,
    Facility,
    FacilityPhoto,
    OpeningHours,
    RefundTier,
    new_feed_token,
)
from facility_booking.portal import publish_facility
from facility_booking.services.common import acting_institution
from institution.audit import audit_record

FACILITY_FIELDS = {f.name for f in Facility._meta.concrete_fields} - {
    "id",
    "created_at",
    "updated_at",
}


def _require_editor(actor, institution):
    """The acting institution (see ``acting_institution``) once ``actor`` may edit there."""
    institution = acting_institution(institution)
    if not permissions.can_edit_facilities(actor, institution):
        raise PermissionDenied
    return institution


def _audit(actor, action, facility, summary, data=None):
    audit_record(
        actor=actor,
        action=f"facility_booking.{action}",
        summary=f"{facility.name} {summary}",
        target=facility,
        data=data or {},
    )


@transaction.atomic
def facility_create(*, actor, institution=None, **fields) -> Facility:
    """Create a facility from model field values (validated with full_clean)."""
    institution = _require_editor(actor, institution)
    facility = Facility(**{k: v for k, v in fields.items() if k in FACILITY_FIELDS})
    facility.full_clean()
    facility.save()
    _audit(actor, "facility_create", facility, "시설 등록")
    publish_facility(facility, institution=institution)
    return facility


@transaction.atomic
def facility_update(*, actor, facility: Facility, institution=None, **fields) -> Facility:
    """Change facility fields; bookings already made keep their price snapshot."""
    institution = _require_editor(actor, institution)
    changed = []
    for key, value in fields.items():
        if key in FACILITY_FIELDS and getattr(facility, key) != value:
            setattr(facility, key, value)
            changed.append(key)
    facility.full_clean()
    facility.save()
    _audit(actor, "facility_update", facility, "시설 정보 수정", {"fields": changed})
    publish_facility(facility, institution=institution)
    return facility


@transaction.atomic
def facility_set_hours(
    *,
    actor,
    facility: Facility,
    hours: dict[int, tuple[dt.time, dt.time] | None],
    institution=None,
) -> None:
    """Replace opening hours: {weekday: (opens, closes) or None for closed}."""
    _require_editor(actor, institution)
    OpeningHours.objects.filter(facility=facility).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(facility=facility, weekday=day, opens=span[0], closes=span[1])
        for day, span in sorted(hours.items())
        if span
    )
    facility.__dict__.pop("_hours_cache", None)
    _audit(actor, "facility_hours", facility, "운영 시간 변경")


@transaction.atomic
def facility_set_discounts(
    *, actor, facility: Facility, discounts: dict[str, int], institution=None
) -> None:
    """Replace the offered 감면 categories: {category: percent}; 0/None = not offered."""
    _require_editor(actor, institution)
    Discount.objects.filter(facility=facility).delete()
    Discount.objects.bulk_create(
        Discount(facility=facility, category=c, percent=p) for c, p in discounts.items() if p
    )
    _audit(actor, "facility_discounts", facility, "감면 기준 변경", {"discounts": discounts})


@transaction.atomic
def facility_set_refund_tiers(
    *, actor, facility: Facility, tiers: list[tuple[int, int]], institution=None
) -> None:
    """Replace refund tiers: [(min_days_before, percent)]."""
    _require_editor(actor, institution)
    RefundTier.objects.filter(facility=facility).delete()
    seen = {}
    for days, percent in tiers:
        seen[int(days)] = int(percent)
    RefundTier.objects.bulk_create(
        RefundTier(facility=facility, min_days_before=d, percent=p) for d, p in seen.items()
    )
    _audit(actor, "facility_refunds", facility, "환불 기준 변경")


@transaction.atomic
def facility_set_equipment(
    *, actor, facility: Facility, items: list[tuple[str, int]], institution=None
) -> None:
    """Replace the optional equipment list [(name, fee)], keeping ids of unchanged names."""
    _require_editor(actor, institution)
    wanted = {name.strip(): int(fee) for name, fee in items if name.strip()}
    for item in Equipment.objects.filter(facility=facility):
        if item.name in wanted:
            item.fee = wanted.pop(item.name)
            item.save(update_fields=["fee"])
        else:
            item.delete()
    Equipment.objects.bulk_create(
        Equipment(facility=facility, name=n, fee=f) for n, f in wanted.items()
    )
    _audit(actor, "facility_equipment", facility, "장비 목록 변경")


@transaction.atomic
def closed_date_add(
    *, actor, facility: Facility, date: dt.date, reason: str = "", institution=None
) -> ClosedDate:
    """Close the facility on ``date`` (existing bookings stay; staff cancel them if needed)."""
    _require_editor(actor, institution)
    closed, _ = ClosedDate.objects.update_or_create(
        facility=facility, date=date, defaults={"reason": reason.strip()}
    )
    _audit(actor, "closed_date_add", facility, f"휴관일 지정 {date.isoformat()}")
    return closed


@transaction.atomic
def closed_date_remove(*, actor, closed: ClosedDate, institution=None) -> None:
    """Open the facility again on that date."""
    _require_editor(actor, institution)
    _audit(actor, "closed_date_remove", closed.facility, f"휴관일 해제 {closed.date.isoformat()}")
    closed.delete()


@transaction.atomic
def photo_add(
    *, actor, facility: Facility, image, caption: str = "", institution=None
) -> FacilityPhoto:
    """Store an uploaded image in the institution's media folder (validated by Pillow)."""
    _require_editor(actor, institution)
    photo = FacilityPhoto(facility=facility, image=image, caption=caption.strip())
    photo.full_clean()
    photo.save()
    _audit(actor, "photo_add", facility, "사진 추가")
    return photo


@transaction.atomic
def photo_remove(*, actor, photo: FacilityPhoto, institution=None) -> None:
    """Delete the photo row and its file."""
    _require_editor(actor, institution)
    _audit(actor, "photo_remove", photo.facility, "사진 삭제")
    photo.image.delete(save=False)
    photo.delete()


def feed_for(user) -> CalendarFeed:
    """The person's private feed here, created on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def feed_rotate(*, user) -> CalendarFeed:
    """Revoke the old private feed URL and issue a new secret one."""
    feed = feed_for(user)
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "created_at"])
    return feed
