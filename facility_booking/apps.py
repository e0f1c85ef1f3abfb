from django.apps import AppConfig


class FacilityBookingConfig(AppConfig):
    name = "facility_booking"
