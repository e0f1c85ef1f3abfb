"""Keep the venue summary true: any change to a facility's bookings, blocks, hours or
closed days refreshes that facility's entry after commit (portal.public.changed).

Model signals rather than calls in facility_booking's services, because the
summary must follow every write path (services, staff blocks, handover,
expiry) and facility_booking need not know the portal exists. Signals only
*schedule* a refresh; they never change domain state.
"""

from django.db import connection
from django.db.models.signals import post_delete, post_save

from portal import public


def _facility_changed(sender, instance, **kwargs):
    facility_id = instance.pk if sender.__name__ == "Facility" else instance.facility_id
    if facility_id and connection.schema_name != "public":
        public.changed(kind="facility", key=facility_id)


def _institution_changed(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    public.changed(kind="institution", key="site", institution=instance)


def connect() -> None:
    from facility_booking.public.for_portal import (
        ClosedDate,
        Facility,
        OpeningHours,
        Reservation,
    )
    from tenants.models import Institution

    for model in (Facility, Reservation, ClosedDate, OpeningHours):
        for signal in (post_save, post_delete):
            signal.connect(
                _facility_changed, sender=model, dispatch_uid=f"portal-{model.__name__}-{signal}"
            )
    post_save.connect(_institution_changed, sender=Institution, dispatch_uid="portal-institution")
