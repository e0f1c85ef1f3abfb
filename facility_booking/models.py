"""Facility booking (대관), per institution schema.

Bookings and staff blocks share one table so one exclusion constraint covers
both: no two slot-holding rows of a facility overlap, buffers included.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FacilityKind(models.TextChoices):
    HALL = "hall", _("공연장·강당")
    GYM = "gym", _("체육관")
    MEETING_ROOM = "meeting_room", _("회의실")
    FIELD = "field", _("운동장")
    STUDIO = "studio", _("연습실·스튜디오")
    CLASSROOM = "classroom", _("강의실")
    VEHICLE = "vehicle", _("업무용 차량")
    OTHER = "other", _("기타")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("공개(주민 대관)")
    INTERNAL = "internal", _("내부(직원 전용)")


AMENITIES = [
    ("projector", _("빔프로젝터")),
    ("sound", _("음향 시설")),
    ("lighting", _("조명 시설")),
    ("piano", _("피아노")),
    ("whiteboard", _("화이트보드")),
    ("wifi", _("무선 인터넷")),
    ("parking", _("주차장")),
    ("shower", _("샤워실")),
    ("locker", _("탈의실·사물함")),
    ("aircon", _("냉난방")),
    ("video_conf", _("화상회의 장비")),
]
ACCESSIBILITY = [
    ("wheelchair", _("휠체어 접근 가능")),
    ("elevator", _("엘리베이터")),
    ("accessible_toilet", _("장애인 화장실")),
    ("hearing_loop", _("청각 보조 장치(보청 루프)")),
    ("braille", _("점자 안내")),
    ("accessible_parking", _("장애인 주차구역")),
]


class DiscountCategory(models.TextChoices):
    SENIOR = "senior", _("65세 이상 어르신")
    DISABILITY = "disability", _("장애인")
    NATIONAL_MERIT = "national_merit", _("국가유공자")
    MULTI_CHILD = "multi_child", _("다자녀 가정")
    BASIC_LIVELIHOOD = "basic_livelihood", _("기초생활수급자")
    CITY_RESIDENT = "city_resident", _("시민(관내 거주자)")


class Facility(models.Model):
    """A bookable place or thing, with its rules and fees."""

    name = models.CharField(_("시설명"), max_length=100)
    kind = models.CharField(_("종류"), max_length=20, choices=FacilityKind.choices)
    description = models.TextField(_("소개"), blank=True)
    capacity = models.PositiveIntegerField(_("수용 인원"), default=10)
    address = models.CharField(_("주소"), max_length=200, blank=True)
    building = models.CharField(_("건물"), max_length=100, blank=True)
    floor = models.CharField(_("층"), max_length=20, blank=True)
    amenities = models.JSONField(_("편의 시설"), default=list, blank=True)
    accessibility = models.JSONField(_("접근성"), default=list, blank=True)
    contact_name = models.CharField(_("담당자"), max_length=60, blank=True)
    contact_phone = models.CharField(_("문의 전화"), max_length=30, blank=True)
    contact_email = models.EmailField(_("문의 이메일"), blank=True)
    visibility = models.CharField(
        _("공개 범위"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    is_active = models.BooleanField(_("운영 중"), default=True)
    closes_on_holidays = models.BooleanField(_("공휴일 휴관"), default=True)

    # Booking rules
    slot_minutes = models.PositiveIntegerField(_("예약 단위(분)"), default=60)
    min_minutes = models.PositiveIntegerField(_("최소 이용 시간(분)"), default=60)
    max_minutes = models.PositiveIntegerField(_("최대 이용 시간(분)"), default=240)
    window_open_days = models.PositiveIntegerField(_("예약 가능 시작(이용일 N일 전)"), default=30)
    window_open_time = models.TimeField(_("예약 오픈 시각"), default=datetime.time(9, 0))
    window_close_hours = models.PositiveIntegerField(_("예약 마감(이용 N시간 전)"), default=24)
    buffer_minutes = models.PositiveIntegerField(_("예약 간 정리 시간(분)"), default=0)
    max_active_per_person = models.PositiveIntegerField(_("1인당 진행 중 예약 한도"), default=3)
    approval_required = models.BooleanField(_("승인 필요"), default=True)
    payment_days = models.PositiveIntegerField(_("결제 기한(승인 후 일)"), default=2)
    conditions = models.TextField(_("이용 조건·준수 사항"), blank=True)

    # Fees (whole won)
    base_fee = models.PositiveIntegerField(_("기본 사용료(예약 단위당, 원)"), default=0)
    evening_from = models.TimeField(_("야간 할증 시작"), default=datetime.time(18, 0))
    evening_surcharge_percent = models.PositiveIntegerField(_("야간 할증(%)"), default=0)
    weekend_surcharge_percent = models.PositiveIntegerField(_("주말 할증(%)"), default=0)
    holiday_surcharge_percent = models.PositiveIntegerField(_("공휴일 할증(%)"), default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5) & Q(slot_minutes__lte=1440),
                name="fb_facility_slot_range",
            ),
            models.CheckConstraint(
                condition=Q(min_minutes__lte=F("max_minutes")), name="fb_facility_min_le_max"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "internal"]), name="fb_facility_visibility"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def is_free(self) -> bool:
        return self.base_fee == 0 and not self.equipment.filter(fee__gt=0).exists()

    def amenity_labels(self) -> list[str]:
        labels = dict(AMENITIES)
        return [str(labels[a]) for a in self.amenities if a in labels]

    def accessibility_labels(self) -> list[str]:
        labels = dict(ACCESSIBILITY)
        return [str(labels[a]) for a in self.accessibility if a in labels]

    @property
    def location(self) -> str:
        building = "" if self.building and self.building in self.address else self.building
        return " ".join(p for p in (self.address, building, self.floor) if p)


def facility_photo_path(instance, filename):
    return f"facilities/{instance.facility_id}/{secrets.token_hex(6)}-{filename[-60:]}"


class FacilityPhoto(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("사진"), upload_to=facility_photo_path)
    caption = models.CharField(_("설명"), max_length=120, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class OpeningHours(models.Model):
    """One opening interval per weekday (0 = Monday). No row: closed that day."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("요일"))
    opens = models.TimeField(_("시작"))
    closes = models.TimeField(_("종료"))

    class Meta:
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "weekday"], name="fb_hours_unique"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="fb_hours_weekday"),
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="fb_hours_order"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class ClosedDate(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="closed_dates")
    date = models.DateField(_("휴관일"))
    reason = models.CharField(_("사유"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "date"], name="fb_closed_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class Equipment(models.Model):
    """Optional equipment rented with a booking, a flat fee per booking."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(_("장비명"), max_length=80)
    fee = models.PositiveIntegerField(_("사용료(원)"), default=0)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.fee:,}원)"


class Discount(models.Model):
    """A 감면 category the facility offers, as a whole percentage."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="discounts")
    category = models.CharField(_("감면 항목"), max_length=30, choices=DiscountCategory.choices)
    percent = models.PositiveIntegerField(_("감면율(%)"))

    class Meta:
        ordering = ["-percent", "category"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "category"], name="fb_discount_unique"),
            models.CheckConstraint(
                condition=Q(percent__gte=1) & Q(percent__lte=100), name="fb_discount_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.percent}%"


class RefundTier(models.Model):
    """Cancelling at least ``min_days_before`` days before the day of use refunds ``percent``."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="refund_tiers")
    min_days_before = models.PositiveIntegerField(_("이용일 기준 N일 전부터"))
    percent = models.PositiveIntegerField(_("환불율(%)"))

    class Meta:
        ordering = ["-min_days_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "min_days_before"], name="fb_refund_unique"
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="fb_refund_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.min_days_before}일 전 {self.percent}%"


class Status(models.TextChoices):
    REQUESTED = "requested", _("승인 대기")
    APPROVED = "approved", _("승인(결제 대기)")
    PAID = "paid", _("결제 완료")
    COMPLETED = "completed", _("이용 완료")
    NO_SHOW = "no_show", _("미이용(노쇼)")
    # A state, not the button that leads to it ("Rejected"/"Cancelled", not "Return"/"Cancel").
    REJECTED = "rejected", pgettext_lazy("status", "반려")
    CANCELLED = "cancelled", pgettext_lazy("status", "취소")
    EXPIRED = "expired", _("기한 만료")
    BLOCKED = "blocked", _("사용 제한")


# States that hold the slot. BLOCKED is only used by staff blocks.
HOLDING_STATES = (Status.REQUESTED, Status.APPROVED, Status.PAID, Status.BLOCKED)
ACTIVE_BOOKING_STATES = (Status.REQUESTED, Status.APPROVED, Status.PAID)


class Kind(models.TextChoices):
    BOOKING = "booking", _("예약")
    BLOCK = "block", _("사용 제한")
    # The bill of a recurring series (정기대관): its dates' fees paid as one. Holds no slot.
    SERIES = "series", _("정기대관 결제")


class Origin(models.TextChoices):
    DIRECT = "", _("직접 신청")
    LOTTERY = "lottery", _("추첨 당첨")
    WAITLIST = "waitlist", _("예약대기 순번")
    SERIES = "series", _("정기대관")


class BlockReason(models.TextChoices):
    MAINTENANCE = "maintenance", _("시설 점검·보수")
    INTERNAL = "internal", _("기관 자체 사용")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("계좌 이체")
    CARD_ON_SITE = "card_on_site", _("현장 카드 결제")
    CASH = "cash", _("현금")
    EXEMPT = "exempt", _("면제")


class DiscountDecision(models.TextChoices):
    ACCEPTED = "accepted", _("증빙 확인(감면 적용)")
    REFUSED = "refused", _("감면 불가")


class ReservationQuerySet(models.QuerySet):
    def with_money(self):
        """Annotate ``money_paid`` / ``money_refunded`` (ledger sums) in one query."""
        from payments.public import LedgerEntry

        def total(kind):
            return Coalesce(
                Subquery(
                    LedgerEntry.objects.filter(reservation=OuterRef("pk"), kind=kind)
                    .order_by()
                    .values("reservation")
                    .annotate(total=Sum("amount"))
                    .values("total")[:1]
                ),
                Value(0),
            )

        return self.annotate(money_paid=total("payment"), money_refunded=total("refund"))


class Reservation(models.Model):
    """A booking (or a staff block) of one facility for [start, end).

    ``hold_start``/``hold_end`` is the period the row keeps the facility busy:
    the booking plus the facility's buffer after it. Only the service sets them.
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="reservations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BOOKING)
    origin = models.CharField(max_length=10, choices=Origin.choices, default="", blank=True)
    series = models.ForeignKey(
        "facility_booking.RecurringSeries",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    status = models.CharField(
        _("상태"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    start = models.DateTimeField(_("시작"))
    end = models.DateTimeField(_("종료"))
    hold_start = models.DateTimeField()
    hold_end = models.DateTimeField()

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    applicant_name = models.CharField(_("신청자"), max_length=60, blank=True)
    applicant_email = models.EmailField(_("이메일"), blank=True)
    contact_phone = models.CharField(_("연락처"), max_length=30, blank=True)
    organisation = models.CharField(_("단체명"), max_length=100, blank=True)
    purpose = models.CharField(_("사용 목적"), max_length=300, blank=True)
    headcount = models.PositiveIntegerField(_("인원"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    on_behalf = models.BooleanField(_("대리 접수"), default=False)
    block_reason = models.CharField(max_length=20, choices=BlockReason.choices, blank=True)

    # Price snapshot (whole won), set at request and possibly changed at approval.
    claimed_discounts = models.JSONField(default=list, blank=True)
    discount_category = models.CharField(
        _("적용 감면"), max_length=30, choices=DiscountCategory.choices, blank=True
    )
    discount_percent = models.PositiveIntegerField(default=0)
    discount_confirmed = models.BooleanField(default=False)
    equipment_ids = models.JSONField(default=list, blank=True)
    price_lines = models.JSONField(default=list, blank=True)
    base_amount = models.PositiveIntegerField(default=0)
    surcharge_amount = models.PositiveIntegerField(default=0)
    equipment_amount = models.PositiveIntegerField(default=0)
    discount_amount = models.PositiveIntegerField(default=0)
    adjustment_amount = models.IntegerField(default=0)
    total_amount = models.PositiveIntegerField(_("이용료"), default=0)

    payment_due = models.DateTimeField(_("결제 기한"), null=True, blank=True)
    # What a cancellation decided to give back (refund tier); the money actually paid
    # and refunded are sums of the ledger (payments.LedgerEntry), never columns here.
    refund_due = models.PositiveIntegerField(default=0)
    cancelled_by_institution = models.BooleanField(default=False)
    # 감면 proof checked by staff: accepted / refused (with the reason the resident is told).
    discount_decision = models.CharField(
        max_length=10, choices=DiscountDecision.choices, blank=True
    )
    discount_decision_reason = models.TextField(blank=True)
    discount_decided_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    staff_note = models.TextField(_("담당자 메모"), blank=True)
    status_reason = models.TextField(_("사유"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    payment_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["facility", "start"], name="fb_res_facility_start"),
            models.Index(fields=["applicant", "status"], name="fb_res_applicant_status"),
            models.Index(fields=["status", "created_at"], name="fb_res_status_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="fb_res_end_after_start"),
            models.CheckConstraint(
                condition=Q(hold_start__lte=F("start")) & Q(hold_end__gte=F("end")),
                name="fb_res_hold_covers",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="fb_res_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind="block") & Q(status__in=["blocked", "cancelled"]))
                | (Q(kind__in=["booking", "series"]) & ~Q(status="blocked")),
                name="fb_res_kind_status",
            ),
            # A series bill belongs to its series, one per series.
            models.CheckConstraint(
                condition=~Q(kind="series") | Q(series__isnull=False),
                name="fb_res_bill_has_series",
            ),
            models.UniqueConstraint(
                fields=["series"], condition=Q(kind="series"), name="fb_res_one_bill_per_series"
            ),
            # The guarantee: no two slot-holding rows of one facility overlap.
            # Core PostgreSQL only (no btree_gist): the facility id as a
            # one-point int8range so both columns use GiST range operators.
            ExclusionConstraint(
                name="fb_res_no_overlap",
                expressions=[
                    (
                        Func(F("facility_id"), F("facility_id"), Value("[]"), function="int8range"),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        Func(F("hold_start"), F("hold_end"), Value("[)"), function="tstzrange"),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                # A series bill is money, not time: it holds nothing.
                condition=Q(status__in=[s.value for s in HOLDING_STATES]) & ~Q(kind="series"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.facility} {self.start:%Y-%m-%d %H:%M}"

    @property
    def number(self) -> str:
        """Booking number shown to people: year of application and the row id."""
        year = self.created_at.year if self.created_at else ""
        return f"FB-{year}-{self.pk:06d}" if self.pk else ""

    @property
    def is_block(self) -> bool:
        return self.kind == Kind.BLOCK

    @property
    def is_series_bill(self) -> bool:
        return self.kind == Kind.SERIES

    @property
    def holds_slot(self) -> bool:
        return self.status in HOLDING_STATES

    @property
    def is_free(self) -> bool:
        return self.total_amount == 0

    @property
    def awaits_payment(self) -> bool:
        return self.status == Status.APPROVED and self.total_amount > 0

    # -- money: sums of the ledger (annotated by ``with_money()`` for lists) --
    def _money(self) -> tuple[int, int]:
        if "money_paid" in self.__dict__:
            return int(self.money_paid or 0), int(self.money_refunded or 0)
        if self.pk is None:
            return 0, 0
        rows = dict(
            self.ledger_entries.order_by()
            .values_list("kind")
            .annotate(total=Sum("amount"))
            .values_list("kind", "total")
        )
        return int(rows.get("payment") or 0), int(rows.get("refund") or 0)

    @property
    def paid_amount(self) -> int:
        """Everything paid for the booking (ledger payment entries)."""
        return self._money()[0]

    @property
    def refunded_amount(self) -> int:
        """Everything given back (ledger refund entries)."""
        return self._money()[1]

    @property
    def net_paid(self) -> int:
        paid, refunded = self._money()
        return paid - refunded

    @property
    def refund_amount(self) -> int:
        """The refund the cancellation decided (kept under its old name for the API)."""
        return self.refund_due

    @property
    def refund_outstanding(self) -> int:
        return max(0, self.refund_due - self.refunded_amount)

    def _first_payment(self):
        # lists prefetch the ledger (``prefetch_related("ledger_entries")``): no query a row
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("ledger_entries")
        if prefetched is not None:
            payments = [e for e in prefetched if e.kind == "payment"]
            return min(payments, key=lambda e: (e.occurred_at, e.pk), default=None)
        return self.ledger_entries.filter(kind="payment").order_by("occurred_at", "id").first()

    @property
    def paid_at(self):
        entry = self._first_payment()
        return entry.occurred_at if entry else None

    @property
    def payment_method(self) -> str:
        entry = self._first_payment()
        return entry.method if entry else ""

    def get_payment_method_display(self) -> str:
        method = self.payment_method
        labels = dict(PaymentMethod.choices)
        labels.update({"card": _("카드"), "virtual_account": _("가상계좌")})
        return str(labels.get(method, method))


class ReservationEvent(models.Model):
    """One state change: who, when, why, from → to. Append-only."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"

    @property
    def to_label(self) -> str:
        return Status(self.to_status).label if self.to_status in Status.values else self.to_status

    @property
    def from_label(self) -> str:
        return Status(self.from_status).label if self.from_status in Status.values else ""


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's private iCalendar feed of their bookings here; revoking = new token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"


def proof_path(instance, filename):
    """Under private/ (never served by /media/), unguessable, the type's own extension."""
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
    suffix = extension.get(instance.content_type, "")
    return f"private/discount-proofs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DiscountProof(models.Model):
    """A file proving a claimed 감면 (장애인 복지카드, 수급자 증명서 …).

    Private to the institution: served only to the applicant and booking managers,
    and the file is deleted a set time after the booking ends (the row stays as a
    record that a proof existed, who decided and when).
    """

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="proofs")
    category = models.CharField(_("감면 항목"), max_length=30, choices=DiscountCategory.choices)
    file = models.FileField(upload_to=proof_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/png", "image/jpeg"]),
                name="fb_proof_type",
            ),
        ]

    def __str__(self) -> str:
        return f"proof {self.category} for {self.reservation_id}"

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None


# Fair booking (issue 15): rules, sanctions, lottery, waitlist, recurring series.
from facility_booking.models_fair import (  # noqa: E402, F401
    WAIT_ACTIVE,
    ApplicationStatus,
    FacilityRules,
    LotteryApplication,
    LotteryChoice,
    LotteryRound,
    LotterySlot,
    RecurringSeries,
    RoundStatus,
    RuleScope,
    Sanction,
    SeriesStatus,
    SlotOutcome,
    WaitlistEntry,
    WaitStatus,
)
from facility_booking.models_queue import WaitingPlace, WaitingRoom  # noqa: E402, F401
