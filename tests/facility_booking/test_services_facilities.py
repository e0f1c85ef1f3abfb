"""Facility settings services: audited, portal listing follows, managers only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from facility_booking import services
from facility_booking.models import Facility
from institution.models import AuditEvent
from portal.models import PortalEntry

FIELDS = {"name": "소강당", "kind": "hall", "capacity": 120, "base_fee": 30000}


def test_create_publishes_public_facility_and_update_withdraws_it(
    schema_a, world, django_capture_on_commit_callbacks
):
    # the portal re-reads the facility after commit (portal.public.changed)
    with django_capture_on_commit_callbacks(execute=True):
        facility = services.facility_create(actor=world.manager_a, **FIELDS)
    entry = PortalEntry.objects.get(institution=world.inst_a, kind="facility", key=str(facility.pk))
    assert entry.title == "소강당" and entry.owner is None and entry.capacity == 120
    assert entry.url == ""  # no stored link: built for the current host when shown
    assert entry.link.endswith(f"/facilities/{facility.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        services.facility_update(actor=world.admin_a, facility=facility, is_active=False)
    assert not PortalEntry.objects.filter(kind="facility", key=str(facility.pk)).exists()
    assert AuditEvent.objects.filter(action="facility_booking.facility_update").exists()


def test_internal_facilities_never_reach_the_portal(
    schema_a, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        facility = services.facility_create(actor=world.manager_a, **FIELDS, visibility="internal")
    assert not PortalEntry.objects.filter(kind="facility", key=str(facility.pk)).exists()


def test_only_managers_edit(schema_a, world):
    for person in (world.staff_a, world.resident, world.manager_b):
        with pytest.raises(PermissionDenied):
            services.facility_create(actor=person, **FIELDS)
    assert not Facility.objects.exists()


def test_invalid_values_store_nothing(schema_a, world):
    with pytest.raises(ValidationError):
        services.facility_create(actor=world.manager_a, **FIELDS, slot_minutes=2)
    assert not Facility.objects.exists()


def test_hours_discounts_refunds_equipment_replace(schema_a, world):
    f = services.facility_create(actor=world.manager_a, **FIELDS)
    services.facility_set_hours(
        actor=world.manager_a, facility=f, hours={0: (dt.time(9), dt.time(18)), 6: None}
    )
    services.facility_set_discounts(
        actor=world.manager_a, facility=f, discounts={"senior": 30, "disability": 0}
    )
    services.facility_set_refund_tiers(actor=world.manager_a, facility=f, tiers=[(7, 100), (0, 0)])
    services.facility_set_equipment(actor=world.manager_a, facility=f, items=[("마이크", 5000)])
    first_mic = f.equipment.get().pk
    services.facility_set_equipment(
        actor=world.manager_a, facility=f, items=[("마이크", 6000), ("조명", 1)]
    )
    assert [h.weekday for h in f.hours.all()] == [0]
    assert [(d.category, d.percent) for d in f.discounts.all()] == [("senior", 30)]
    assert [(t.min_days_before, t.percent) for t in f.refund_tiers.all()] == [(7, 100), (0, 0)]
    assert (
        f.equipment.get(name="마이크").pk == first_mic
        and f.equipment.get(name="마이크").fee == 6000
    )
    closed = services.closed_date_add(
        actor=world.manager_a, facility=f, date=dt.date(2030, 1, 2), reason="소독"
    )
    services.closed_date_remove(actor=world.manager_a, closed=closed)
    assert not f.closed_dates.exists()
