"""Programs (강좌·프로그램·행사) and residents' applications, in the institution's schema.

The capacity is a database guarantee: ``confirmed_count`` can never exceed
``capacity`` (a CHECK constraint), the service moves the counters with F()
under the program's row lock, and one person holds at most one live
application per program (a partial UNIQUE constraint).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    LECTURE = "lecture", _("강좌")
    PROGRAM = "program", _("프로그램")
    EVENT = "event", _("행사")


class Audience(models.TextChoices):
    ALL = "all", _("누구나")
    CHILD = "child", _("어린이")
    YOUTH = "youth", _("청소년")
    ADULT = "adult", _("성인")
    SENIOR = "senior", _("어르신")
    FAMILY = "family", _("가족")
    DISABLED = "disabled", _("장애인")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    PUBLISHED = "published", _("게시")
    CANCELLED = "cancelled", _("폐강·취소")


class Program(models.Model):
    title = models.CharField(_("프로그램명"), max_length=200)
    category = models.CharField(
        _("구분"), max_length=20, choices=Category.choices, default=Category.LECTURE
    )
    summary = models.CharField(_("한 줄 소개"), max_length=200, blank=True)
    description = models.TextField(_("소개"), blank=True)
    instructor = models.CharField(_("강사·진행"), max_length=60, blank=True)
    start_date = models.DateField(_("시작일"))
    end_date = models.DateField(_("종료일"))
    weekdays = models.JSONField(_("요일"), default=list, blank=True)
    start_time = models.TimeField(_("시작 시각"))
    end_time = models.TimeField(_("종료 시각"))
    schedule_note = models.CharField(_("일정 비고"), max_length=200, blank=True)
    place = models.CharField(_("장소"), max_length=120, blank=True)
    facility = models.ForeignKey(
        "facility_booking.Facility",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("시설"),
    )
    audience = models.CharField(
        _("대상"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    age_min = models.PositiveIntegerField(_("최소 나이"), null=True, blank=True)
    age_max = models.PositiveIntegerField(_("최대 나이"), null=True, blank=True)
    residents_only = models.BooleanField(_("관내 거주자만"), default=False)
    fee = models.PositiveIntegerField(_("수강료(원)"), default=0)
    capacity = models.PositiveIntegerField(_("정원"))
    waitlist_limit = models.PositiveIntegerField(_("대기 인원 한도"), default=10)
    applications_open_at = models.DateTimeField(_("신청 시작"))
    applications_close_at = models.DateTimeField(_("신청 마감"))
    confirmed_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("상태"), max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    updated_by_name = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="programs_capacity_positive"),
            # the guarantee: never more confirmed places than the capacity
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity")), name="programs_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(waitlist_count__lte=F("waitlist_limit")),
                name="programs_within_waitlist",
            ),
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="programs_dates_order"
            ),
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="programs_times_order"
            ),
            models.CheckConstraint(
                condition=Q(applications_open_at__lt=F("applications_close_at")),
                name="programs_window_order",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=F("age_max")),
                name="programs_ages_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "cancelled"]), name="programs_status"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.confirmed_count)

    @property
    def waitlist_left(self) -> int:
        return max(0, self.waitlist_limit - self.waitlist_count)


class ApplicationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("신청 확정")
    WAITLISTED = "waitlisted", _("대기")
    CANCELLED = "cancelled", _("취소")
    CANCELLED_BY_STAFF = "cancelled_by_staff", _("기관 취소")


LIVE_STATES = (ApplicationStatus.CONFIRMED, ApplicationStatus.WAITLISTED)


class Application(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    applicant_name = models.CharField(_("이름"), max_length=60)
    email = models.EmailField(_("이메일"), blank=True)
    phone = models.CharField(_("연락처"), max_length=30, blank=True)
    birth_date = models.DateField(_("생년월일"), null=True, blank=True)
    resident_declared = models.BooleanField(_("관내 거주 확인"), default=False)
    status = models.CharField(_("상태"), max_length=20, choices=ApplicationStatus.choices)
    status_reason = models.CharField(_("사유"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("신청 일시"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "applicant"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="programs_one_live_application",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ApplicationStatus]),
                name="programs_application_status",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status", "created_at"], name="programs_app_queue")
        ]

    def __str__(self) -> str:
        return f"{self.program_id}:{self.applicant_name}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATES


class ApplicationEvent(models.Model):
    """Every status change of an application: who, when, why. Append-only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"
