"""Rate limits for the API.

Choice: **a person's limit is one budget across the whole platform**, not one per
institution — calling culture.… and sports.… with the same token draws from the
same counter, so spreading requests over hosts does not multiply the limit.
Anonymous callers are counted per IP address, also across hosts. The counters
therefore live in the ``throttle`` cache, whose keys carry no schema name (the
``default`` cache's keys do — django_tenants.cache.make_key). Without that alias
the default cache is used and the limits become per institution.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (environment variables
API_RATE_USER, API_RATE_ANON, API_RATE_LOGIN, API_RATE_BOOKING) and are read on
every request, so a settings override takes effect at once. The client's IP comes from
suite.net.client_ip: REMOTE_ADDR unless REST_FRAMEWORK["NUM_PROXIES"] says how many
proxies to trust in X-Forwarded-For (a forged header must not buy a fresh budget).
"""

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings

from suite.net import client_ip

THROTTLE_CACHE = "throttle"


def throttle_cache():
    return caches[THROTTLE_CACHE if THROTTLE_CACHE in settings.CACHES else "default"]


class _Platformwide:
    """Mixin: platform-wide counters, rates read at request time."""

    @property
    def cache(self):
        return throttle_cache()

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(
                f"Set REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'][{self.scope!r}]."
            ) from None

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class UserRateThrottle(_Platformwide, throttling.UserRateThrottle):
    """Per signed-in person (per IP when anonymous), across all institutions."""


class AnonRateThrottle(_Platformwide, throttling.AnonRateThrottle):
    """Stricter limit per IP for anonymous callers."""


class LoginRateThrottle(_Platformwide, throttling.SimpleRateThrottle):
    """Log-in and token endpoints: per IP for everyone, signed in or not."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class BookingRateThrottle(_Platformwide, throttling.UserRateThrottle):
    """Booking creation, per person: slows down bots on hot slots."""

    scope = "booking"
