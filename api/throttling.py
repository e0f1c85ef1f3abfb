from rest_framework import throttling


class UserRateThrottle(throttling.UserRateThrottle):
    """Per signed-in person (per IP when anonymous), across all institutions."""


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Stricter limit per IP for anonymous callers."""


class LoginRateThrottle(throttling.AnonRateThrottle):
    scope = "login"


class BookingRateThrottle(throttling.UserRateThrottle):
    """Booking creation, per person: slows down bots on hot slots."""

    scope = "booking"
