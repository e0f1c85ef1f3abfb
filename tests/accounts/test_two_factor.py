"""Two-factor sign-in (TOTP + recovery codes): required for operators on the console and
institution admins on their staff pages, optional for everyone else, asked at sign-in
once enrolled, carried across the sign-in hop."""

import re
from urllib.parse import urlencode

import pyotp
from django.test import Client

from accounts import mfa
from accounts.models import RecoveryCode, TOTPDevice
from tests.factories import PASSWORD


def raw_client(host: str, user=None) -> Client:
    """A client whose session has NOT passed the second factor (unlike conftest's)."""
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


def enrol(user) -> tuple[str, list[str]]:
    device = mfa.device_start(user=user)
    codes = mfa.device_confirm(device=device, code=pyotp.TOTP(device.secret).now())
    return device.secret, codes


def test_operator_cannot_reach_the_console_without_a_second_factor(world):
    client = raw_client("localhost", world.operator)
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/setup/?next=/console/")
    assert client.get("/console/privacy/").status_code == 302
    api = client.get("/api/institutions/", HTTP_ACCEPT="application/json")
    assert api.status_code == 403 and api.json()["error"]["code"] == "two_factor_required"


def test_enrolment_with_qr_then_the_console_opens(world):
    client = raw_client("localhost", world.operator)
    page = client.get("/accounts/2fa/setup/?next=/console/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', body).group(1)
    wrong = client.post("/accounts/2fa/setup/", {"code": "000000", "next": "/console/"})
    assert wrong.status_code == 400 and "인증 코드가 맞지 않습니다" in wrong.content.decode()
    assert not TOTPDevice.objects.get(user=world.operator).is_confirmed
    done = client.post(
        "/accounts/2fa/setup/", {"code": pyotp.TOTP(secret).now(), "next": "/console/"}
    )
    assert done.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.content.decode())
    assert len(codes) == 10 and RecoveryCode.objects.filter(user=world.operator).count() == 10
    assert client.get("/console/").status_code == 200


def test_sign_in_asks_for_the_code_once_enrolled(world):
    secret, _codes = enrol(world.resident)
    client = raw_client("localhost")
    response = client.post(
        "/accounts/login/",
        {"email": "resident@test.kr", "password": PASSWORD, "next": "/portal/search/"},
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/verify/")
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    bad = client.post("/accounts/2fa/verify/", {"code": "123456"})
    assert bad.status_code == 400 and "_auth_user_id" not in client.session
    device = TOTPDevice.objects.get(user=world.resident)
    code = pyotp.TOTP(secret).generate_otp(device.last_step + 1)
    ok = client.post("/accounts/2fa/verify/", {"code": code})
    assert ok.status_code == 302 and ok["Location"] == "/portal/search/"
    assert client.session["_auth_user_id"] == str(world.resident.pk)
    assert client.session[mfa.SESSION_KEY]


def test_a_code_is_accepted_once(world):
    secret, _codes = enrol(world.resident2)
    device = TOTPDevice.objects.get(user=world.resident2)
    totp = pyotp.TOTP(secret)
    code = totp.generate_otp(device.last_step + 1)
    assert mfa.verify(user=world.resident2, code=code) == "totp"
    assert mfa.verify(user=world.resident2, code=code) is None


def test_recovery_codes_work_once_each(world):
    _secret, codes = enrol(world.resident)
    assert mfa.verify(user=world.resident, code=codes[0].upper()) == "recovery"
    assert mfa.verify(user=world.resident, code=codes[0]) is None
    assert mfa.recovery_codes_left(world.resident) == 9


def test_admin_needs_it_on_staff_pages_but_plain_staff_do_not(world):
    admin = raw_client(world.inst_a.primary_host, world.admin_a)
    for path in ("/manage/members/", "/staff/", "/manage/privacy/"):
        response = admin.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/setup/")
    # The public pages of the institution stay open to the admin as a visitor.
    assert admin.get("/facilities/").status_code == 200
    staff = raw_client(world.inst_a.primary_host, world.staff_a)
    assert staff.get("/staff/").status_code == 200
    # An admin of institution A is a visitor on B's host: nothing to enforce there.
    assert (
        raw_client(world.inst_b.primary_host, world.admin_a).get("/facilities/").status_code == 200
    )


def test_enrolled_admin_is_asked_for_the_code_not_the_setup(world):
    enrol(world.admin_a)
    admin = raw_client(world.inst_a.primary_host, world.admin_a)
    response = admin.get("/manage/members/")
    assert response["Location"].startswith("/accounts/2fa/verify/?next=/manage/members/")


def test_the_sign_in_hop_carries_the_second_factor(world):
    secret, _ = enrol(world.admin_a)
    apex = raw_client("localhost", world.admin_a)
    session = apex.session
    session[mfa.SESSION_KEY] = 1
    session.save()
    host = world.inst_a.primary_host
    return_url = f"http://{host}/accounts/sso/accept/"
    hop = apex.get(
        "/accounts/sso/?" + urlencode({"return": return_url, "next": "/manage/members/"})
    )
    assert hop.status_code == 302
    ticket_url = hop["Location"].split(host, 1)[1]
    inst = Client(HTTP_HOST=host)
    accepted = inst.get(ticket_url)
    assert accepted.status_code == 302
    assert inst.get("/manage/members/").status_code == 200
    del secret


def test_admins_cannot_turn_it_off_residents_can(world, apex):
    enrol(world.admin_a)
    admin = raw_client("localhost", world.admin_a)
    response = admin.get("/accounts/2fa/disable/")
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=world.admin_a).exists()
    enrol(world.resident)
    client = apex(world.resident)
    wrong = client.post("/accounts/2fa/disable/", {"password": "nope"})
    assert wrong.status_code == 400 and TOTPDevice.objects.filter(user=world.resident).exists()
    ok = client.post("/accounts/2fa/disable/", {"password": PASSWORD})
    assert ok.status_code == 302 and not TOTPDevice.objects.filter(user=world.resident).exists()


def test_guessing_codes_is_throttled(world, settings):
    secret, _ = enrol(world.resident)
    client = raw_client("localhost")
    client.post("/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD})
    statuses = [
        client.post("/accounts/2fa/verify/", {"code": "000000"}).status_code for _ in range(6)
    ]
    assert statuses[-1] == 429
    device = TOTPDevice.objects.get(user=world.resident)
    good = pyotp.TOTP(secret).generate_otp(device.last_step + 1)
    locked = client.post("/accounts/2fa/verify/", {"code": good})
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_security_page_needs_sign_in(world, apex):
    assert apex().get("/accounts/security/").status_code == 302
    page = apex(world.resident).get("/accounts/security/").content.decode()
    assert "2단계 인증" in page and "로그인한 기기" in page


def test_a_password_alone_cannot_make_an_api_token_for_an_admin(world):
    admin = raw_client("localhost", world.admin_a)
    page = admin.get("/accounts/tokens/new/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/2fa/setup/")
    api = admin.post("/api/tokens/", {"name": "x"}, content_type="application/json")
    assert api.status_code == 403 and api.json()["error"]["code"] == "two_factor_required"
    # A resident without two-factor makes tokens as before.
    assert raw_client("localhost", world.resident).get("/accounts/tokens/new/").status_code == 200
