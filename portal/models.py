"""The portal's search index, in the public schema.

Each institution publishes what residents may find (facilities, public
notices) and each person's own items (their bookings). The portal reads only
this table — never a UNION over institution schemas — so it stays fast with
many institutions and keeps working when schemas move to other nodes.
"""

from django.conf import settings
from django.db import models


class PortalEntry(models.Model):
    institution = models.ForeignKey(
        "tenants.Institution", on_delete=models.CASCADE, related_name="portal_entries"
    )
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Set for personal items (a person's booking): only that person sees them.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="portal_entries",
    )
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind", "key"], name="portal_entry_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "-updated_at"], name="portal_entry_kind_idx"),
            models.Index(fields=["owner", "kind"], name="portal_entry_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.title}"
