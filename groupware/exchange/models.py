"""The receiving institution's own copy of an official document (접수문서), in its schema.

Made by the delivery task from an envelope (groupware.exchange.relay), at most once per
envelope (``envelope_id`` unique). The copy holds what was sent — body, form values,
attachments and the sender's PDF with its SHA-256 — and then moves through the receiving
side's steps: 접수 대기 → 접수 (a number in a department's register) → 배부 → 담당자 지정,
or 반송 with a reason. Every step is a ``ReceivedEvent``.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReceivedState(models.TextChoices):
    DELIVERED = "delivered", _("접수 대기")
    REGISTERED = "registered", _("접수")
    DISTRIBUTED = "distributed", _("배부")
    ASSIGNED = "assigned", _("담당자 지정")
    RETURNED = "returned", _("반송")


def received_path(instance, filename: str) -> str:
    base = os.path.basename(filename)[-120:] or "file"
    return f"private/exchange/received/{uuid.uuid4().hex}/{base}"


class ReceivedDocument(models.Model):
    envelope_id = models.UUIDField(unique=True)
    sender_institution_id = models.PositiveBigIntegerField()
    sender_name = models.CharField(_("발신 기관"), max_length=100)
    sender_head_title = models.CharField(_("발신명의"), max_length=100, blank=True)
    sender_department = models.CharField(_("발신 부서"), max_length=60, blank=True)
    sender_number = models.CharField(_("발신 문서번호"), max_length=80)
    sender_enforced_on = models.DateField(_("시행일"), null=True, blank=True)
    drafter_name = models.CharField(_("기안자"), max_length=60, blank=True)
    drafter_email = models.EmailField(blank=True)
    form_name = models.CharField(max_length=60, blank=True)
    form_fields = models.JSONField(default=list, blank=True)
    form_data = models.JSONField(default=dict, blank=True)
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("본문"), blank=True)
    recipients = models.CharField(_("수신"), max_length=300, blank=True)
    retention = models.CharField(_("보존기간"), max_length=20)
    disclosure = models.CharField(_("공개 구분"), max_length=10)
    disclosure_ground = models.PositiveSmallIntegerField(null=True, blank=True)
    # the sender's PDF exactly as sent, and its hash (checked on delivery)
    original_pdf = models.FileField(upload_to=received_path, max_length=300, blank=True)
    original_pdf_sha256 = models.CharField(max_length=64, blank=True)
    # the same PDF with the 접수 stamp (number and date), made at 접수
    stamped_pdf = models.FileField(upload_to=received_path, max_length=300, blank=True)
    reply_to_envelope_id = models.UUIDField(null=True, blank=True)
    state = models.CharField(
        _("상태"), max_length=12, choices=ReceivedState.choices, default=ReceivedState.DELIVERED
    )
    sent_at = models.DateTimeField(_("발송일시"))
    delivered_at = models.DateTimeField(_("도달일시"), auto_now_add=True)
    department = models.ForeignKey(
        "groupware.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("처리과"),
    )
    department_name = models.CharField(max_length=60, blank=True)
    register_entry = models.OneToOneField(
        "approval.RegisterEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(_("접수등록번호"), max_length=80, blank=True)
    registered_at = models.DateTimeField(_("접수일시"), null=True, blank=True)
    distributed_at = models.DateTimeField(_("배부일시"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        verbose_name=_("담당자"),
    )
    assignee_name = models.CharField(max_length=60, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(_("반송일시"), null=True, blank=True)
    return_reason = models.CharField(_("반송 사유"), max_length=500, blank=True)
    disposed_at = models.DateTimeField(_("폐기일시"), null=True, blank=True)

    class Meta:
        ordering = ["-delivered_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-delivered_at"], name="exchange_received_state"),
            models.Index(fields=["department", "state"], name="exchange_received_dept"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in ReceivedState]),
                name="exchange_received_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["delivered", "returned"])
                | (Q(register_entry__isnull=False) & ~Q(number="")),
                name="exchange_received_registered_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(state="assigned") | Q(assignee__isnull=False),
                name="exchange_received_assigned_has_assignee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_number} {self.title}"

    @property
    def is_disposed(self) -> bool:
        return self.disposed_at is not None


class ReceivedAttachment(models.Model):
    received = models.ForeignKey(
        ReceivedDocument, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=received_path, max_length=300, blank=True)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ReceivedEvent(models.Model):
    """One history row per step on the received copy (append-only)."""

    class Action(models.TextChoices):
        DELIVER = "deliver", _("도달")
        REGISTER = "register", _("접수")
        DISTRIBUTE = "distribute", _("배부")
        ASSIGN = "assign", _("담당자 지정")
        RETURN = "return", _("반송")
        CIRCULATE = "circulate", _("공람 지정")
        READ = "read", _("열람")
        REPLY = "reply", _("회신 기안")
        DISPOSE = "dispose", _("폐기")

    received = models.ForeignKey(ReceivedDocument, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=60, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.received_id} {self.action}"


class ReceivedReader(models.Model):
    """공람 of a received document, with when it was read."""

    received = models.ForeignKey(ReceivedDocument, on_delete=models.CASCADE, related_name="readers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    user_name = models.CharField(max_length=60, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["received", "user"], name="exchange_reader_once"),
        ]

    def __str__(self) -> str:
        return f"{self.received_id} {self.user_name}"


class ReplyLink(models.Model):
    """A reply drafted in 전자결재 to a received document (회신)."""

    received = models.ForeignKey(ReceivedDocument, on_delete=models.PROTECT, related_name="replies")
    document = models.OneToOneField(
        "approval.Document", on_delete=models.PROTECT, related_name="reply_link"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.received_id} → {self.document_id}"
