"""Envelopes (public schema): what one institution sent to another, and where it stands.

An envelope is written in the sender's transaction with the receiver, a payload (the
document as sent) and the hashes of its files, kept under ``relay_storage`` outside every
institution's folder. The receiver's copy is made by a task in the receiver's schema,
idempotent by the envelope's id. The sender reads only its envelopes' state and times;
the receiver writes only the state (도달 → 접수, or 반송 with the reason).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def relay_storage() -> FileSystemStorage:
    """MEDIA_ROOT/public/private/exchange: never served (private/, and not an
    institution's folder); read only by the delivering task and the e-mail task."""
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "public" / "private" / "exchange")


class EnvelopeState(models.TextChoices):
    SENT = "sent", _("발송")
    DELIVERED = "delivered", _("도달")
    RECEIVED = "received", _("접수")
    RETURNED = "returned", _("반송")
    FAILED = "failed", _("전달 실패")


# state → the states it may move to (the receiver's 접수/반송, the task's 도달/실패)
ENVELOPE_MOVES: dict[str, frozenset[str]] = {
    EnvelopeState.SENT: frozenset({EnvelopeState.DELIVERED, EnvelopeState.FAILED}),
    EnvelopeState.FAILED: frozenset({EnvelopeState.DELIVERED, EnvelopeState.SENT}),
    EnvelopeState.DELIVERED: frozenset({EnvelopeState.RECEIVED, EnvelopeState.RETURNED}),
    EnvelopeState.RECEIVED: frozenset(),
    EnvelopeState.RETURNED: frozenset(),
}


class Envelope(models.Model):
    class Channel(models.TextChoices):
        CLOUD = "cloud", _("클라우드 기관")
        EMAIL = "email", _("전자우편")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sender = models.ForeignKey("tenants.Institution", on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey(
        "tenants.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(_("수신자"), max_length=100)
    email = models.EmailField(_("전자우편"), blank=True)
    document_id = models.PositiveBigIntegerField()  # in the sender's schema
    document_number = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    # a reply: the envelope that brought the document it answers (to the replier)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("상태"), max_length=12, choices=EnvelopeState.choices, default=EnvelopeState.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_by_name = models.CharField(max_length=60, blank=True)
    sent_at = models.DateTimeField(_("발송"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("도달"), null=True, blank=True)
    received_at = models.DateTimeField(_("접수"), null=True, blank=True)
    returned_at = models.DateTimeField(_("반송"), null=True, blank=True)
    return_reason = models.CharField(_("반송 사유"), max_length=500, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "recipient_name"]
        indexes = [
            models.Index(fields=["sender", "document_id"], name="relay_env_sender_doc"),
            models.Index(fields=["receiver", "state"], name="relay_env_receiver_state"),
            models.Index(fields=["state", "sent_at"], name="relay_env_state_sent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in EnvelopeState]), name="relay_env_state"
            ),
            models.CheckConstraint(
                condition=(Q(channel="cloud") & Q(receiver__isnull=False))
                | (Q(channel="email") & Q(receiver__isnull=True) & ~Q(email="")),
                name="relay_env_channel_target",
            ),
            models.CheckConstraint(
                condition=~Q(sender=models.F("receiver")), name="relay_env_not_to_self"
            ),
            models.UniqueConstraint(
                fields=["sender", "document_id", "receiver"],
                condition=Q(channel="cloud"),
                name="relay_env_once_per_receiver",
            ),
            models.UniqueConstraint(
                fields=["sender", "document_id", "email"],
                condition=Q(channel="email"),
                name="relay_env_once_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} → {self.recipient_name} ({self.state})"

    def move(self, target: str) -> str:
        """Change the state (not saved) as ENVELOPE_MOVES allows; ValueError otherwise.
        Precondition: the caller holds the envelope's row lock."""
        if target not in ENVELOPE_MOVES.get(self.state, frozenset()):
            raise ValueError(f"envelope {self.pk}: {self.state} → {target} not allowed")
        old, self.state = self.state, target
        return old
