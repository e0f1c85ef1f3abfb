"""직인 (official seal): the institution admin uploads the image; it is stamped beside the
발신명의 on outgoing 시행문 PDFs and never on internal documents. Earlier seals stay on
record (one is in use)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Seal(models.Model):
    image = models.ImageField(_("직인 이미지"), upload_to="private/approval/seal/", max_length=300)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    uploaded_by_name = models.CharField(max_length=60, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="approval_one_seal_in_use"
            ),
        ]

    def __str__(self) -> str:
        return f"직인 {self.uploaded_at:%Y-%m-%d}"
