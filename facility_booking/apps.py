from django.apps import AppConfig


class FacilityBookingConfig(AppConfig):
    name = "facility_booking"

    def ready(self):
        from facility_booking import personal_data  # noqa: F401 - privacy registry (deletion, retention)
