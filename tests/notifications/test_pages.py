"""Notification pages over HTTP: the person's settings (channels, phone verification
by code), their received messages, the institution's outbox for staff (failed channels
visible, retry), the developers' outbox; access rules on each."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from notifications.models import ChannelPreference, Delivery, LocalMessage, PhoneVerification
from notifications.public import notify
from tests.notifications.conftest import verify_phone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet_hours_off(settings):
    settings.NOTIFY_QUIET_HOURS = (0, 0)


@pytest.fixture
def portal(apex, django_capture_on_commit_callbacks):
    class Committing:
        def __init__(self, client):
            self.client = client

        def get(self, *a, **k):
            with django_capture_on_commit_callbacks(execute=True):
                return self.client.get(*a, **k)

        def post(self, *a, **k):
            with django_capture_on_commit_callbacks(execute=True):
                return self.client.post(*a, **k)

    return lambda user=None: Committing(apex(user))


def code_sent_to(phone: str) -> str:
    sms = LocalMessage.objects.filter(address=phone, channel="sms").latest("created_at")
    return re.search(r"인증번호 (\d{6})", sms.body).group(1)


def test_settings_page_needs_log_in(apex):
    response = apex().get("/portal/my/settings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert apex().post("/portal/my/settings/", {"action": "phone"}).status_code == 302


def test_phone_verification_flow_and_its_refusals(world, portal):
    client = portal(world.resident)
    # a malformed number: a Korean error next to the field, nothing sent
    response = client.post("/portal/my/settings/", {"action": "phone", "phone": "123"})
    assert response.status_code == 400 and "010-1234-5678 형식" in response.content.decode()
    assert not PhoneVerification.objects.filter(user=world.resident).exists()
    assert (
        client.post(
            "/portal/my/settings/", {"action": "phone", "phone": "010-5555-6666"}
        ).status_code
        == 302
    )
    # asking again at once is refused
    response = client.post("/portal/my/settings/", {"action": "phone", "phone": "010-5555-6666"})
    assert response.status_code == 400 and "1분 뒤" in response.content.decode()
    assert PhoneVerification.objects.filter(user=world.resident).count() == 1
    code = code_sent_to("010-5555-6666")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/portal/my/settings/", {"action": "code", "code": wrong})
    assert response.status_code == 400 and "맞지 않습니다" in response.content.decode()
    assert not ChannelPreference.objects.filter(
        user=world.resident, phone_verified_at__isnull=False
    ).exists()
    assert client.post("/portal/my/settings/", {"action": "code", "code": code}).status_code == 302
    pref = ChannelPreference.objects.get(user=world.resident)
    assert pref.verified_phone == "010-5555-6666"
    # the code is single-use
    response = client.post("/portal/my/settings/", {"action": "code", "code": code})
    assert response.status_code == 400


def test_code_expires_and_attempts_are_limited(world, portal):
    client = portal(world.resident)
    client.post("/portal/my/settings/", {"action": "phone", "phone": "010-5555-7777"})
    code = code_sent_to("010-5555-7777")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/portal/my/settings/", {"action": "code", "code": wrong})
    response = client.post("/portal/my/settings/", {"action": "code", "code": code})
    assert response.status_code == 400 and "너무 많이 틀렸습니다" in response.content.decode()
    PhoneVerification.objects.filter(user=world.resident).update(
        created_at=timezone.now() - dt.timedelta(minutes=2)
    )
    client.post("/portal/my/settings/", {"action": "phone", "phone": "010-5555-7777"})
    PhoneVerification.objects.filter(user=world.resident, attempts=0).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    code = code_sent_to("010-5555-7777")
    response = client.post("/portal/my/settings/", {"action": "code", "code": code})
    assert response.status_code == 400 and "만료" in response.content.decode()
    assert not ChannelPreference.objects.filter(
        user=world.resident, phone_verified_at__isnull=False
    ).exists()


def test_text_channels_need_a_verified_phone_and_one_channel_is_required(world, portal):
    client = portal(world.resident)
    response = client.post("/portal/my/settings/", {"action": "channels", "alimtalk": "on"})
    assert response.status_code == 400 and "인증한 뒤에" in response.content.decode()
    verify_phone(world.resident, "010-1212-3434")
    response = client.post("/portal/my/settings/", {"action": "channels"})
    assert response.status_code == 400 and "하나 이상" in response.content.decode()
    assert (
        client.post("/portal/my/settings/", {"action": "channels", "sms": "on"}).status_code == 302
    )
    pref = ChannelPreference.objects.get(user=world.resident)
    assert (pref.email, pref.alimtalk, pref.sms) == (False, False, True)
    n = notify(event="booking_approved", recipient=world.resident, context={"facility": "강당"})
    assert [d.channel for d in n.deliveries.all()] == ["sms"]
    # forgetting the number turns text off, e-mail back on
    assert client.post("/portal/my/settings/", {"action": "forget_phone"}).status_code == 302
    pref.refresh_from_db()
    assert (pref.email, pref.sms, pref.verified_phone) == (True, False, "")


def test_birth_date_and_address_are_saved_and_checked(world, portal):
    client = portal(world.resident)
    response = client.post(
        "/portal/my/settings/", {"action": "facts", "birth_date": "2999-01-01", "address": "x"}
    )
    assert response.status_code == 400
    world.resident.refresh_from_db()
    assert world.resident.birth_date is None
    assert (
        client.post(
            "/portal/my/settings/",
            {"action": "facts", "birth_date": "1955-03-02", "address": "가나시 중앙로 10"},
        ).status_code
        == 302
    )
    world.resident.refresh_from_db()
    assert world.resident.birth_date == dt.date(1955, 3, 2)
    assert world.resident.address == "가나시 중앙로 10"


def test_the_person_reads_their_own_messages_only(world, portal):
    notify(
        event="booking_rejected",
        recipient=world.resident,
        context={"facility": "대강당", "reason": "정기 점검"},
        institution=world.inst_a,
    )
    notify(event="booking_rejected", recipient=world.resident2, context={"facility": "비밀실"})
    page = portal(world.resident).get("/portal/my/notifications/").content.decode()
    assert "대관 반려" in page and "정기 점검" in page and "비밀실" not in page
    assert portal().get("/portal/my/notifications/").status_code == 302


def test_staff_outbox_shows_failed_channels_and_retries_them(world, portal, on_host):
    verify_phone(world.resident, "010-9999-0000", email=False, alimtalk=False, sms=True)
    n = notify(
        event="booking_approved",
        recipient=world.resident,
        context={"facility": "대강당", "number": "FB-1"},
        institution=world.inst_a,
    )
    from notifications import services

    (delivery,) = n.deliveries.all()
    assert services.send_delivery(delivery.pk) == "failed"
    url = "/notifications/outbox/"
    manager = on_host(world.inst_a, world.manager_a)
    page = manager.get(url + "?status=failed").content.decode()
    assert "실패" in page and "수신할 수 없는 번호" in page and "010-****-0000" in page
    assert "010-9999-0000" not in page  # masked for staff
    # access: anonymous → log-in, plain staff → 403 (told who may), resident and other
    # institution → 404
    assert on_host(world.inst_a).get(url).status_code == 302
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404
    refused = on_host(world.inst_a, world.staff_a).get(url)
    assert refused.status_code == 403
    assert "기관 관리자와 시설 담당자만" in refused.content.decode()
    assert on_host(world.inst_a, world.manager_b).get(url).status_code == 404
    assert on_host(world.inst_a, world.admin_a).get(url).status_code == 200
    # B's staff do not see A's messages on their own host
    assert "대강당" not in on_host(world.inst_b, world.admin_b).get(url).content.decode()
    # retry: only this institution's managers
    retry = f"/notifications/outbox/{delivery.pk}/retry/"
    assert on_host(world.inst_b, world.admin_b).post(retry).status_code == 404
    assert on_host(world.inst_a, world.staff_a).post(retry).status_code == 403
    assert manager.post(retry).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 0
    assert manager.post("/notifications/outbox/999999/retry/").status_code == 404


def test_developers_outbox(world, apex, settings):
    notify(event="booking_requested", recipient=world.resident, context={"facility": "강당"})
    settings.DEBUG = False
    assert apex().get("/dev/outbox/").status_code == 302
    assert apex(world.resident).get("/dev/outbox/").status_code == 404
    page = apex(world.operator).get("/dev/outbox/")
    assert page.status_code == 200 and "resident@test.kr" in page.content.decode()
    settings.DEBUG = True
    assert apex(world.resident).get("/dev/outbox/").status_code == 200
    assert Delivery.objects.filter(notification__recipient=world.resident).exists()


def test_staff_booking_page_lists_only_this_institutions_messages(world, on_host):
    from django_tenants.utils import schema_context

    from facility_booking import services as fb
    from tests.facility_booking.conftest import make_facility, request_kwargs

    with schema_context(world.inst_a.schema_name):
        facility = make_facility()
        r = fb.reservation_request(**request_kwargs(facility, world.resident))
    ref = f"facility_booking.reservation:{r.pk}"
    notify(
        event="booking_rejected",
        recipient=world.resident2,
        context={"facility": "B의 비밀 체육관"},
        institution=world.inst_b,
        ref=ref,  # the same id in another institution
    )
    page = on_host(world.inst_a, world.manager_a).get(f"/facilities/manage/bookings/{r.pk}/")
    text = page.content.decode()
    assert "대관 신청 접수" in text and "대관 반려" not in text
