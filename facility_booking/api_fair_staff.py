"""Booking managers' fair-booking API on an institution host (/api/v1/manage/…): what
the managers' pages (staff_fair_views.py) do, through the same services.

- 추첨: list and open rounds, a round with every slot's demand and result, its
  applications (masked), draw now, cancel.
- 정기대관: list, one series with every date and its clash, decide (approve / reject,
  all or some dates), cancel by the institution, record the bill's payment.
- 예약대기: the line per facility and period, with each place.
- 공정 예약 규칙 of a facility (read, change); 이용 제한: list, impose, lift.

Who: ``ManagerPermission`` before anything is read — anonymous → 401, residents and
other institutions' staff → 404 (the endpoint does not exist for them), a member who is
not a booking manager → 403 saying who may. Bad input → 400 in the one error shape with
nothing stored; an action the object's state no longer allows → 409. Lists of
applicants are masked (010-****-5678, 홍*동) and recorded as a 접속기록, like the pages;
opening a series shows the applicant in full and is recorded too.
"""

from __future__ import annotations

import django_filters
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.errors import Conflict
from api.filtersets import LIST_FILTERS, BooleanFilter, DateFilter, FilterSet, IdFilter
from facility_booking import selectors, selectors_fair
from facility_booking.api import (
    ApproveDiscountField,
    BookingPaymentSerializer,
    BoundedDateTimeField,
    DiscountCategoryField,
    FacilityRefSerializer,
    errors,
)
from facility_booking.api import call_service as _call_service
from facility_booking.api_fair import LotteryRoundSerializer, SeriesDetailSerializer, series_data
from facility_booking.api_fair import round_data as public_round_data
from facility_booking.errors import BookingError, message
from facility_booking.models import (
    ApplicationStatus,
    Facility,
    FacilityRules,
    LotteryApplication,
    LotteryRound,
    RecurringSeries,
    RoundStatus,
    RuleScope,
    Sanction,
    SeriesStatus,
    Status,
    Visibility,
    WaitlistEntry,
    WaitStatus,
)
from facility_booking.permissions import ManagerPermission
from facility_booking.rules import in_range
from facility_booking.services import fairness, lottery, series
from facility_booking.services.reservations import reservation_record_payment
from privacy.public import mask_email, mask_name, mask_phone, record_access

TAG_STAFF = "대관 추첨·대기·정기대관 (담당자)"
MAX_ID = 2**62

# Refusals that mean "not in this state (any more)": 409, like a taken slot. The rest of
# the services' refusals are about the input: 400 on the field.
CONFLICT_CODES = frozenset(
    {
        "round_finished",
        "round_not_drawable",
        "series_not_pending",
        "approve_over",
        "series_nothing_to_cancel",
        "payment_online_open",
    }
)


def call_service(function, **kwargs):
    """``facility_booking.api.call_service`` plus the state refusals above as 409."""
    try:
        return _call_service(function, **kwargs)
    except BookingError as error:
        if error.booking_code in CONFLICT_CODES:
            raise Conflict(error.messages[0]) from None
        raise


class ManagerView(GenericAPIView):
    """Booking managers only (facility_booking.permissions.ManagerPermission)."""

    permission_classes = [ManagerPermission]


# -- 추첨 (lottery rounds) ---------------------------------------------------------------------


class RoundFilterSet(FilterSet):
    facility = IdFilter(field_name="facility_id", help_text="시설 id")
    status = django_filters.ChoiceFilter(
        choices=RoundStatus.choices,
        help_text="open(진행 중: 신청 예정·신청 중·추첨 대기) | drawn | cancelled",
        error_messages={"invalid_choice": gettext_lazy("알 수 없는 상태입니다.")},
    )


class StaffRoundSerializer(LotteryRoundSerializer):
    drawn_label = serializers.CharField(allow_blank=True, help_text="추첨한 사람 (자동 추첨 포함)")
    cancel_reason = serializers.CharField(allow_blank=True)
    slot_count = serializers.IntegerField()
    application_count = serializers.IntegerField(help_text="신청 취소를 뺀 신청 수")
    award_count = serializers.IntegerField(help_text="당첨 수 (추첨 후)")
    created_at = serializers.DateTimeField()


class StaffSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    outcome = serializers.CharField(
        help_text="offered(추첨 대상) | awarded(당첨) | unclaimed(신청 없음) | unavailable(제외)"
    )
    outcome_label = serializers.CharField()
    demand = serializers.IntegerField(help_text="이 시간을 고른 신청 수")
    reservation = serializers.IntegerField(allow_null=True, help_text="당첨 예약 id")
    booking_number = serializers.CharField(allow_blank=True, help_text="당첨 예약번호")


class StaffRoundDetailSerializer(StaffRoundSerializer):
    slots = StaffSlotSerializer(many=True)


class LeftOutSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    problem = serializers.CharField(help_text="추첨에서 뺀 이유")


class RoundCreatedSerializer(StaffRoundDetailSerializer):
    left_out = LeftOutSlotSerializer(many=True, help_text="휴관·기존 예약·다른 추첨 등으로 뺀 시간")


def _rounds() -> QuerySet:
    return LotteryRound.objects.select_related("facility").annotate(
        slot_count=Count("slots", distinct=True),
        application_count=Count(
            "applications",
            filter=~Q(applications__status=ApplicationStatus.WITHDRAWN),
            distinct=True,
        ),
    )


def _round(id) -> LotteryRound:
    """A round of this institution (the caller is a booking manager), with its counts."""
    try:
        return _rounds().get(pk=selectors_fair._int(id))
    except LotteryRound.DoesNotExist:
        raise selectors.Http404 from None


def staff_round_data(round: LotteryRound, *, with_slots: bool = False) -> dict:
    data = public_round_data(round)
    data.update(
        {
            "drawn_label": round.drawn_label,
            "cancel_reason": round.cancel_reason,
            # annotated by _rounds(), the one way rounds are read here
            "slot_count": round.slot_count,  # type: ignore[attr-defined]
            "application_count": round.application_count,  # type: ignore[attr-defined]
            "award_count": len((round.result or {}).get("awards", [])),
            "created_at": round.created_at,
        }
    )
    if with_slots:
        numbers = (round.result or {}).get("numbers", {})
        slots = round.slots.annotate(
            demand=Count(
                "choices", filter=~Q(choices__application__status=ApplicationStatus.WITHDRAWN)
            )
        ).order_by("start", "id")
        data["slots"] = [
            {
                "id": s.pk,
                "start": s.start,
                "end": s.end,
                "outcome": s.outcome,
                "outcome_label": s.get_outcome_display(),
                "demand": s.demand,
                "reservation": s.reservation_id,
                "booking_number": numbers.get(str(s.pk), ""),
            }
            for s in slots
        ]
    return data


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 6})
class WeekdayField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=6, **kwargs)


class RoundCreateSerializer(serializers.Serializer):
    """The same fields as the page's form (forms_fair.RoundForm)."""

    facility = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="공개 시설 id")
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    apply_opens_at = BoundedDateTimeField(help_text="신청 시작")
    apply_closes_at = BoundedDateTimeField(help_text="신청 마감 = 추첨 시각")
    date_from = serializers.DateField(help_text="이용 기간 시작")
    date_to = serializers.DateField(help_text="이용 기간 끝 (93일 이내)")
    weekdays = serializers.ListField(
        child=WeekdayField(), min_length=1, max_length=7, help_text="0=월요일 … 6=일요일"
    )
    day_start = serializers.TimeField(help_text="하루 첫 시작")
    day_end = serializers.TimeField(help_text="하루 마지막 종료")
    slot_minutes = serializers.IntegerField(min_value=5, max_value=1440, help_text="한 번 이용(분)")
    residents_only = serializers.BooleanField(default=False)
    max_wins = serializers.IntegerField(min_value=1, max_value=lottery.MAX_WINS, default=1)
    max_choices = serializers.IntegerField(min_value=1, max_value=10, default=3)

    def validate_facility(self, value):
        facility = Facility.objects.filter(
            pk=value, is_active=True, visibility=Visibility.PUBLIC
        ).first()
        if facility is None:
            raise serializers.ValidationError(
                _("추첨할 수 없는 시설입니다(운영 중인 공개 시설만).")
            )
        return facility

    def validate(self, attrs):
        first, last = attrs["date_from"], attrs["date_to"]
        for name in ("date_from", "date_to"):
            if not in_range(attrs[name]):
                raise serializers.ValidationError({name: [message("too_far")]})
        if last < first:
            raise serializers.ValidationError({"date_to": [message("series_dates")]})
        if (last - first).days > 92:
            raise serializers.ValidationError(
                {"date_to": [_("이용 기간은 93일 이내로 정해 주세요.")]}
            )
        if attrs["day_end"] <= attrs["day_start"]:
            raise serializers.ValidationError({"day_end": [message("end_before_start")]})
        return attrs


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="사유 (필수, 신청자에게 알림)")


class RoundListView(ManagerView):
    queryset = LotteryRound.objects.none()
    serializer_class = StaffRoundSerializer
    filter_backends = LIST_FILTERS
    filterset_class = RoundFilterSet

    def get_queryset(self):
        return _rounds().order_by("-apply_closes_at", "-id")

    @extend_schema(
        tags=[TAG_STAFF],
        summary="추첨 목록 (담당자: 신청 수 포함)",
        responses={200: StaffRoundSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        return self.get_paginated_response([staff_round_data(r) for r in page])

    @extend_schema(
        tags=[TAG_STAFF],
        summary="추첨 열기 (기간·요일·시간으로 대상 시간을 만들고, 안 되는 시간은 뺌)",
        request=RoundCreateSerializer,
        responses={201: RoundCreatedSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        data = RoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        planned = lottery.plan_slots(
            d["facility"],
            first=d["date_from"],
            last=d["date_to"],
            weekdays=d["weekdays"],
            day_start=d["day_start"],
            day_end=d["day_end"],
            minutes=d["slot_minutes"],
        )
        round = call_service(
            lottery.round_create,
            actor=request.user,
            facility=d["facility"],
            title=d["title"],
            description=d.get("description", ""),
            apply_opens_at=d["apply_opens_at"],
            apply_closes_at=d["apply_closes_at"],
            slots=[(p.start, p.end) for p in planned if not p.problem],
            residents_only=d["residents_only"],
            max_wins=d["max_wins"],
            max_choices=d["max_choices"],
            institution=request.institution,
        )
        body = staff_round_data(_round(round.pk), with_slots=True)
        body["left_out"] = [
            {"start": p.start, "end": p.end, "problem": p.problem} for p in planned if p.problem
        ]
        return Response(body, status=201)


class RoundDetailView(ManagerView):
    queryset = LotteryRound.objects.none()
    serializer_class = StaffRoundDetailSerializer

    @extend_schema(
        tags=[TAG_STAFF],
        summary="추첨 상세 (시간별 신청 수, 추첨 결과)",
        responses={200: StaffRoundDetailSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, id: int):
        return Response(staff_round_data(_round(id), with_slots=True))


class StaffChoiceSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    slot = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class StaffApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    applicant_name = serializers.CharField(help_text="가림 처리 (홍*동)")
    contact_phone = serializers.CharField(help_text="가림 처리 (010-****-5678)")
    organisation = serializers.CharField(allow_blank=True)
    headcount = serializers.IntegerField()
    purpose = serializers.CharField()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_label = serializers.CharField()
    party = serializers.CharField(
        allow_blank=True, help_text="추첨 단위 (같은 사람·단체·연락처는 한 단위), 추첨 후"
    )
    choices = StaffChoiceSerializer(many=True)
    won_bookings = serializers.ListField(
        child=serializers.CharField(), help_text="당첨으로 만들어진 예약번호"
    )
    created_at = serializers.DateTimeField()


class ApplicationFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ApplicationStatus.choices,
        help_text="applied | won | lost | withdrawn",
        error_messages={"invalid_choice": gettext_lazy("알 수 없는 상태입니다.")},
    )


def staff_application_data(a: LotteryApplication) -> dict:
    return {
        "id": a.pk,
        "applicant_name": mask_name(a.applicant_name),
        "contact_phone": mask_phone(a.contact_phone),
        "organisation": a.organisation,
        "headcount": a.headcount,
        "purpose": a.purpose,
        "status": a.status,
        "status_label": a.get_status_display(),
        "party": a.party,
        "choices": [
            {"rank": c.rank, "slot": c.slot_id, "start": c.slot.start, "end": c.slot.end}
            for c in a.choices.all()
        ],
        "won_bookings": [
            s.reservation.number for s in a.won_slots.all() if s.reservation is not None
        ],
        "created_at": a.created_at,
    }


class RoundApplicationsView(ManagerView):
    queryset = LotteryApplication.objects.none()
    serializer_class = StaffApplicationSerializer
    filter_backends = LIST_FILTERS
    filterset_class = ApplicationFilterSet

    @extend_schema(
        tags=[TAG_STAFF],
        summary="추첨 신청 목록 (가림 처리, 접속기록)",
        responses={
            200: StaffApplicationSerializer(many=True),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request, id: int):
        round = _round(id)
        qs = (
            LotteryApplication.objects.filter(round=round)
            .prefetch_related("choices__slot", "won_slots__reservation")
            .order_by("id")
        )
        page = self.paginate_queryset(self.filter_queryset(qs)) or []
        record_access(
            request,
            action="search",
            target=f"facility_booking.lotteryround:{round.pk}:applications",
            purpose=_("추첨 신청 확인(API)"),
            row_count=len(page),
        )
        return self.get_paginated_response([staff_application_data(a) for a in page])


class RoundDrawView(ManagerView):
    queryset = LotteryRound.objects.none()
    serializer_class = StaffRoundDetailSerializer

    @extend_schema(
        tags=[TAG_STAFF],
        summary="지금 추첨 (신청 마감 뒤, 한 번만 — 화면의 '지금 추첨'과 같은 결과)",
        request=None,
        responses={200: StaffRoundDetailSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        round = _round(id)
        if round.status != RoundStatus.OPEN:  # drawn or cancelled already: nothing to do
            raise Conflict(message("round_finished"))
        call_service(
            lottery.lottery_draw, round=round, actor=request.user, institution=request.institution
        )
        return Response(staff_round_data(_round(round.pk), with_slots=True))


class RoundCancelView(ManagerView):
    queryset = LotteryRound.objects.none()
    serializer_class = StaffRoundDetailSerializer

    @extend_schema(
        tags=[TAG_STAFF],
        summary="추첨 취소 (추첨 전, 사유 필수 — 시간은 일반 예약으로, 신청자에게 알림)",
        request=ReasonSerializer,
        responses={200: StaffRoundDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        round = _round(id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            lottery.round_cancel,
            actor=request.user,
            round=round,
            reason=data.validated_data["reason"],
            institution=request.institution,
        )
        return Response(staff_round_data(_round(round.pk), with_slots=True))


# -- 정기대관 (recurring series) ------------------------------------------------------------------


class SeriesFilterSet(FilterSet):
    facility = IdFilter(field_name="facility_id", help_text="시설 id")
    status = django_filters.ChoiceFilter(
        choices=SeriesStatus.choices,
        help_text="requested | decided | rejected | cancelled",
        error_messages={"invalid_choice": gettext_lazy("알 수 없는 상태입니다.")},
    )
    pending = BooleanFilter(method="with_pending", help_text="심사할 날짜가 남은 것만")

    def with_pending(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(pending__gt=0) if value else queryset.filter(pending=0)


class StaffSeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    facility = FacilityRefSerializer()
    applicant_name = serializers.CharField(help_text="목록은 가림 처리, 상세는 전체(접속기록)")
    contact_phone = serializers.CharField()
    organisation = serializers.CharField(allow_blank=True)
    pattern = serializers.CharField()
    weekday = serializers.IntegerField()
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M")
    first_date = serializers.DateField()
    last_date = serializers.DateField()
    status = serializers.ChoiceField(choices=SeriesStatus.choices)
    status_label = serializers.CharField()
    pending = serializers.IntegerField(help_text="심사할 날짜 수")
    created_at = serializers.DateTimeField()


class SkippedDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField()


class StaffSeriesDetailSerializer(SeriesDetailSerializer):
    applicant_name = serializers.CharField()
    applicant_email = serializers.CharField(allow_blank=True)
    contact_phone = serializers.CharField()
    purpose = serializers.CharField()
    headcount = serializers.IntegerField()
    discount_categories = serializers.ListField(child=DiscountCategoryField())
    staff_note = serializers.CharField(allow_blank=True)
    skipped = SkippedDateSerializer(many=True, help_text="신청 때 잡지 못한 날짜와 이유")
    pending = serializers.IntegerField(help_text="심사할 날짜 수")
    created_at = serializers.DateTimeField()


class SeriesCancelResultSerializer(StaffSeriesDetailSerializer):
    cancelled = serializers.IntegerField(help_text="취소한 날짜 수")
    refund = serializers.IntegerField(help_text="환불 금액(원, 기관 취소는 전액)")


def _series_rows() -> QuerySet:
    return RecurringSeries.objects.select_related("facility").annotate(
        pending=Count(
            "reservations",
            filter=Q(reservations__status=Status.REQUESTED, reservations__kind="booking"),
        )
    )


def _series(request, id) -> RecurringSeries:
    return selectors_fair.series_for_user(request.user, request.institution, id)


def staff_series_data(item: RecurringSeries) -> dict:
    data = series_data(item, with_dates=True)
    data.update(
        {
            "applicant_name": item.applicant_name,
            "applicant_email": item.applicant_email,
            "contact_phone": item.contact_phone,
            "purpose": item.purpose,
            "headcount": item.headcount,
            "discount_categories": list(item.discount_categories or []),
            "staff_note": item.staff_note,
            "skipped": [
                {"date": s.get("date"), "reason": s.get("reason", "")}
                for s in item.skipped or []
                if s.get("date")
            ],
            "pending": sum(1 for d in data["dates"] if d["status"] == Status.REQUESTED),
            "created_at": item.created_at,
        }
    )
    return data


class SeriesListView(ManagerView):
    queryset = RecurringSeries.objects.none()
    serializer_class = StaffSeriesSerializer
    filter_backends = LIST_FILTERS
    filterset_class = SeriesFilterSet

    def get_queryset(self):
        return _series_rows().order_by("-pending", "-created_at", "-id")

    @extend_schema(
        tags=[TAG_STAFF],
        summary="정기대관 목록 (심사할 날짜가 많은 순, 가림 처리, 접속기록)",
        responses={200: StaffSeriesSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        record_access(
            request,
            action="search",
            target="facility_booking.recurringseries:list",
            purpose=_("정기대관 신청 조회(API)"),
            row_count=len(page),
        )
        return self.get_paginated_response(
            [
                {
                    "id": s.pk,
                    "number": s.number,
                    "facility": {"id": s.facility_id, "name": s.facility.name},
                    "applicant_name": mask_name(s.applicant_name),
                    "contact_phone": mask_phone(s.contact_phone),
                    "organisation": s.organisation,
                    "pattern": selectors_fair.series_pattern(s),
                    "weekday": s.weekday,
                    "start_time": s.start_time,
                    "end_time": s.end_time,
                    "first_date": s.first_date,
                    "last_date": s.last_date,
                    "status": s.status,
                    "status_label": s.get_status_display(),
                    "pending": s.pending,
                    "created_at": s.created_at,
                }
                for s in page
            ]
        )


class SeriesDetailView(ManagerView):
    queryset = RecurringSeries.objects.none()
    serializer_class = StaffSeriesDetailSerializer

    @extend_schema(
        tags=[TAG_STAFF],
        summary="정기대관 상세 (모든 날짜와 겹침·불가 사유, 청구, 신청자 — 접속기록)",
        responses={200: StaffSeriesDetailSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, id: int):
        item = _series(request, id)
        record_access(
            request,
            action="view",
            target=f"facility_booking.recurringseries:{item.pk}",
            purpose=_("정기대관 신청 확인·처리(API)"),
            subject_id=item.applicant_id,
        )
        return Response(staff_series_data(item))


class SeriesDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("approve", "승인"), ("reject", "반려")], help_text="approve | reject"
    )
    dates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        min_length=1,
        max_length=200,
        help_text="처리할 날짜의 예약 id (생략하면 심사 중인 날짜 전부)",
    )
    discount_category = ApproveDiscountField(
        required=False,
        allow_null=True,
        help_text="승인 때 적용할 감면 (생략: 신청한 감면 그대로, 빈 문자열: 감면 없음)",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text="반려 사유(필수) / 승인 메모"
    )


class SeriesDecideView(ManagerView):
    queryset = RecurringSeries.objects.none()
    serializer_class = StaffSeriesDetailSerializer

    @extend_schema(
        tags=[TAG_STAFF],
        summary="정기대관 심사 (전체 또는 날짜별 승인·반려; 끝나면 한 번에 결제할 청구)",
        request=SeriesDecisionSerializer,
        responses={200: StaffSeriesDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        item = _series(request, id)
        data = SeriesDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if not any(r.status == Status.REQUESTED for r in selectors_fair.series_dates(item)):
            raise Conflict(message("series_not_pending"))
        if d["decision"] == "approve":
            call_service(
                series.series_approve,
                actor=request.user,
                series=item,
                dates=d.get("dates"),
                discount_category=d.get("discount_category"),
                note=d.get("reason", ""),
                institution=request.institution,
            )
        else:
            call_service(
                series.series_reject,
                actor=request.user,
                series=item,
                dates=d.get("dates"),
                reason=d.get("reason", ""),
                institution=request.institution,
            )
        return Response(staff_series_data(RecurringSeries.objects.get(pk=item.pk)))


class SeriesStaffCancelSerializer(serializers.Serializer):
    dates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        min_length=1,
        max_length=200,
        help_text="취소할 날짜의 예약 id (생략하면 남은 날짜 전부)",
    )
    reason = serializers.CharField(max_length=1000, help_text="기관 사정 (필수, 전액 환불)")


class SeriesCancelView(ManagerView):
    queryset = RecurringSeries.objects.none()
    serializer_class = SeriesCancelResultSerializer

    @extend_schema(
        tags=[TAG_STAFF],
        summary="정기대관 기관 취소 (고른 날짜 또는 남은 날짜 전부, 결제분 전액 환불)",
        request=SeriesStaffCancelSerializer,
        responses={200: SeriesCancelResultSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        item = _series(request, id)
        data = SeriesStaffCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        result = call_service(
            series.series_cancel,
            actor=request.user,
            series=item,
            dates=d.get("dates"),
            reason=d["reason"],
            by_institution=True,
            institution=request.institution,
        )
        body = staff_series_data(RecurringSeries.objects.get(pk=item.pk))
        body.update(cancelled=result["cancelled"], refund=result["refund"])
        return Response(body)


class SeriesPaymentView(ManagerView):
    queryset = RecurringSeries.objects.none()
    serializer_class = StaffSeriesDetailSerializer

    @extend_schema(
        tags=[TAG_STAFF],
        summary="정기대관 청구 결제 기록 (창구·계좌이체; 승인된 날짜 전부 결제됨)",
        request=BookingPaymentSerializer,
        responses={200: StaffSeriesDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        item = _series(request, id)
        data = BookingPaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bill = selectors_fair.series_bill(item)
        if bill is None:
            raise Conflict(_("결제할 금액이 없습니다."))
        d = data.validated_data
        call_service(
            reservation_record_payment,
            actor=request.user,
            reservation=bill,
            amount=d["amount"],
            method=d["method"],
            note=d.get("note", ""),
        )
        return Response(staff_series_data(RecurringSeries.objects.get(pk=item.pk)))


# -- 예약대기 (waitlist) ---------------------------------------------------------------------------


class WaitlistFilterSet(FilterSet):
    facility = IdFilter(field_name="facility_id", help_text="시설 id")
    status = django_filters.ChoiceFilter(
        choices=WaitStatus.choices,
        help_text="생략하면 대기 중(waiting)과 순번 도래(offered)만",
        error_messages={"invalid_choice": gettext_lazy("알 수 없는 상태입니다.")},
    )


WaitlistFilterSet.base_filters["from"] = DateFilter(
    field_name="start__date", lookup_expr="gte", help_text="이용일 부터"
)
WaitlistFilterSet.base_filters["to"] = DateFilter(
    field_name="start__date", lookup_expr="lte", help_text="이용일 까지"
)


class StaffWaitlistEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    facility = FacilityRefSerializer()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    applicant_name = serializers.CharField(help_text="가림 처리")
    contact_phone = serializers.CharField(help_text="가림 처리")
    organisation = serializers.CharField(allow_blank=True)
    headcount = serializers.IntegerField()
    status = serializers.ChoiceField(choices=WaitStatus.choices)
    status_label = serializers.CharField()
    position = serializers.IntegerField(allow_null=True, help_text="1 = 다음 순서 (대기 중일 때)")
    offer_due = serializers.DateTimeField(allow_null=True, help_text="제안된 예약의 결제 기한")
    reservation = serializers.IntegerField(allow_null=True, help_text="제안·확정된 예약 id")
    booking_number = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class WaitlistListView(ManagerView):
    queryset = WaitlistEntry.objects.none()
    serializer_class = StaffWaitlistEntrySerializer
    filter_backends = LIST_FILTERS
    filterset_class = WaitlistFilterSet

    def get_queryset(self):
        # The place in line of every row in one statement (selectors_fair.waitlist_position
        # counts per entry): people still waiting for an overlapping period of the same
        # facility who came earlier.
        ahead = (
            WaitlistEntry.objects.filter(
                facility_id=OuterRef("facility_id"),
                status=WaitStatus.WAITING,
                start__lt=OuterRef("end"),
                end__gt=OuterRef("start"),
            )
            .filter(
                Q(created_at__lt=OuterRef("created_at"))
                | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("pk"))
            )
            .order_by()
            .values("facility_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = (
            WaitlistEntry.objects.select_related("facility", "reservation")
            .annotate(ahead=Coalesce(Subquery(ahead), 0))
            .order_by("facility__name", "start", "created_at", "id")
        )
        if not self.request.query_params.get("status"):
            qs = qs.filter(status__in=(WaitStatus.WAITING, WaitStatus.OFFERED))
        return qs

    @extend_schema(
        tags=[TAG_STAFF],
        summary="예약대기 현황 (시설·시간별 순번, 가림 처리, 접속기록)",
        responses={
            200: StaffWaitlistEntrySerializer(many=True),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        record_access(
            request,
            action="search",
            target="facility_booking.waitlistentry:list",
            purpose=_("예약대기 현황 조회(API)"),
            row_count=len(page),
        )
        return self.get_paginated_response(
            [
                {
                    "id": e.pk,
                    "facility": {"id": e.facility_id, "name": e.facility.name},
                    "start": e.start,
                    "end": e.end,
                    "applicant_name": mask_name(e.applicant_name),
                    "contact_phone": mask_phone(e.contact_phone),
                    "organisation": e.organisation,
                    "headcount": e.headcount,
                    "status": e.status,
                    "status_label": e.get_status_display(),
                    "position": e.ahead + 1 if e.status == WaitStatus.WAITING else None,
                    "offer_due": e.offer_due,
                    "reservation": e.reservation_id,
                    "booking_number": e.reservation.number if e.reservation_id else "",
                    "created_at": e.created_at,
                }
                for e in page
            ]
        )


# -- 공정 예약 규칙 (fairness rules of a facility) ---------------------------------------------------


class RulesSerializer(serializers.Serializer):
    """Bounds as the page's form (forms_fair.RulesForm.BOUNDS); on PATCH every field is
    optional and only those sent change."""

    scope = serializers.ChoiceField(
        choices=RuleScope.choices, help_text="facility(이 시설만) | institution(기관 합산)"
    )
    week_limit = serializers.IntegerField(min_value=0, max_value=100, help_text="0: 제한 없음")
    month_limit = serializers.IntegerField(min_value=0, max_value=400, help_text="0: 제한 없음")
    weekend_daily_limit = serializers.BooleanField()
    residents_first_days = serializers.IntegerField(min_value=0, max_value=60)
    no_show_limit = serializers.IntegerField(min_value=0, max_value=50, help_text="0: 제재 없음")
    no_show_window_days = serializers.IntegerField(min_value=1, max_value=730)
    sanction_days = serializers.IntegerField(min_value=1, max_value=365)
    waitlist_enabled = serializers.BooleanField()
    waitlist_offer_hours = serializers.IntegerField(min_value=1, max_value=168)
    series_enabled = serializers.BooleanField()
    series_max_weeks = serializers.IntegerField(min_value=1, max_value=104)


class FacilityRulesSerializer(RulesSerializer):
    facility = FacilityRefSerializer()
    configured = serializers.BooleanField(help_text="false: 규칙을 정한 적 없음 (아무 제한 없음)")


def rules_data(facility: Facility) -> dict:
    rule = FacilityRules.objects.filter(facility=facility).first()
    shown = rule or FacilityRules(facility=facility)
    data = {name: getattr(shown, name) for name in fairness.RULE_FIELDS}
    data.update(facility={"id": facility.pk, "name": facility.name}, configured=rule is not None)
    return data


class FacilityRulesView(ManagerView):
    queryset = Facility.objects.none()
    serializer_class = FacilityRulesSerializer

    def facility(self, request, id) -> Facility:
        return selectors.facility_for_manager(request.user, request.institution, id)

    @extend_schema(
        tags=[TAG_STAFF],
        summary="시설의 공정 예약 규칙",
        responses={200: FacilityRulesSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, id: int):
        return Response(rules_data(self.facility(request, id)))

    @extend_schema(
        tags=[TAG_STAFF],
        summary="공정 예약 규칙 바꾸기 (보낸 항목만)",
        request=RulesSerializer(partial=True),
        responses={200: FacilityRulesSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request, id: int):
        facility = self.facility(request, id)
        data = RulesSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        call_service(
            fairness.rules_update,
            actor=request.user,
            facility=facility,
            institution=request.institution,
            **data.validated_data,
        )
        return Response(rules_data(facility))


# -- 이용 제한 (sanctions) ------------------------------------------------------------------------


class SanctionFilterSet(FilterSet):
    facility = IdFilter(field_name="facility_id", help_text="시설 id (모든 시설 제한은 빠짐)")
    active = BooleanFilter(method="in_force", help_text="지금 적용 중인 것만 / 끝난 것만")

    def in_force(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        now = timezone.now()
        live = Q(lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
        return queryset.filter(live) if value else queryset.exclude(live)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="가림 처리")
    email = serializers.CharField(help_text="가림 처리")


class StaffSanctionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonRefSerializer(allow_null=True)
    facility = FacilityRefSerializer(allow_null=True, help_text="null: 기관의 모든 시설")
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    automatic = serializers.BooleanField(help_text="노쇼 누적으로 자동 부과")
    active = serializers.BooleanField()
    lifted_at = serializers.DateTimeField(allow_null=True)
    lift_reason = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


def sanction_data(s: Sanction, people: dict, now) -> dict:
    person = people.get(s.applicant_id)
    return {
        "id": s.pk,
        "person": None
        if person is None
        else {"id": person.pk, "name": mask_name(person.name), "email": mask_email(person.email)},
        "facility": {"id": s.facility_id, "name": s.facility.name} if s.facility else None,
        "reason": s.reason,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "automatic": s.automatic,
        "active": s.is_active(now),
        "lifted_at": s.lifted_at,
        "lift_reason": s.lift_reason,
        "created_at": s.created_at,
    }


def _people(rows) -> dict:
    from accounts.models import User

    return {u.pk: u for u in User.objects.filter(pk__in={s.applicant_id for s in rows})}


class SanctionCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="이 기관에 예약·신청한 적이 있는 사람의 이메일")
    facility = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text="생략: 모든 시설"
    )
    days = serializers.IntegerField(min_value=1, max_value=365, help_text="제한 기간(일)")
    reason = serializers.CharField(max_length=1000)

    def validate_facility(self, value):
        if value is None:
            return None
        facility = Facility.objects.filter(pk=value).first()
        if facility is None:
            raise serializers.ValidationError(_("이 기관의 시설이 아닙니다."))
        return facility

    def validate_email(self, value):
        person = selectors_fair.sanctionable_person(value)
        if person is None:
            raise serializers.ValidationError(
                _("이 기관에 예약·신청한 적이 있는 사람만 제한할 수 있습니다.")
            )
        return person


class SanctionListView(ManagerView):
    queryset = Sanction.objects.none()
    serializer_class = StaffSanctionSerializer
    filter_backends = LIST_FILTERS
    filterset_class = SanctionFilterSet

    def get_queryset(self):
        return Sanction.objects.select_related("facility").order_by("-ends_at", "-id")

    @extend_schema(
        tags=[TAG_STAFF],
        summary="이용 제한 목록 (가림 처리, 접속기록)",
        responses={200: StaffSanctionSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        record_access(
            request,
            action="search",
            target="facility_booking.sanction:list",
            purpose=_("이용 제한 조회(API)"),
            row_count=len(page),
        )
        people, now = _people(page), timezone.now()
        return self.get_paginated_response([sanction_data(s, people, now) for s in page])

    @extend_schema(
        tags=[TAG_STAFF],
        summary="이용 제한 등록 (본인에게 사유·종료일 알림)",
        request=SanctionCreateSerializer,
        responses={201: StaffSanctionSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        data = SanctionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        sanction = call_service(
            fairness.sanction_impose,
            actor=request.user,
            applicant=d["email"],
            facility=d.get("facility"),
            days=d["days"],
            reason=d["reason"],
            institution=request.institution,
        )
        return Response(
            sanction_data(sanction, {d["email"].pk: d["email"]}, timezone.now()), status=201
        )


class SanctionLiftView(ManagerView):
    queryset = Sanction.objects.none()
    serializer_class = StaffSanctionSerializer

    @extend_schema(
        tags=[TAG_STAFF],
        summary="이용 제한 해제 (사유 필수)",
        request=ReasonSerializer,
        responses={200: StaffSanctionSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        item = selectors_fair.sanction_for_manager(id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if item.lifted_at is not None:
            raise Conflict(_("이미 해제된 제한입니다."))
        item = call_service(
            fairness.sanction_lift,
            actor=request.user,
            sanction=item,
            reason=data.validated_data["reason"],
            institution=request.institution,
        )
        return Response(sanction_data(item, _people([item]), timezone.now()))
