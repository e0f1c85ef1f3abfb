"""Sign-up, log-in, log-out, password reset and profile: pages in Korean, bad input stores nothing."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import User
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_signup_creates_a_resident_and_logs_in(world, apex):
    client = apex()
    response = client.post(
        "/accounts/signup/",
        {
            "name": "새주민",
            "email": "New@Resident.kr",
            "password1": "hanbit-2026!",
            "password2": "hanbit-2026!",
            "consent_signup_required": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@resident.kr")
    assert not user.memberships.exists()
    assert client.get("/accounts/profile/").status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "resident@test.kr"}, "email", "이미 가입된 이메일"),
        ({"password2": "different-pass"}, "password2", "비밀번호가 일치하지 않습니다"),
        ({"email": "not-an-email"}, "email", "유효한 이메일"),
        ({"password1": "1234", "password2": "1234"}, "password1", "너무 짧"),
    ],
)
def test_signup_errors_show_next_to_the_field_and_store_nothing(world, apex, data, field, message):
    before = User.objects.count()
    payload = {
        "name": "주민",
        "email": "x@y.kr",
        "password1": "hanbit-2026!",
        "password2": "hanbit-2026!",
        "consent_signup_required": "on",
        **data,
    }
    response = apex().post("/accounts/signup/", payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert User.objects.count() == before


def test_login_with_email_case_insensitive(world, apex):
    client = apex()
    response = client.post(
        "/accounts/login/",
        {"email": "RESIDENT@test.kr", "password": PASSWORD, "next": "/portal/search/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/portal/search/"


def test_login_refuses_wrong_password_in_korean(world, apex):
    response = apex().post("/accounts/login/", {"email": "resident@test.kr", "password": "wrong"})
    assert response.status_code == 400
    assert "이메일 또는 비밀번호가 올바르지 않습니다" in response.content.decode()


def test_login_refuses_external_next(world, apex):
    response = apex().post(
        "/accounts/login/",
        {"email": "resident@test.kr", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_login_is_rate_limited(world, apex, settings):
    """After the limit of failures the account is locked — even the right password —
    with the time to wait (tests/accounts/test_throttle.py covers hosts and IPs)."""
    settings.LOGIN_RATE_LIMIT = 3
    client = apex()
    for _ in range(3):
        client.post("/accounts/login/", {"email": "resident@test.kr", "password": "wrong"})
    response = client.post("/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD})
    assert response.status_code == 429
    assert "로그인 시도가 너무 많아" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(world, apex):
    client = apex(world.resident)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def _reset_mail_through_the_outbox(client, capture, address: str):
    """Ask for a reset; the mail is an outbox row (no link stored absolute), not sent in the
    request; the worker path (the task queued on commit) sends it. Returns the sent mail."""
    from notifications.models import Delivery, DeliveryStatus

    with capture() as callbacks:
        response = client.post("/accounts/password-reset/", {"email": address})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent inside the request
    delivery = Delivery.objects.get(address=address, notification__event="email")
    assert delivery.status == DeliveryStatus.PENDING
    assert "[[suite-link:" in delivery.body and "://" not in delivery.body
    assert callbacks  # the send waits for the commit
    for callback in callbacks:
        callback()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [address]
    assert mail.outbox[0].extra_headers["Message-ID"] == delivery.provider_message_id
    assert "비밀번호 재설정" in mail.outbox[0].subject
    return mail.outbox[0]


def test_password_reset_mail_goes_through_the_outbox_with_the_hosts_link(
    world, on_host, django_capture_on_commit_callbacks
):
    from tenants.models import host_url

    sent = _reset_mail_through_the_outbox(
        on_host(world.inst_a), django_capture_on_commit_callbacks, "resident@test.kr"
    )
    link = re.search(r"https?://\S+", sent.body).group(0)
    assert link.startswith(host_url(world.inst_a.primary_host, "/accounts/password-reset/"))


def test_password_reset_mails_a_working_link(world, apex, django_capture_on_commit_callbacks):
    client = apex()
    sent = _reset_mail_through_the_outbox(
        client, django_capture_on_commit_callbacks, "resident2@test.kr"
    )
    link = re.search(r"http://\S+", sent.body).group(0)
    path = link.split("localhost", 1)[1].lstrip(":0123456789") if "localhost" in link else link
    path = "/" + path.split("/", 1)[1] if not path.startswith("/") else path
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand-new-pass-9", "new_password2": "brand-new-pass-9"}
    )
    assert response.status_code == 302
    world.resident2.refresh_from_db()
    assert world.resident2.check_password("brand-new-pass-9")


def test_password_reset_for_unknown_email_reveals_nothing(world, apex):
    from notifications.models import Delivery

    response = apex().post("/accounts/password-reset/", {"email": "nobody@test.kr"})
    assert response.status_code == 302
    assert mail.outbox == []
    assert not Delivery.objects.filter(address="nobody@test.kr").exists()


def test_profile_edit(world, apex):
    client = apex(world.resident)
    response = client.post(
        "/accounts/profile/",
        {"name": "주민이름바꿈", "phone": "010-9999-0000", "preferred_language": "ko"},
    )
    assert response.status_code == 400  # a phone needs its consent
    assert "연락처를 저장하려면" in response.content.decode()
    world.resident.refresh_from_db()
    assert world.resident.name != "주민이름바꿈"
    response = client.post(
        "/accounts/profile/",
        {
            "name": "주민이름바꿈",
            "phone": "010-9999-0000",
            "preferred_language": "ko",
            "consent_profile_phone": "on",
        },
    )
    assert response.status_code == 302
    world.resident.refresh_from_db()
    assert world.resident.name == "주민이름바꿈" and world.resident.phone == "010-9999-0000"
    from privacy.consents import PHONE_KEYS, has_consent

    assert has_consent(world.resident.pk, *PHONE_KEYS)
    # The consent box is gone once given; emptying the phone withdraws it.
    assert "consent_profile_phone" not in client.get("/accounts/profile/").content.decode()
    client.post(
        "/accounts/profile/", {"name": "주민이름바꿈", "phone": "", "preferred_language": "ko"}
    )
    assert not has_consent(world.resident.pk, *PHONE_KEYS)


def test_profile_lists_memberships_only_of_that_person(world, apex):
    body = apex(world.staff_a).get("/accounts/profile/").content.decode()
    assert world.inst_a.name in body
    assert world.inst_b.name not in body
