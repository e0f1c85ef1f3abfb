"""API tokens and conventions live in the public schema."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal access token: the person's own rights, on the hosts it may be used on.

    Only the SHA-256 of the secret is stored; the secret is shown once at creation.
    Tokens are revoked, never deleted, so the list keeps who had access and when.
    ``institution`` set means the token works on that institution's host only.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("이름"), max_length=60)
    # The public part of the token ("acs_<prefix>_…"): shown in lists, used for the lookup.
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    institution = models.ForeignKey(
        "tenants.Institution",
        verbose_name=_("사용 기관"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)
    expires_at = models.DateTimeField(_("만료"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("마지막 사용"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("폐기한 때"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_active")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="apitoken_revoked_after_created",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("created_at")),
                name="apitoken_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…)"

    @property
    def display_prefix(self) -> str:
        return f"acs_{self.prefix}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with ``Idempotency-Key``, kept for a day.

    One row per person and key (public schema, whatever the host): a retry of the same
    request gets this answer again instead of doing the work twice; the same key with a
    different request is refused (422). Written in the same transaction as the write it
    answers, so the two commit together or not at all. See api/idempotency.py.
    """

    principal = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    # SHA-256 of method, host, path with query, content type and body.
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    headers = models.JSONField(default=dict)
    body = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_principal_key")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key} → {self.status}"
