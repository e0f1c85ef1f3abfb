"""Workers racing over the same outbox send each message once (real commits, separate
connections); the NHN Cloud adapter sends the documented request shapes."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from notifications import services
from notifications.models import ChannelPreference, Delivery, LocalMessage, Notification
from notifications.providers import NhnProvider, OutgoingMessage, ProviderError


def test_racing_workers_send_every_message_exactly_once(committed_db, settings):
    settings.NOTIFY_QUIET_HOURS = (0, 0)
    user = User.objects.create_user(
        email="race-notify@test.kr", password="x-pass-1234", name="경주"
    )
    ChannelPreference.objects.create(
        user=user, phone="010-7777-1234", phone_verified_at=timezone.now(), alimtalk=True
    )
    notifications = []
    # Due in an hour: nothing goes out when created, the racing sweeps send them all.
    later = timezone.now() + dt.timedelta(hours=1)
    try:
        for i in range(20):
            notifications.append(
                services.notify(
                    event="booking_reminder",
                    recipient=user,
                    context={"facility": f"시설 {i}"},
                    now=later,
                )
            )
        keys = list(
            Delivery.objects.filter(notification__in=notifications).values_list("key", flat=True)
        )
        assert len(keys) == 40  # e-mail and 알림톡 each
        assert not LocalMessage.objects.filter(key__in=keys).exists()
        barrier = threading.Barrier(8)
        errors = []

        def worker():
            try:
                barrier.wait()
                services.sweep(later)
            except Exception as error:  # surfaced below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        deliveries = Delivery.objects.filter(notification__in=notifications)
        assert set(deliveries.values_list("status", flat=True)) == {"sent"}
        assert all(d.attempts == 1 for d in deliveries)
        assert LocalMessage.objects.filter(key__in=keys, channel="alimtalk").count() == 20
        for key in keys:
            assert LocalMessage.objects.filter(key=key).count() <= 1
    finally:
        LocalMessage.objects.filter(address="010-7777-1234").delete()
        Notification.objects.filter(recipient=user, event="booking_reminder").delete()
        ChannelPreference.objects.filter(user=user).delete()


class Transport:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def __call__(self, method, url, headers, body):
        self.requests.append((method, url, headers, body))
        return self.answers.pop(0)


OK = {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}}


def message(channel="sms", body="짧은 문자"):
    return OutgoingMessage(
        key="k" * 32,
        channel=channel,
        address="010-1234-5678",
        subject="제목",
        body=body,
        template_code="FB_APPROVED",
    )


def test_nhn_sms_and_alimtalk_requests(settings):
    settings.NOTIFY_NHN_SECRET_KEY = "secret"
    settings.NOTIFY_NHN_SMS_APP_KEY = "smsapp"
    settings.NOTIFY_NHN_SENDER_NO = "0421234500"
    settings.NOTIFY_NHN_ALIMTALK_APP_KEY = "talkapp"
    settings.NOTIFY_NHN_SENDER_KEY = "senderkey"
    transport = Transport(
        (200, {**OK, "body": {"data": {"requestId": "R1"}}}),
        (200, {**OK, "body": {"data": {"requestId": "R2"}}}),
        (200, {**OK, "body": {"data": {"requestId": "R3"}}}),
    )
    assert NhnProvider("sms", transport=transport).send(message()) == "R1"
    method, url, headers, body = transport.requests[0]
    assert (method, url) == (
        "POST",
        "https://api-sms.cloud.toast.com/sms/v3.0/appKeys/smsapp/sender/sms",
    )
    assert headers["X-Secret-Key"] == "secret"
    assert body == {
        "body": "짧은 문자",
        "sendNo": "0421234500",
        "recipientList": [{"recipientNo": "01012345678"}],
        "senderGroupingKey": "k" * 32,
    }
    # a long text goes as LMS with a title
    NhnProvider("sms", transport=transport).send(message(body="가" * 60))
    assert transport.requests[1][1].endswith("/sender/mms")
    assert transport.requests[1][3]["title"] == "제목"
    NhnProvider("alimtalk", transport=transport).send(message("alimtalk"))
    method, url, headers, body = transport.requests[2]
    assert url == "https://api-alimtalk.cloud.toast.com/alimtalk/v2.3/appkeys/talkapp/raw-messages"
    assert body["senderKey"] == "senderkey" and body["templateCode"] == "FB_APPROVED"
    assert body["recipientList"][0]["recipientNo"] == "01012345678"
    assert body["recipientList"][0]["resendParameter"] == {"isResend": False}


def test_nhn_refusals_and_outages(settings):
    refused = {"header": {"isSuccessful": False, "resultCode": -1000, "resultMessage": "invalid"}}
    with pytest.raises(ProviderError) as caught:
        NhnProvider("sms", transport=Transport((400, refused))).send(message())
    assert caught.value.permanent
    with pytest.raises(ProviderError) as caught:
        NhnProvider("sms", transport=Transport((503, None))).send(message())
    assert not caught.value.permanent
    found = {**OK, "body": {"data": [{"requestId": "R9"}]}}
    assert NhnProvider("sms", transport=Transport((200, found))).lookup("k") == "R9"
    assert (
        NhnProvider("sms", transport=Transport((200, {**OK, "body": {"data": []}}))).lookup("k")
        is None
    )
