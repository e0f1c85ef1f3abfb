"""The sandbox gateway's own books (public schema: it is "another company").

One merchant per institution (its own keys, like a Toss MID each), payments in
Toss's states, cancels with transaction keys, stored idempotent responses and
the webhooks it owes the merchant.
"""

from __future__ import annotations

import secrets

from django.db import models


def token(prefix: str, size: int = 18) -> str:
    return prefix + secrets.token_urlsafe(size).replace("-", "x").replace("_", "y")


class SandboxMerchant(models.Model):
    institution = models.OneToOneField(
        "tenants.Institution", on_delete=models.CASCADE, related_name="+"
    )
    mid = models.CharField(max_length=40, unique=True)
    client_key = models.CharField(max_length=80, unique=True)
    secret_key = models.CharField(max_length=80, unique=True)
    # The 보안 키 webhooks are signed with (HMAC-SHA256, tosspayments-webhook-signature).
    webhook_secret = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.mid


class SandboxPayment(models.Model):
    class Status(models.TextChoices):
        READY = "READY"
        IN_PROGRESS = "IN_PROGRESS"
        WAITING_FOR_DEPOSIT = "WAITING_FOR_DEPOSIT"
        DONE = "DONE"
        CANCELED = "CANCELED"
        PARTIAL_CANCELED = "PARTIAL_CANCELED"
        ABORTED = "ABORTED"
        EXPIRED = "EXPIRED"

    merchant = models.ForeignKey(SandboxMerchant, on_delete=models.CASCADE, related_name="payments")
    payment_key = models.CharField(max_length=200, unique=True)
    order_id = models.CharField(max_length=64)
    order_name = models.CharField(max_length=100)
    method = models.CharField(max_length=10)  # 카드 | 가상계좌
    amount = models.PositiveIntegerField()
    balance_amount = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, default=Status.READY)
    customer_name = models.CharField(max_length=100, blank=True)
    customer_email = models.CharField(max_length=254, blank=True)
    success_url = models.CharField(max_length=500, blank=True)
    fail_url = models.CharField(max_length=500, blank=True)
    card_number = models.CharField(max_length=20, blank=True)
    approve_no = models.CharField(max_length=20, blank=True)
    va_bank_code = models.CharField(max_length=4, blank=True)
    va_account_number = models.CharField(max_length=30, blank=True)
    va_due = models.DateTimeField(null=True, blank=True)
    va_valid_hours = models.PositiveIntegerField(default=72)
    secret = models.CharField(max_length=60, blank=True)
    cash_receipt_type = models.CharField(max_length=10, blank=True)
    cash_receipt_number = models.CharField(max_length=20, blank=True)
    cash_receipt_key = models.CharField(max_length=60, blank=True)
    cash_receipt_issue_number = models.CharField(max_length=20, blank=True)
    # Set from the checkout page: the confirm call is processed, then answered with a
    # timeout (the merchant does not hear the result).
    fault = models.CharField(max_length=20, blank=True)
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "order_id"], name="pg_sandbox_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"


class SandboxCancel(models.Model):
    payment = models.ForeignKey(SandboxPayment, on_delete=models.CASCADE, related_name="cancels")
    transaction_key = models.CharField(max_length=64, unique=True)
    amount = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    refundable_after = models.PositiveIntegerField()
    refund_bank = models.CharField(max_length=4, blank=True)
    refund_account = models.CharField(max_length=30, blank=True)
    refund_holder = models.CharField(max_length=60, blank=True)
    canceled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["canceled_at", "id"]

    def __str__(self) -> str:
        return f"cancel {self.amount} {self.transaction_key}"


class SandboxIdempotency(models.Model):
    """A POST with an Idempotency-Key answers the same response again (15 days)."""

    merchant = models.ForeignKey(SandboxMerchant, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=300)
    path = models.CharField(max_length=300)
    status = models.PositiveIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "key"], name="pg_sandbox_idem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.key}"


class SandboxWebhook(models.Model):
    """A webhook the sandbox owes the merchant, delivered (and retried) over HTTP."""

    merchant = models.ForeignKey(SandboxMerchant, on_delete=models.CASCADE, related_name="webhooks")
    event_type = models.CharField(max_length=40)
    order_id = models.CharField(max_length=64, blank=True)
    body = models.TextField()
    transmission_time = models.CharField(max_length=40)
    signature = models.CharField(max_length=200)
    attempts = models.PositiveIntegerField(default=0)
    last_status = models.IntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.order_id}"
