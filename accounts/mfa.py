"""Two-factor sign-in: TOTP (authenticator app) with one-time recovery codes.

Required for institution admins (on their institution's staff pages) and platform
operators (on the console); optional for everyone else. Once a person has a confirmed
device, signing in always asks for a code. The session remembers that the second factor
was given (``SESSION_KEY``) and the sign-in hop carries it to institution hosts.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, RecoveryCode, Role, TOTPDevice

SESSION_KEY = "mfa_verified_at"
PENDING_KEY = "mfa_pending"
ISSUER = "Agency Cloud Suite"
RECOVERY_CODES = 10


def confirmed_device(user) -> TOTPDevice | None:
    if not getattr(user, "is_authenticated", False) and not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).first()


def has_two_factor(user) -> bool:
    return confirmed_device(user) is not None


def must_use_two_factor(user) -> bool:
    """Whether the person may not turn two-factor off: operators and institution admins."""
    return bool(
        user.is_superuser
        or Membership.objects.filter(
            user_id=user.pk, is_active=True, role=Role.INSTITUTION_ADMIN
        ).exists()
    )


def is_verified(request) -> bool:
    return bool(request.session.get(SESSION_KEY))


def mark_verified(request) -> None:
    request.session[SESSION_KEY] = int(timezone.now().timestamp())


# --- enrolment ------------------------------------------------------------------------


def device_start(*, user) -> TOTPDevice:
    """The unconfirmed device being set up (a fresh secret), or the confirmed one."""
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None and device.is_confirmed:
        return device
    if device is None:
        return TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.email, issuer_name=ISSUER)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (no script, no external image)."""
    out = io.BytesIO()
    segno.make(provisioning_uri(device), error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="QR"
    )
    return out.getvalue().decode()


def _normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _accept_totp(device: TOTPDevice, code: str) -> bool:
    """True once per time step for a correct code (±1 step for clock drift)."""
    code = _normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    step_now = totp.timecode(now)
    for drift in (0, -1, 1):
        step = step_now + drift
        if step <= device.last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            updated = TOTPDevice.objects.filter(pk=device.pk, last_step__lt=step).update(
                last_step=step
            )
            return bool(updated)
    return False


@transaction.atomic
def device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new device with its first code; returns fresh recovery codes, or None."""
    if device.is_confirmed or not _accept_totp(device, code):
        return None
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    device.refresh_from_db()
    return recovery_codes_regenerate(user=device.user)


def _code_hash(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"recovery:{_normalise(code)}".encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """New one-time codes (shown once); the old ones stop working."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)  # 10 hex characters, 40 bits
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_code_hash(c)) for c in codes
    )
    return codes


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def verify(*, user, code: str) -> str | None:
    """Check an authenticator code or a recovery code: "totp", "recovery" or None."""
    device = confirmed_device(user)
    if device is None:
        return None
    if _accept_totp(device, code):
        return "totp"
    used = RecoveryCode.objects.filter(
        user=user, code_hash=_code_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return "recovery" if used else None


@transaction.atomic
def device_remove(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
