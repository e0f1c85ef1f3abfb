"""One identity for every person, and their roles per institution."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on the platform: resident, staff member or operator.

    ``is_superuser`` marks the platform operator. A person's role inside an
    institution lives in ``Membership``; without one they are a resident.
    """

    email = models.EmailField(_("이메일"), unique=True)
    name = models.CharField(_("이름"), max_length=60)
    phone = models.CharField(_("연락처"), max_length=30, blank=True)
    is_active = models.BooleanField(_("활성"), default=True)
    is_staff = models.BooleanField(_("관리 사이트 접근"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    preferred_language = models.CharField(max_length=8, default="ko")
    # For age-based 감면 (65세 이상) and residency-based ones (관내 거주): what the
    # person declares in their profile; staff still check the proof.
    birth_date = models.DateField(_("생년월일"), null=True, blank=True)
    address = models.CharField(_("거주지 주소"), max_length=200, blank=True)
    # Raised to end every session of the person at once ("sign out everywhere").
    session_version = models.PositiveIntegerField(default=0)
    # 휴면 notice sent (30 days before destruction); cleared by the next sign-in.
    dormant_notified_at = models.DateTimeField(null=True, blank=True)
    # Set when the person left (회원탈퇴): the row stays as a pseudonymous reference.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email

    @property
    def is_platform_operator(self) -> bool:
        return self.is_active and self.is_superuser

    def _get_session_auth_hash(self, secret=None):
        # Sessions carry this hash; raising session_version ends all of them, as a
        # password change does. Unchanged (0) it is Django's own hash.
        from django.utils.crypto import salted_hmac

        value = (
            self.password if not self.session_version else f"{self.password}:{self.session_version}"
        )
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Role(models.TextChoices):
    INSTITUTION_ADMIN = "institution_admin", _("기관 관리자")
    FACILITY_MANAGER = "facility_manager", _("시설 담당자")
    STAFF = "staff", _("직원")


class Membership(models.Model):
    """A person's role in one institution. Deactivated, never deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    institution = models.ForeignKey(
        "tenants.Institution", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("역할"), max_length=30, choices=Role.choices, default=Role.STAFF)
    is_active = models.BooleanField(_("활성"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution__name", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution.slug} ({self.role})"


class TOTPDevice(models.Model):
    """A person's authenticator app (TOTP, RFC 6238). Confirmed once a first code matched."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step accepted: a code is never accepted twice.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP of {self.user_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """One-time codes for when the authenticator is lost. Only a hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}"


class UserSession(models.Model):
    """A signed-in browser: listed in 내 정보 → 로그인 기기, ended one by one or all at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    host = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The digest of the browser's id (accounts/browser.py): the sessions of one browser on
    # every host, ended together by one sign-out.
    browser = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"session of {self.user_id} on {self.host}"
