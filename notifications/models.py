"""Notifications, in the public schema.

Why public: a person is one identity across the platform, so their channel
choices and verified phone number hold everywhere; one outbox lets one worker
drain every institution's messages without looping over schemas. Each
notification carries the institution it concerns, so an institution's staff
see (only) their own.

The outbox is transactional: ``notify()`` writes the notification and one
delivery per channel inside the caller's transaction (a rolled-back booking
sends nothing) and queues the sending on commit. A delivery is claimed with a
lease, sent with its own idempotency key and marked sent; a worker that dies
mid-send leaves the lease to run out and the next worker asks the provider
whether that key was already accepted before sending again.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChannelPreference(models.Model):
    """How a person wants to be told, and their verified phone number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("이메일"), default=True)
    alimtalk = models.BooleanField(_("카카오 알림톡 (실패하면 문자)"), default=True)
    sms = models.BooleanField(_("문자 메시지(SMS)"), default=False)
    # Text messages go only to a number proven by a code sent to it.
    phone = models.CharField(_("인증된 휴대전화"), max_length=20, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preference of {self.user_id}"

    @property
    def verified_phone(self) -> str:
        return self.phone if self.phone_verified_at else ""


class PhoneVerification(models.Model):
    """One code sent to a number. The code itself is never stored, only its HMAC."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_verifications"
    )
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"verification of {self.phone}"


class Channel(models.TextChoices):
    EMAIL = "email", _("이메일")
    ALIMTALK = "alimtalk", _("카카오 알림톡")
    SMS = "sms", _("문자")


TEXT_CHANNELS = (Channel.ALIMTALK, Channel.SMS)


class Notification(models.Model):
    """One event told to one person (or one address without an account)."""

    event = models.CharField(max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    to_name = models.CharField(max_length=100, blank=True)
    institution = models.ForeignKey(
        "tenants.Institution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    # What the event is about, "<app>.<model>:<pk>" (staff see a booking's messages).
    ref = models.CharField(max_length=120, blank=True, db_index=True)
    context = models.JSONField(default=dict, blank=True)
    # The same key twice (a retried caller) creates one notification.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["institution", "-created_at"], name="notif_inst_created"),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id or self.to_name}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("대기")
    SENDING = "sending", _("보내는 중")
    SENT = "sent", _("보냄")
    FAILED = "failed", _("실패")
    CANCELLED = "cancelled", _("취소")


def new_key() -> str:
    return uuid.uuid4().hex


class Delivery(models.Model):
    """One channel of a notification: the outbox row a worker sends exactly once."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = models.CharField(max_length=254)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # Not before this time: quiet hours (21:00–08:00) or a retry's back-off.
    not_before = models.DateTimeField(db_index=True)
    # A worker that claimed the row owns it until then (then it counts as dead).
    lease_until = models.DateTimeField(null=True, blank=True)
    # Sent to the provider with the message: the provider keeps one message per key.
    key = models.CharField(max_length=64, unique=True, default=new_key)
    provider = models.CharField(max_length=30, blank=True)
    provider_message_id = models.CharField(max_length=120, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    held_for_quiet_hours = models.BooleanField(default=False)
    fallback_for = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallback"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notif_delivery_one_per_channel"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "alimtalk", "sms"]), name="notif_delivery_channel"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "cancelled"]),
                name="notif_delivery_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notif_delivery_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "not_before"], name="notif_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} {self.status}"

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)


class LocalMessage(models.Model):
    """What the local provider "sent": the developers' and testers' phone and mailbox.

    One row per idempotency key, so a resend of the same delivery is no second message.
    """

    key = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = models.CharField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    template_code = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"


def mask_address(value: str) -> str:
    """010-****-5678 for phones, h***@example.kr for e-mail (screens show no more)."""
    if not value:
        return ""
    if "@" in value:
        local, _at, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) >= 10:
        return f"{digits[:3]}-****-{digits[-4:]}"
    return "****" + digits[-2:]
