"""The notification service: channels by preference, quiet hours, exactly-once sending,
retries, 알림톡 → SMS fallback, dedupe."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import Delivery, LocalMessage, Notification
from notifications.providers import PROVIDERS, LocalProvider, ProviderUnavailable
from notifications.public import notify
from tests.notifications.conftest import daytime, local, verify_phone

pytestmark = pytest.mark.django_db


def _context():
    return {
        "facility": "대공연장",
        "number": "FB-2026-000001",
        "when": "2026. 11. 25.(수) 10:00–12:00",
    }


def test_email_only_without_a_verified_phone(world, run_on_commit):
    with run_on_commit():
        n = notify(
            event="booking_requested", recipient=world.resident, context=_context(), now=daytime()
        )
    deliveries = list(n.deliveries.all())
    assert [(d.channel, d.status) for d in deliveries] == [("email", "sent")]
    assert mail.outbox[-1].to == [world.resident.email]
    assert "대공연장 대관 신청이 접수되었습니다" in mail.outbox[-1].body
    assert "FB-2026-000001" in mail.outbox[-1].body


def test_alimtalk_to_a_verified_phone_and_email(world, run_on_commit):
    verify_phone(world.resident)
    with run_on_commit():
        n = notify(
            event="booking_requested", recipient=world.resident, context=_context(), now=daytime()
        )
    channels = {d.channel: d for d in n.deliveries.all()}
    assert set(channels) == {"email", "alimtalk"}
    assert channels["alimtalk"].status == "sent"
    message = LocalMessage.objects.get(key=channels["alimtalk"].key)
    assert message.address == "010-1234-5678" and message.template_code == "FB_REQUESTED"
    assert "대공연장" in message.body


def test_unverified_phone_gets_no_text(world, run_on_commit):
    pref = verify_phone(world.resident)
    pref.phone_verified_at = None
    pref.save()
    with run_on_commit():
        n = notify(
            event="booking_approved", recipient=world.resident, context=_context(), now=daytime()
        )
    assert [d.channel for d in n.deliveries.all()] == ["email"]


def test_alimtalk_failure_falls_back_to_sms(world, run_on_commit):
    verify_phone(world.resident, phone="010-0000-1234", email=False)
    with run_on_commit():
        n = notify(
            event="booking_approved", recipient=world.resident, context=_context(), now=daytime()
        )
    alimtalk = n.deliveries.get(channel="alimtalk")
    sms = n.deliveries.get(channel="sms")
    assert alimtalk.status == "failed" and "카카오톡" in alimtalk.last_error
    assert sms.status == "sent" and sms.fallback_for_id == alimtalk.pk
    assert LocalMessage.objects.filter(key=sms.key, channel="sms").count() == 1


def test_quiet_hours_hold_text_until_eight(world, run_on_commit):
    verify_phone(world.resident)
    night = local(timezone.localdate() - dt.timedelta(days=3), 22, 30)
    with run_on_commit():
        n = notify(
            event="booking_reminder", recipient=world.resident, context=_context(), now=night
        )
    text = n.deliveries.get(channel="alimtalk")
    email = n.deliveries.get(channel="email")
    assert email.status == "sent"
    assert text.status == "pending" and text.held_for_quiet_hours
    assert timezone.localtime(text.not_before) == local(night.date() + dt.timedelta(days=1), 8)
    # a sweep at 07:59 sends nothing, at 08:00 it goes
    assert services.send_delivery(text.pk, now=text.not_before - dt.timedelta(minutes=1)) is None
    assert services.send_delivery(text.pk, now=text.not_before) == "sent"


def test_urgent_events_ignore_quiet_hours(world, run_on_commit):
    night = local(timezone.localdate() - dt.timedelta(days=1), 23)
    with run_on_commit():
        n = notify(
            event="phone_verification",
            recipient=world.resident,
            phone="010-2222-3333",
            context={"code": "123456"},
            now=night,
        )
    (delivery,) = n.deliveries.all()
    assert delivery.channel == "sms" and delivery.status == "sent"


def test_dedupe_key_sends_once(world, run_on_commit):
    with run_on_commit():
        first = notify(
            event="booking_requested",
            recipient=world.resident,
            context=_context(),
            dedupe_key="x:1",
            now=daytime(),
        )
        second = notify(
            event="booking_requested",
            recipient=world.resident,
            context=_context(),
            dedupe_key="x:1",
            now=daytime(),
        )
    assert first.pk == second.pk
    assert Notification.objects.filter(dedupe_key="x:1").count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_sent_when_the_caller_rolls_back(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(event="booking_requested", recipient=world.resident, context=_context())
                raise RuntimeError
        except RuntimeError:
            pass
    assert not Notification.objects.filter(recipient=world.resident).exists()
    assert mail.outbox == []


class WorkerDied(BaseException):
    """Stands for the process being killed: nothing after it runs."""


class DiesAfterSending(LocalProvider):
    def send(self, message):
        super().send(message)
        raise WorkerDied


class DiesBeforeSending(LocalProvider):
    def send(self, message):
        raise WorkerDied


@pytest.fixture
def text_provider(settings):
    def use(factory):
        PROVIDERS["test-provider"] = factory
        settings.NOTIFY_ALIMTALK_PROVIDER = "test-provider"

    yield use
    PROVIDERS.pop("test-provider", None)


def _pending_text(world, now):
    verify_phone(world.resident, email=False)
    n = notify(event="booking_approved", recipient=world.resident, context=_context(), now=now)
    return n.deliveries.get(channel="alimtalk")


def test_worker_dying_after_the_provider_accepted_sends_exactly_once(
    world, settings, text_provider
):
    now = daytime()
    delivery = _pending_text(world, now)
    text_provider(DiesAfterSending)
    with pytest.raises(WorkerDied):
        services.send_delivery(delivery.pk, now=now)
    delivery.refresh_from_db()
    assert (
        delivery.status == "sending" and LocalMessage.objects.filter(key=delivery.key).count() == 1
    )
    # another worker, while the lease still runs: leaves it alone
    settings.NOTIFY_ALIMTALK_PROVIDER = "local"
    assert services.send_delivery(delivery.pk, now=now + dt.timedelta(minutes=1)) is None
    # after the lease: asks the provider, finds the message, does not send again
    later = now + services.LEASE + dt.timedelta(seconds=1)
    assert delivery.pk in services.due_ids(later)
    assert services.send_delivery(delivery.pk, now=later) == "sent"
    assert LocalMessage.objects.filter(key=delivery.key).count() == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2


def test_worker_dying_before_the_provider_accepted_sends_once_later(world, settings, text_provider):
    now = daytime()
    delivery = _pending_text(world, now)
    text_provider(DiesBeforeSending)
    with pytest.raises(WorkerDied):
        services.send_delivery(delivery.pk, now=now)
    assert not LocalMessage.objects.filter(key=delivery.key).exists()
    settings.NOTIFY_ALIMTALK_PROVIDER = "local"
    later = now + services.LEASE + dt.timedelta(seconds=1)
    assert services.sweep(later) == 1
    assert services.sweep(later + dt.timedelta(minutes=10)) == 0
    assert LocalMessage.objects.filter(key=delivery.key).count() == 1


class Unavailable(LocalProvider):
    def send(self, message):
        raise ProviderUnavailable("connection refused")


def test_transient_failures_retry_with_backoff_then_fail_and_fall_back(
    world, settings, text_provider
):
    now = daytime()
    delivery = _pending_text(world, now)
    text_provider(Unavailable)
    when = now
    for attempt in range(1, services.MAX_ATTEMPTS):
        assert services.send_delivery(delivery.pk, now=when) == "pending"
        delivery.refresh_from_db()
        assert delivery.attempts == attempt and delivery.not_before > when
        when = delivery.not_before
    assert services.send_delivery(delivery.pk, now=when) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "connection refused" in delivery.last_error
    fallback = Delivery.objects.get(fallback_for=delivery)
    assert fallback.channel == "sms" and fallback.status == "sent"
