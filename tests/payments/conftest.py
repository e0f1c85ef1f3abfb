"""Helpers for payment tests: a paid hall in institution A, a resident with a booking
approved and waiting for payment, the sandbox's webhooks posted through the test
client, and the on-commit work (tasks, messages) run inside each request."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking import services
from facility_booking.models import Reservation
from payments.sandbox import delivery
from payments.sandbox.models import SandboxWebhook
from tests.facility_booking.conftest import add_refund_tiers, at, make_facility, request_kwargs

FEE = 10_000  # won per hour; bookings below are two hours: 20,000 won


@pytest.fixture(autouse=True)
def _quiet_hours_off(settings):
    """Text messages go at once whatever the hour the tests run (quiet hours have their
    own tests)."""
    settings.NOTIFY_QUIET_HOURS = (0, 0)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Context manager: what the block queued on commit (tasks, messages) runs at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class Committing:
    """A test client whose every request ends as if committed: the on-commit work it
    queued (tasks, notifications, refunds) runs before the response is looked at."""

    def __init__(self, client, capture):
        self.client, self.capture = client, capture

    def get(self, *args, **kwargs):
        with self.capture():
            return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        with self.capture():
            return self.client.post(*args, **kwargs)


@pytest.fixture
def portal(apex, run_on_commit):
    """Factory: a committing client on the portal host for ``user``."""
    return lambda user=None: Committing(apex(user), run_on_commit)


@pytest.fixture
def host(on_host, run_on_commit):
    """Factory: a committing client on an institution's host."""
    return lambda institution, user=None: Committing(on_host(institution, user), run_on_commit)


@pytest.fixture
def hall(world):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="대공연장", kind="hall", capacity=100, base_fee=FEE)
        add_refund_tiers(facility)  # ≥7 days 100 %, 3–6 days 90 %, 1–2 days 70 %, same day 0 %
    return facility


def approved_booking(world, facility, applicant, *, days=5, hour=10, **extra):
    """A two-hour booking ``days`` ahead, approved by manager_a: 20,000 won to pay."""
    with schema_context(world.inst_a.schema_name):
        r = services.reservation_request(
            **request_kwargs(
                facility, applicant, start=at(days, hour), end=at(days, hour + 2), **extra
            )
        )
        return services.reservation_approve(actor=world.manager_a, reservation=r)


def fresh(world, reservation) -> Reservation:
    with schema_context(world.inst_a.schema_name):
        return Reservation.objects.get(pk=reservation.pk)


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def post_webhooks(on_host, run_on_commit):
    """Deliver every pending sandbox webhook to the institution host's webhook URL
    through the test client (the sandbox keeps its own delivery records)."""

    def deliver(*, only=None):
        statuses = []
        for webhook in SandboxWebhook.objects.filter(delivered_at__isnull=True).select_related(
            "merchant__institution"
        ):
            if only and webhook.event_type not in only:
                continue
            client = on_host(webhook.merchant.institution)

            def sender(url, headers, body, client=client):
                extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
                extra.pop("HTTP_CONTENT_TYPE", None)
                with run_on_commit():
                    response = client.post(
                        path_of(url), data=body, content_type="application/json", **extra
                    )
                return response.status_code

            statuses.append(delivery.deliver(webhook, sender=sender))
        return statuses

    return deliver


def later(minutes=0, hours=0, days=0):
    return timezone.now() + dt.timedelta(minutes=minutes, hours=hours, days=days)
