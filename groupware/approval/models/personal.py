"""What belongs to one person: saved lines and in-app notices."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FavouriteLine(models.Model):
    """A drafter's saved approval line: [{"user": id, "role": ..., "order": n}], cc ids."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    name = models.CharField(_("이름"), max_length=60)
    steps = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="approval_favourite_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app notice (알림): generic enough for any groupware app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="approval_notice_unread")]

    def __str__(self) -> str:
        return self.title
