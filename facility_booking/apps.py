from django.apps import AppConfig


class FacilityBookingConfig(AppConfig):
    name = "facility_booking"

    def ready(self) -> None:
        from accounts.handover import handover_participants
        from facility_booking.services.handover import handover_participant

        handover_participants.register("facility_bookings", handover_participant)
        from facility_booking import (
            events,  # noqa: F401 - fair booking's notification events
            personal_data,  # noqa: F401 - privacy registry (deletion, retention)
        )
        from facility_booking.portal_fair import register_hub_section

        register_hub_section()  # the resident's lottery, waitlist and series in /portal/my/
        from facility_booking.seed import seed_institution
        from suite.demo import register_seed

        register_seed("facility_booking", seed_institution)
        from facility_booking.documents import connect as connect_documents

        connect_documents()  # a changed booking's permit and receipt are rendered after commit
