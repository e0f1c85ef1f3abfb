"""기록물 등록대장: one register per department (처리과), numbered per department per year,
for what it produced (생산) and received (접수); retention reviews and disposal decisions.

Rows are never deleted (a disposed document keeps its row); migration 0006 guards it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groupware.approval.models.documents import Disclosure, Document, Retention


class NumberCounter(models.Model):
    """The last serial of a department's register in a year (locked while issuing the next).
    ``department`` None is the institution's own register (drafters without a department)."""

    department = models.ForeignKey(
        "groupware.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"],
                name="approval_counter_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department_id or '-'} {self.year}: {self.last_serial}"


# years kept for each retention period (준영구·영구: no end)
RETENTION_YEARS = {
    Retention.Y1: 1,
    Retention.Y3: 3,
    Retention.Y5: 5,
    Retention.Y10: 10,
    Retention.Y30: 30,
}


def retention_until(retention: str, year: int) -> int | None:
    """The last year a record is kept: counted from 1 January after the year it closed."""
    years = RETENTION_YEARS.get(Retention(retention)) if retention in Retention.values else None
    return year + years if years else None


class RegisterEntry(models.Model):
    """One row of a department's 기록물 등록대장."""

    class Kind(models.TextChoices):
        PRODUCED = "produced", _("생산")
        RECEIVED = "received", _("접수")

    department = models.ForeignKey(
        "groupware.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department_name = models.CharField(_("처리과"), max_length=60)
    year = models.PositiveIntegerField(_("연도"))
    serial = models.PositiveIntegerField(_("연번"))
    number = models.CharField(_("등록번호"), max_length=80)
    kind = models.CharField(_("구분"), max_length=10, choices=Kind.choices)
    registered_on = models.DateField(_("등록일자"))
    registered_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(_("제목"), max_length=200)
    author = models.CharField(_("기안자(발신명의)"), max_length=120, blank=True)
    sender = models.CharField(_("발신 기관"), max_length=120, blank=True)
    sender_number = models.CharField(_("발신 문서번호"), max_length=80, blank=True)
    recipients = models.CharField(_("수신자"), max_length=300, blank=True)
    retention = models.CharField(_("보존기간"), max_length=20, choices=Retention.choices)
    retention_until = models.PositiveIntegerField(_("보존 만료 연도"), null=True, blank=True)
    disclosure = models.CharField(_("공개 구분"), max_length=10, choices=Disclosure.choices)
    disclosure_ground = models.PositiveSmallIntegerField(null=True, blank=True)
    attachment_count = models.PositiveSmallIntegerField(_("첨부 수"), default=0)
    document = models.OneToOneField(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="register_entry",
    )
    # a received document lives in another app (groupware.exchange): its id there
    source = models.CharField(max_length=30, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    disposed_at = models.DateTimeField(_("폐기일시"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-serial"]
        indexes = [
            models.Index(fields=["department", "year"], name="approval_register_dept_year"),
            models.Index(fields=["retention_until"], name="approval_register_until"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "serial"],
                name="approval_register_serial_once",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["produced", "received"]), name="approval_register_kind"
            ),
            models.CheckConstraint(
                condition=(Q(kind="produced") & Q(document__isnull=False))
                | (Q(kind="received") & Q(source_id__isnull=False)),
                name="approval_register_has_source",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_disposed(self) -> bool:
        return self.disposed_at is not None


class DisposalDecision(models.Model):
    """The year-end review of a record whose retention ended: 폐기 or 연장, who and why."""

    class Decision(models.TextChoices):
        DISPOSE = "dispose", _("폐기")
        EXTEND = "extend", _("보존기간 연장")

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(_("결정"), max_length=10, choices=Decision.choices)
    retention_before = models.CharField(max_length=20, choices=Retention.choices)
    retention_after = models.CharField(max_length=20, choices=Retention.choices, blank=True)
    reason = models.TextField(_("사유"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    decided_by_name = models.CharField(max_length=60, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.decision}"
