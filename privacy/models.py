"""Personal-data records. The tables exist in the public schema (the platform as
개인정보처리자) and in every institution schema (each institution as one).

None of these rows holds a person's name, e-mail or phone: people are referenced by
id only, so deleting an account (privacy.erasure) never has to rewrite them — which
keeps the access-record hash chain intact.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """One published version of the 개인정보 처리방침. Never edited: a change is a new version."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(_("제목"), max_length=120)
    body = models.TextField(_("본문"))
    summary = models.CharField(_("변경 요약"), max_length=300, blank=True)
    effective_on = models.DateField(_("시행일"))
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.title}"


class Consent(models.Model):
    """What a person agreed to (or declined), at which wording version, when and from where.

    ``items``/``purpose``/``retention`` keep the wording shown, so the record proves
    what was agreed even after the wording changes.
    """

    user_id = models.BigIntegerField(db_index=True)
    key = models.CharField(max_length=60)
    version = models.CharField(max_length=20)
    required = models.BooleanField(default=False)
    granted = models.BooleanField(default=True)
    items = models.CharField(max_length=300)
    purpose = models.CharField(max_length=300)
    retention = models.CharField(max_length=200)
    context = models.CharField(max_length=60, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user_id", "key"], name="privacy_consent_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}@{self.version} {'Y' if self.granted else 'N'}"


class AccessRecord(models.Model):
    """접속기록: a staff member (or operator) viewed, searched, exported or downloaded
    personal data. Append-only (a database trigger refuses UPDATE, and DELETE before
    the retention period), chained by ``hash`` so any change shows."""

    class Action(models.TextChoices):
        VIEW = "view", _("열람")
        SEARCH = "search", _("검색")
        EXPORT = "export", _("내보내기")
        DOWNLOAD = "download", _("다운로드")
        UNMASK = "unmask", _("마스킹 해제")
        EDIT = "edit", _("수정")

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    target = models.CharField(max_length=120)
    subject_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    purpose = models.CharField(max_length=120)
    path = models.CharField(max_length=300, blank=True)
    row_count = models.PositiveIntegerField(default=1)
    flagged = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target}"


class RetentionSetting(models.Model):
    """How long one kind of personal data is kept here, in days (defaults in the registry)."""

    kind = models.CharField(max_length=60, unique=True)
    days = models.PositiveIntegerField()
    updated_by_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.kind}: {self.days}d"


class DestructionRecord(models.Model):
    """파기 기록: what kind of data, how many rows, when, how — never the content."""

    class Method(models.TextChoices):
        DELETE = "delete", _("삭제")
        PSEUDONYMISE = "pseudonymise", _("가명 처리")

    kind = models.CharField(max_length=60)
    label = models.CharField(max_length=120)
    count = models.PositiveIntegerField()
    method = models.CharField(max_length=15, choices=Method.choices)
    cutoff = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200)
    run_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} ×{self.count}"
