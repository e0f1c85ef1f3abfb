"""휴가신청서 details: the request, its kind and days (hourly leave in hours)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groupware.approval.models.documents import Document


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("연차")
    HALF = "half", _("반차")
    HOURLY = "hourly", _("시간 단위 연차")
    SICK = "sick", _("병가")
    OFFICIAL = "official", _("공가")
    FAMILY = "family", _("경조사")


# the kinds that spend annual leave (근로기준법 제60조)
ANNUAL_KINDS = (LeaveKind.ANNUAL, LeaveKind.HALF, LeaveKind.HOURLY)


class LeaveRequest(models.Model):
    """휴가신청서 details. Annual, half-day and hourly leave count against the balance;
    ``days`` of hourly leave is hours ÷ the institution's working hours per day."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="leave")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    kind = models.CharField(_("휴가 구분"), max_length=12, choices=LeaveKind.choices)
    start_date = models.DateField(_("시작일"))
    end_date = models.DateField(_("종료일"))
    start_time = models.TimeField(_("시작 시각"), null=True, blank=True)
    hours = models.DecimalField(_("시간"), max_digits=4, decimal_places=1, null=True, blank=True)
    days = models.DecimalField(_("일수"), max_digits=6, decimal_places=3)
    reason = models.CharField(_("사유"), max_length=300)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="approval_leave_dates"
            ),
            models.CheckConstraint(condition=Q(days__gt=0), name="approval_leave_days_positive"),
            models.CheckConstraint(
                condition=~Q(kind="hourly")
                | (
                    Q(hours__gt=0)
                    & Q(start_time__isnull=False)
                    & Q(end_date=models.F("start_date"))
                ),
                name="approval_leave_hourly_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}~{self.end_date}"

    @property
    def counts_against_balance(self) -> bool:
        return self.kind in ANNUAL_KINDS
