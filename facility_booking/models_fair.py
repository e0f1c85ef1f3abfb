"""Fair booking of popular venues (issue 15): per-facility fairness rules, no-show
sanctions, lottery rounds (추첨), waitlists (예약대기) and recurring club bookings
(정기대관). Imported at the end of ``facility_booking.models`` so Django registers them.

Slots stay in one place: a lottery winner, a waitlist offer and every date of a series
are ordinary ``Reservation`` rows, held by the same exclusion constraint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from facility_booking.models import Facility, Reservation


class RuleScope(models.TextChoices):
    FACILITY = "facility", _("이 시설만")
    INSTITUTION = "institution", _("기관의 모든 시설 합산")


class FacilityRules(models.Model):
    """Optional fairness rules of one facility (no row: none of them apply).

    Counting limits look at the person's bookings of this facility, or of every
    facility of the institution (``scope``). Staff bookings made on someone's behalf
    and the dates of a recurring series do not count and are not limited.
    """

    facility = models.OneToOneField(Facility, on_delete=models.CASCADE, related_name="fair_rules")
    scope = models.CharField(
        _("한도 계산 범위"), max_length=12, choices=RuleScope.choices, default=RuleScope.FACILITY
    )
    week_limit = models.PositiveIntegerField(
        _("1인 주간 예약 한도(건)"), default=0, help_text=_("0이면 제한 없음. 이용일 기준 월–일.")
    )
    month_limit = models.PositiveIntegerField(
        _("1인 월간 예약 한도(건)"), default=0, help_text=_("0이면 제한 없음. 이용일 기준.")
    )
    weekend_daily_limit = models.BooleanField(
        _("주말 1인 1일 1회"), default=False, help_text=_("토·일요일은 하루에 한 건만")
    )
    residents_first_days = models.PositiveIntegerField(
        _("관내 거주자 우선 예약(일)"),
        default=0,
        help_text=_("일반 예약이 열리기 N일 전부터 관내 거주자만 예약. 0이면 없음."),
    )
    no_show_limit = models.PositiveIntegerField(
        _("노쇼 제재 기준(회)"), default=0, help_text=_("0이면 제재 없음")
    )
    no_show_window_days = models.PositiveIntegerField(_("노쇼 집계 기간(일)"), default=90)
    sanction_days = models.PositiveIntegerField(_("예약 제한 기간(일)"), default=30)
    waitlist_enabled = models.BooleanField(_("예약대기 받기"), default=True)
    waitlist_offer_hours = models.PositiveIntegerField(_("대기 순번 결제 기한(시간)"), default=24)
    series_enabled = models.BooleanField(_("정기대관 신청 받기"), default=False)
    series_max_weeks = models.PositiveIntegerField(_("정기대관 최대 기간(주)"), default=26)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["facility", "institution"]), name="fb_rules_scope"
            ),
            models.CheckConstraint(
                condition=Q(no_show_window_days__gte=1) & Q(sanction_days__gte=1),
                name="fb_rules_sanction_days",
            ),
            models.CheckConstraint(
                condition=Q(waitlist_offer_hours__gte=1) & Q(waitlist_offer_hours__lte=168),
                name="fb_rules_offer_hours",
            ),
            models.CheckConstraint(
                condition=Q(series_max_weeks__gte=1) & Q(series_max_weeks__lte=104),
                name="fb_rules_series_weeks",
            ),
        ]

    def __str__(self) -> str:
        return f"rules of {self.facility_id}"


class Sanction(models.Model):
    """Booking blocked for a person until ``ends_at`` (no-shows), here or at one facility."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sanctions",
        help_text=_("비어 있으면 기관의 모든 시설"),
    )
    reason = models.TextField(_("사유"))
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    automatic = models.BooleanField(default=True)
    no_show_ids = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    lift_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_at", "-id"]
        indexes = [models.Index(fields=["applicant", "ends_at"], name="fb_sanction_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="fb_sanction_period"
            ),
        ]

    def __str__(self) -> str:
        return f"sanction {self.applicant_id} until {self.ends_at:%Y-%m-%d}"

    def is_active(self, now) -> bool:
        return self.lifted_at is None and self.starts_at <= now < self.ends_at

    @property
    def last_day(self) -> dt.date:
        """The last day the person cannot book (shown as "…까지"): a sanction ends at the
        start of the next day (services.fairness.sanction_end)."""
        from django.utils import timezone

        return timezone.localdate(self.ends_at - dt.timedelta(microseconds=1))


# -- lottery (추첨) ------------------------------------------------------------------------


class RoundStatus(models.TextChoices):
    OPEN = "open", _("진행 중")
    DRAWN = "drawn", _("추첨 완료")
    CANCELLED = "cancelled", pgettext_lazy("status", "취소")


def new_seed_secret() -> str:
    return secrets.token_hex(32)


def commitment_of(secret: str) -> str:
    """The published commitment: SHA-256 of the secret's text (hex)."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class LotteryRound(models.Model):
    """Slots of one facility given by lot. ``seed_commitment`` is public from the start;
    ``seed_secret`` is revealed at the draw (see facility_booking/draw.py)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="lottery_rounds")
    title = models.CharField(_("제목"), max_length=120)
    description = models.TextField(_("안내"), blank=True)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    apply_opens_at = models.DateTimeField(_("신청 시작"))
    apply_closes_at = models.DateTimeField(_("신청 마감"))
    residents_only = models.BooleanField(_("관내 거주자만 신청"), default=False)
    max_wins = models.PositiveIntegerField(_("1인(단체) 최대 당첨 수"), default=1)
    max_choices = models.PositiveIntegerField(_("희망 시간 최대 선택 수"), default=3)
    seed_secret = models.CharField(max_length=64, default=new_seed_secret)
    seed_commitment = models.CharField(max_length=64)
    seed = models.CharField(max_length=64, blank=True)
    inputs = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_label = models.CharField(max_length=200, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-apply_closes_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(apply_closes_at__gt=F("apply_opens_at")), name="fb_round_window"
            ),
            models.CheckConstraint(
                condition=Q(max_wins__gte=1) & Q(max_choices__gte=1) & Q(max_choices__lte=10),
                name="fb_round_limits",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "drawn", "cancelled"]), name="fb_round_status"
            ),
            models.CheckConstraint(
                condition=~Q(status="drawn") | ~Q(seed=""), name="fb_round_drawn_has_seed"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.seed_commitment:
            self.seed_commitment = commitment_of(self.seed_secret)
        super().save(*args, **kwargs)

    def phase(self, now) -> str:
        """upcoming | applying | waiting_draw | drawn | cancelled."""
        if self.status != RoundStatus.OPEN:
            return str(self.status)
        if now < self.apply_opens_at:
            return "upcoming"
        if now < self.apply_closes_at:
            return "applying"
        return "waiting_draw"

    def phase_label(self, now) -> str:
        return str(PHASE_LABELS[self.phase(now)])


PHASE_LABELS = {
    "upcoming": _("신청 예정"),
    "applying": _("신청 중"),
    "waiting_draw": _("추첨 대기"),
    "drawn": _("추첨 완료"),
    "cancelled": _("취소됨"),
}


class SlotOutcome(models.TextChoices):
    OFFERED = "offered", _("추첨 대상")
    AWARDED = "awarded", _("당첨")
    UNCLAIMED = "unclaimed", _("신청 없음(일반 예약으로 전환)")
    UNAVAILABLE = "unavailable", _("추첨 제외(사용 불가)")


class LotterySlot(models.Model):
    """One period on offer in a round; direct booking of it is refused until the draw."""

    round = models.ForeignKey(LotteryRound, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField()
    end = models.DateTimeField()
    outcome = models.CharField(
        max_length=12, choices=SlotOutcome.choices, default=SlotOutcome.OFFERED
    )
    winner = models.ForeignKey(
        "facility_booking.LotteryApplication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="won_slots",
    )
    reservation = models.ForeignKey(
        Reservation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "start"], name="fb_lottery_slot_once"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="fb_lottery_slot_order"),
            # The draw's guarantee, in the database: a slot has at most one winner booking.
            models.UniqueConstraint(
                fields=["reservation"],
                condition=Q(reservation__isnull=False),
                name="fb_lottery_slot_one_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.start:%Y-%m-%d %H:%M}"


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("신청")
    WON = "won", _("당첨")
    LOST = "lost", _("미당첨")
    WITHDRAWN = "withdrawn", _("신청 취소")


class LotteryApplication(models.Model):
    """A resident's application in a round, with ranked choices (LotteryChoice)."""

    round = models.ForeignKey(LotteryRound, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    applicant_name = models.CharField(_("신청자"), max_length=60)
    contact_phone = models.CharField(_("연락처"), max_length=30)
    organisation = models.CharField(_("단체명"), max_length=100, blank=True)
    purpose = models.CharField(_("사용 목적"), max_length=300)
    headcount = models.PositiveIntegerField(_("인원"), default=1)
    discount_categories = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    party = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "applicant"], name="fb_lottery_app_once"),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "won", "lost", "withdrawn"]),
                name="fb_lottery_app_status",
            ),
        ]

    def __str__(self) -> str:
        return f"application {self.pk} in {self.round_id}"


class LotteryChoice(models.Model):
    application = models.ForeignKey(
        LotteryApplication, on_delete=models.CASCADE, related_name="choices"
    )
    slot = models.ForeignKey(LotterySlot, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "slot"], name="fb_choice_slot_once"),
            models.UniqueConstraint(fields=["application", "rank"], name="fb_choice_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}#{self.rank} → {self.slot_id}"


# -- waitlist (예약대기) ---------------------------------------------------------------------


class WaitStatus(models.TextChoices):
    WAITING = "waiting", _("대기 중")
    OFFERED = "offered", _("순번 도래(결제 대기)")
    BOOKED = "booked", _("예약 확정")
    LAPSED = "lapsed", _("기한 내 미결제")
    DECLINED = "declined", _("제안 취소")
    CANCELLED = "cancelled", _("대기 취소")
    CLOSED = "closed", _("대기 종료")


WAIT_ACTIVE = (WaitStatus.WAITING, WaitStatus.OFFERED)


class WaitlistEntry(models.Model):
    """A person queued for a taken period of a facility, first come first served."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="waitlist")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    applicant_name = models.CharField(_("신청자"), max_length=60)
    contact_phone = models.CharField(_("연락처"), max_length=30)
    organisation = models.CharField(_("단체명"), max_length=100, blank=True)
    purpose = models.CharField(_("사용 목적"), max_length=300)
    headcount = models.PositiveIntegerField(_("인원"), default=1)
    start = models.DateTimeField(_("시작"))
    end = models.DateTimeField(_("종료"))
    status = models.CharField(max_length=10, choices=WaitStatus.choices, default=WaitStatus.WAITING)
    status_reason = models.CharField(max_length=300, blank=True)
    reservation = models.ForeignKey(
        Reservation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_due = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["facility", "status", "start"], name="fb_wait_queue")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="fb_wait_order"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in WaitStatus]), name="fb_wait_status"
            ),
            # One place in line per person and period.
            models.UniqueConstraint(
                fields=["facility", "applicant", "start", "end"],
                condition=Q(status__in=["waiting", "offered"]),
                name="fb_wait_once",
            ),
            # An offer is one booking, and one booking answers one offer.
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(reservation__isnull=False),
                name="fb_wait_offer_has_booking",
            ),
            models.UniqueConstraint(
                fields=["reservation"],
                condition=Q(reservation__isnull=False),
                name="fb_wait_one_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"wait {self.pk} {self.facility_id} {self.start:%Y-%m-%d %H:%M}"


# -- recurring club bookings (정기대관) -------------------------------------------------------


class SeriesStatus(models.TextChoices):
    REQUESTED = "requested", _("심사 중")
    DECIDED = "decided", _("승인(일부 포함)")
    REJECTED = "rejected", pgettext_lazy("status", "반려")
    CANCELLED = "cancelled", pgettext_lazy("status", "취소")


class RecurringSeries(models.Model):
    """A club's weekly slot over a period. Each date is a ``Reservation`` (kind booking,
    ``series`` set); the fee of the approved dates is paid as one through a billing row
    (``Reservation`` of kind ``series``, which holds no slot)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="series")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    applicant_name = models.CharField(_("신청자"), max_length=60)
    applicant_email = models.EmailField(_("이메일"), blank=True)
    contact_phone = models.CharField(_("연락처"), max_length=30)
    organisation = models.CharField(_("단체(동호회)명"), max_length=100)
    purpose = models.CharField(_("사용 목적"), max_length=300)
    headcount = models.PositiveIntegerField(_("인원"), default=1)
    weekday = models.PositiveSmallIntegerField(_("요일"))
    start_time = models.TimeField(_("시작 시각"))
    end_time = models.TimeField(_("종료 시각"))
    first_date = models.DateField(_("첫 이용일"))
    last_date = models.DateField(_("마지막 이용일"))
    discount_categories = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=SeriesStatus.choices, default=SeriesStatus.REQUESTED
    )
    # Pattern dates that could not be held when applying: [{"date": iso, "reason": text}].
    skipped = models.JSONField(default=list, blank=True)
    staff_note = models.TextField(_("담당자 메모"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="fb_series_weekday"),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="fb_series_times"
            ),
            models.CheckConstraint(
                condition=Q(last_date__gte=F("first_date")), name="fb_series_dates"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "decided", "rejected", "cancelled"]),
                name="fb_series_status",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        year = self.created_at.year if self.created_at else ""
        return f"RS-{year}-{self.pk:05d}" if self.pk else ""

    def pattern_dates(self) -> list[dt.date]:
        """Every date of the weekly pattern in [first_date, last_date]."""
        first = self.first_date + dt.timedelta(days=(self.weekday - self.first_date.weekday()) % 7)
        out = []
        day = first
        while day <= self.last_date:
            out.append(day)
            day += dt.timedelta(days=7)
        return out
