"""Facility booking API on an institution host (/api/v1/). Same rules as the pages.

Facilities and availability are public (internal facilities: members only).
Reservations need a log-in: anonymous → 401; the applicant sees their own,
booking managers see all; a booking someone may not see → 404; a staff action
by a resident or plain staff → 403, by another institution's staff → 404.
A taken slot or an illegal state change → 409 (api.errors.Conflict).
"""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.errors import Conflict
from api.filters import Ordering
from api.filtersets import LIST_FILTERS
from api.serializers import ErrorSerializer, FlatInputSerializer
from facility_booking import api_queue, availability, selectors, services
from facility_booking import permissions as caps
from facility_booking.errors import InvalidTransition, SlotTaken, message
from facility_booking.filters import FacilityFilterSet, ReservationFilterSet
from facility_booking.models import (
    DiscountCategory,
    Facility,
    FacilityKind,
    Kind,
    PaymentMethod,
    Reservation,
    Status,
)
from facility_booking.permissions import ManagerPermission
from facility_booking.rules import in_range
from facility_booking.state import STAFF_ACTIONS, allowed_actions
from privacy.public import record_access
from suite.ratelimit import BookingWriteThrottle

TAG_FACILITIES = "대관 시설"
TAG_RESERVATIONS = "대관 예약"

ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer, description="입력값·규칙 오류 (한국어 메시지, 저장 안 됨)"
    ),
    401: OpenApiResponse(ErrorSerializer, description="로그인 필요"),
    403: OpenApiResponse(ErrorSerializer, description="권한 없음 (주민·일반 직원의 관리 작업)"),
    404: OpenApiResponse(ErrorSerializer, description="없거나 볼 수 없는 대상 (다른 기관 포함)"),
    409: OpenApiResponse(
        ErrorSerializer,
        description="이미 예약된 시간이거나, 현재 상태에서 할 수 없는 작업 (code: conflict)",
    ),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


def call_service(function, **kwargs):
    """Run a service; conflicts become 409, rule violations 400 (via the error handler)."""
    try:
        return function(**kwargs)
    except (SlotTaken, InvalidTransition) as error:
        raise Conflict(error.messages[0]) from None


# -- serializers ------------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "enum": FacilityKind.values, "description": "시설 종류 (kind_label: 한국어)"}
)
class FacilityKindField(serializers.ChoiceField):
    """Inline enum in the schema: "kind" is a common name across apps."""

    def __init__(self, **kwargs):
        super().__init__(choices=FacilityKind.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": DiscountCategory.values, "description": "감면 항목"}
)
class DiscountCategoryField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=DiscountCategory.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": ["free", "taken", "closed"]})
class SlotStateField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("free", "예약 가능"), ("taken", "예약됨"), ("closed", "예약 불가")], **kwargs
        )


class FacilityOpeningHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0=월요일 … 6=일요일")
    opens = serializers.TimeField(format="%H:%M")
    closes = serializers.TimeField(format="%H:%M")


class FacilityDiscountSerializer(serializers.Serializer):
    category = DiscountCategoryField()
    # a field named like DRF's Field.label attribute: stubs see a clash, DRF does not
    label = serializers.CharField(source="get_category_display")  # type: ignore[assignment]
    percent = serializers.IntegerField()


class FacilityRefundTierSerializer(serializers.Serializer):
    min_days_before = serializers.IntegerField(help_text="이용일 기준 N일 전부터")
    percent = serializers.IntegerField()


class FacilityEquipmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    fee = serializers.IntegerField(help_text="원")


class FacilitySerializer(serializers.ModelSerializer):
    kind = FacilityKindField()
    kind_label = serializers.CharField(source="get_kind_display")
    opening_hours = FacilityOpeningHoursSerializer(source="hours", many=True)
    discounts = FacilityDiscountSerializer(many=True)
    refund_tiers = FacilityRefundTierSerializer(many=True)
    equipment = FacilityEquipmentSerializer(many=True)
    photos = serializers.SerializerMethodField()
    window_open_time = serializers.TimeField(format="%H:%M")
    evening_from = serializers.TimeField(format="%H:%M")

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "visibility",
            "description",
            "capacity",
            "address",
            "building",
            "floor",
            "amenities",
            "accessibility",
            "contact_name",
            "contact_phone",
            "contact_email",
            "closes_on_holidays",
            "approval_required",
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "window_open_days",
            "window_open_time",
            "window_close_hours",
            "buffer_minutes",
            "max_active_per_person",
            "payment_days",
            "base_fee",
            "evening_from",
            "evening_surcharge_percent",
            "weekend_surcharge_percent",
            "holiday_surcharge_percent",
            "conditions",
            "opening_hours",
            "discounts",
            "refund_tiers",
            "equipment",
            "photos",
        ]

    def get_photos(self, obj) -> list[str]:
        return [p.image.url for p in obj.photos.all()]


class BoundedDateTimeField(serializers.DateTimeField):
    """A DateTimeField that answers a Korean 400 for dates the server cannot even
    convert (year 1 or 9999 in another offset overflow in DRF's timezone check)."""

    def to_internal_value(self, value):
        try:
            result = super().to_internal_value(value)
        except OverflowError:
            raise serializers.ValidationError(message("too_far")) from None
        try:
            ok = in_range(result.date())
        except OverflowError:
            ok = False
        if not ok:
            raise serializers.ValidationError(message("too_far"))
        return result


class AvailabilityQuerySerializer(serializers.Serializer):
    # "from" is a keyword: declared through the fields dict below.
    to = BoundedDateTimeField(help_text="끝 시각 (ISO 8601, 시간대 포함)")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = BoundedDateTimeField(help_text="시작 시각 (ISO 8601, 시간대 포함)")
        return fields

    def validate(self, attrs):
        start, end = attrs["from"], attrs["to"]
        if not (in_range(start.date()) and in_range(end.date())):
            raise serializers.ValidationError({"from": [message("too_far")]})
        if end <= start:
            raise serializers.ValidationError({"to": ["끝 시각은 시작 시각보다 늦어야 합니다."]})
        if end - start > dt.timedelta(days=62):
            raise serializers.ValidationError({"to": ["한 번에 62일까지 조회할 수 있습니다."]})
        return attrs


class AvailabilitySlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    state = SlotStateField()


class AvailabilitySerializer(serializers.Serializer):
    facility = serializers.IntegerField()
    slot_minutes = serializers.IntegerField()
    slots = AvailabilitySlotSerializer(many=True)


class FacilityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BookingPriceLineSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # see FacilityDiscountSerializer
    amount = serializers.IntegerField(help_text="원 (감면은 음수)")


class ReservationEventSerializer(serializers.Serializer):
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    reason = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField(source="created_at")


_ALL_ACTIONS = set(STAFF_ACTIONS) | {"pay", "proof_add"}


class ReservationSerializer(serializers.ModelSerializer):
    number = serializers.CharField()
    facility = FacilityRefSerializer()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    price_lines = BookingPriceLineSerializer(many=True)
    events = ReservationEventSerializer(many=True)
    discount_category = serializers.CharField(allow_blank=True)
    # Money from the ledger (payments.LedgerEntry): sums of entries, not columns.
    paid_amount = serializers.IntegerField(read_only=True, help_text="결제된 금액(원)")
    refunded_amount = serializers.IntegerField(read_only=True, help_text="환불된 금액(원)")
    refund_amount = serializers.IntegerField(
        read_only=True, help_text="취소 때 정해진 환불 금액(원)"
    )
    payment_method = serializers.CharField(read_only=True, allow_blank=True)
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)
    discount_decision = serializers.CharField(read_only=True, allow_blank=True)
    discount_decision_reason = serializers.CharField(read_only=True, allow_blank=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text="지금 할 수 있는 작업 (담당자: approve, reject, record_payment, cancel, "
        "complete, no_show, discount_decide, permit / 신청자: cancel, pay, proof_add, permit) "
        "— 화면의 버튼과 같은 답 (facility_booking.state.allowed_actions)"
    )

    class Meta:
        model = Reservation
        fields = [
            "id",
            "number",
            "facility",
            "status",
            "status_label",
            "start",
            "end",
            "applicant_name",
            "organisation",
            "contact_phone",
            "purpose",
            "headcount",
            "on_behalf",
            "claimed_discounts",
            "discount_category",
            "discount_percent",
            "discount_confirmed",
            "price_lines",
            "base_amount",
            "surcharge_amount",
            "equipment_amount",
            "discount_amount",
            "adjustment_amount",
            "total_amount",
            "payment_due",
            "paid_amount",
            "refunded_amount",
            "payment_method",
            "paid_at",
            "refund_amount",
            "discount_decision",
            "discount_decision_reason",
            "cancelled_by_institution",
            "status_reason",
            "staff_note",
            "created_at",
            "events",
            "allowed_actions",
        ]

    @extend_schema_field(
        {"type": "array", "items": {"type": "string", "enum": sorted(_ALL_ACTIONS)}}
    )
    def get_allowed_actions(self, reservation: Reservation) -> list[str]:
        return sorted(allowed_actions(reservation, staff=self.context.get("staff", False)))


class ReservationCreateSerializer(FlatInputSerializer):
    facility = serializers.IntegerField(min_value=1)
    start = BoundedDateTimeField(help_text="ISO 8601, 시간대 포함. 예약 단위에 맞춰야 합니다.")
    end = BoundedDateTimeField()
    purpose = serializers.CharField(max_length=300)
    headcount = serializers.IntegerField(min_value=0, max_value=100000)
    organisation = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    discount_categories = serializers.ListField(
        child=DiscountCategoryField(),
        required=False,
        max_length=6,
        help_text="해당하는 감면 항목. 가장 큰 하나만 적용됩니다.",
    )
    equipment_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31), required=False, max_length=20
    )


def request_fields(d: dict) -> dict:
    """The booking service's arguments (``reservation_request``) from a validated
    ``ReservationCreateSerializer`` — the API's, and the waiting room's lane's
    (booking_lane.py), which must ask the service exactly what the API asks."""
    return {
        "start": d["start"],
        "end": d["end"],
        "purpose": d["purpose"],
        "headcount": d["headcount"],
        "organisation": d.get("organisation", ""),
        "contact_phone": d.get("contact_phone", ""),
        "discount_categories": d.get("discount_categories", []),
        "equipment_ids": d.get("equipment_ids", []),
    }


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "enum": ["", *DiscountCategory.values, None],
        "description": "생략하면 신청한 감면 유지, 빈 문자열이면 감면 없음",
    }
)
class ApproveDiscountField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[("", "감면 없음"), *DiscountCategory.choices], **kwargs)


class BookingApproveSerializer(serializers.Serializer):
    discount_category = ApproveDiscountField(required=False, allow_null=True)
    fee = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100_000_000,
        help_text="이용료를 직접 정할 때 (원)",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class BookingReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="신청자 취소는 선택, 기관 취소(담당자)는 필수",
    )


class BookingPaymentSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=0, max_value=100_000_000, help_text="원")
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


# -- facilities -------------------------------------------------------------------------


def _facility_queryset(request):
    return selectors.facilities_visible(request.user, request.institution).prefetch_related(
        "hours", "discounts", "refund_tiers", "equipment", "photos"
    )


FACILITY_ORDERING = Ordering(
    {"name": "name", "capacity": "capacity", "base_fee": "base_fee"}, default="name"
)


class FacilityListView(GenericAPIView):
    permission_classes = [permissions.AllowAny]
    # the list's model for the schema (filter parameters); the rows come from the selector
    queryset = Facility.objects.none()
    serializer_class = FacilitySerializer
    filter_backends = LIST_FILTERS
    filterset_class = FacilityFilterSet
    ordering_whitelist = FACILITY_ORDERING

    @extend_schema(
        tags=[TAG_FACILITIES],
        summary="시설 목록",
        parameters=[FACILITY_ORDERING.parameter()],
        responses={200: FacilitySerializer(many=True), **errors(400)},
    )
    def get(self, request):
        qs = self.filter_queryset(_facility_queryset(request).order_by("name", "id"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(FacilitySerializer(page, many=True).data)


class FacilityDetailView(GenericAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = FacilitySerializer

    @extend_schema(
        tags=[TAG_FACILITIES],
        summary="시설 상세",
        responses={200: FacilitySerializer, **errors(404)},
    )
    def get(self, request, id: int):
        facility = selectors.facility_for_user(request.user, request.institution, id)
        facility = Facility.objects.prefetch_related(
            "hours", "discounts", "refund_tiers", "equipment", "photos"
        ).get(pk=facility.pk)
        return Response(FacilitySerializer(facility).data)


class FacilityAvailabilityView(GenericAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = AvailabilitySerializer

    @extend_schema(
        tags=[TAG_FACILITIES],
        summary="예약 현황 (free / taken / closed, 예약자 정보 없음)",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATETIME, required=True, description="시작 시각"),
            OpenApiParameter(
                "to", OpenApiTypes.DATETIME, required=True, description="끝 시각 (최대 62일)"
            ),
        ],
        responses={200: AvailabilitySerializer, **errors(400, 404)},
    )
    def get(self, request, id: int):
        facility = selectors.facility_for_user(request.user, request.institution, id)
        query = AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        slots = availability.periods(
            facility, query.validated_data["from"], query.validated_data["to"]
        )
        return Response(
            AvailabilitySerializer(
                {"facility": facility.pk, "slot_minutes": facility.slot_minutes, "slots": slots}
            ).data
        )


# -- reservations ------------------------------------------------------------------------


def _reservations():
    return (
        Reservation.objects.filter(kind=Kind.BOOKING)
        .select_related("facility")
        .prefetch_related("events")
    )


def _out(request, reservation_or_rows, *, many: bool = False):
    """Bookings as the API shows them, ``allowed_actions`` answered for the caller: the
    booking managers' actions for a manager, the applicant's for anyone else."""
    staff = caps.can_manage_bookings(request.user, request.institution)
    return ReservationSerializer(reservation_or_rows, many=many, context={"staff": staff}).data


def _fresh(request, reservation):
    return Response(_out(request, _reservations().get(pk=reservation.pk)))


RESERVATION_ORDERING = Ordering(
    {"start": "start", "created_at": "created_at", "status": "status"}, default="-start"
)


TRUE = frozenset({"true", "1", "yes", "on"})


class ReservationListView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    # the list's model for the schema (filter parameters); the rows come from the selector
    queryset = Reservation.objects.none()
    serializer_class = ReservationSerializer
    filter_backends = LIST_FILTERS
    filterset_class = ReservationFilterSet
    ordering_whitelist = RESERVATION_ORDERING

    def get_throttles(self):
        if self.request.method == "POST":
            # Per account and per IP, one budget with the booking form (suite/ratelimit.py),
            # stricter than the general per-person rate, counted in one statement: in a rush
            # the general throttle's list read-and-write would cost more than a refusal.
            return [BookingWriteThrottle()]
        return super().get_throttles()

    @extend_schema(
        tags=[TAG_RESERVATIONS],
        summary="예약 목록 (본인 것, 담당자는 전체)",
        parameters=[RESERVATION_ORDERING.parameter()],
        responses={200: ReservationSerializer(many=True), **errors(400, 401)},
    )
    def get(self, request):
        # the ledger sums annotated, payments and orders prefetched: a page costs the same
        # whatever its length (tests/performance)
        qs = (
            _reservations()
            .with_money()
            .prefetch_related("ledger_entries", "payment_orders")
            .order_by("-start", "-id")
        )
        manager = caps.can_manage_bookings(request.user, request.institution)
        if not manager:
            qs = qs.filter(applicant=request.user)
        qs = self.filter_queryset(qs)
        page = self.paginate_queryset(qs)
        if manager and str(request.query_params.get("mine", "")).lower() not in TRUE:
            record_access(
                request,
                action="search",
                target="facility_booking.reservation:list",
                purpose="대관 신청 조회(API)",
                row_count=len(page or []),
            )
        return self.get_paginated_response(_out(request, page, many=True))

    @extend_schema(
        tags=[TAG_RESERVATIONS],
        summary="예약 신청",
        request=ReservationCreateSerializer,
        responses={201: ReservationSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request):
        data = ReservationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        # The facility and whether the time asked for is held already, in one statement:
        # a taken slot is refused from it (409) without the rules, locks or transaction.
        facility, taken = selectors.facility_for_booking(
            request.user, request.institution, d["facility"], start=d["start"], end=d["end"]
        )
        # The opening's waiting room (api_queue.py): no ticket → 403, sold out → 409.
        in_room = api_queue.admission(request, facility)
        with api_queue.attempted(facility, in_room):
            reservation = call_service(
                services.reservation_request,
                taken=taken,
                actor=request.user,
                institution=request.institution,
                facility=facility,
                **request_fields(d),
            )
        return Response(_out(request, _reservations().get(pk=reservation.pk)), status=201)


class ReservationDetailView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReservationSerializer

    @extend_schema(
        tags=[TAG_RESERVATIONS],
        summary="예약 상세",
        responses={200: ReservationSerializer, **errors(401, 404)},
    )
    def get(self, request, id: int):
        reservation = selectors.reservation_for_user(request.user, request.institution, id)
        if reservation.kind != Kind.BOOKING:
            raise selectors.Http404
        if reservation.applicant_id != request.user.pk:
            record_access(
                request,
                action="view",
                target=f"facility_booking.reservation:{reservation.pk}",
                purpose="대관 신청 확인(API)",
                subject_id=reservation.applicant_id,
            )
        return _fresh(request, reservation)


class ManagerActionView(GenericAPIView):
    """Base for the booking managers' actions: ``ManagerPermission`` (outsiders 404, members
    who are not booking managers 403 with the reason) before any lookup; an action the
    booking does not allow now (``allowed_actions``) is a 409 before any input is read."""

    permission_classes = [ManagerPermission]
    serializer_class = ReservationSerializer
    action_name = ""

    def booking(self, request, id):
        try:
            reservation = _reservations().get(pk=int(id))
        except (Reservation.DoesNotExist, ValueError, OverflowError):
            raise selectors.Http404 from None
        if self.action_name not in allowed_actions(reservation, staff=True):
            raise Conflict(message("invalid_transition", current=reservation.get_status_display()))
        return reservation

    def done(self, reservation):
        return _fresh(self.request, reservation)


class ApproveView(ManagerActionView):
    action_name = "approve"

    @extend_schema(
        tags=[TAG_RESERVATIONS],
        summary="승인 (감면·이용료 확정, 메모)",
        request=BookingApproveSerializer,
        responses={200: ReservationSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        reservation = self.booking(request, id)
        data = BookingApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        category = d.get("discount_category", None)
        reservation = call_service(
            services.reservation_approve,
            actor=request.user,
            institution=request.institution,
            reservation=reservation,
            discount_category=category,
            fee=d.get("fee"),
            note=d.get("note", ""),
        )
        return self.done(reservation)


class RejectView(ManagerActionView):
    action_name = "reject"

    @extend_schema(
        tags=[TAG_RESERVATIONS],
        summary="반려 (사유 필수)",
        request=BookingReasonSerializer,
        responses={200: ReservationSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        reservation = self.booking(request, id)
        data = BookingReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reservation = call_service(
            services.reservation_reject,
            actor=request.user,
            institution=request.institution,
            reservation=reservation,
            reason=data.validated_data["reason"],
        )
        return self.done(reservation)


class RecordPaymentView(ManagerActionView):
    action_name = "record_payment"

    @extend_schema(
        tags=[TAG_RESERVATIONS],
        summary="결제 기록 (금액, 방법)",
        request=BookingPaymentSerializer,
        responses={200: ReservationSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        reservation = self.booking(request, id)
        data = BookingPaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        reservation = call_service(
            services.reservation_record_payment,
            actor=request.user,
            institution=request.institution,
            reservation=reservation,
            amount=d["amount"],
            method=d["method"],
            note=d.get("note", ""),
        )
        return self.done(reservation)


class CancelView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReservationSerializer

    @extend_schema(
        tags=[TAG_RESERVATIONS],
        summary="취소 (신청자: 환불 기준 적용 / 담당자: 기관 취소, 전액 환불)",
        request=BookingCancelSerializer,
        responses={200: ReservationSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request, id: int):
        reservation = selectors.reservation_for_user(request.user, request.institution, id)
        if reservation.kind != Kind.BOOKING:
            raise selectors.Http404
        data = BookingCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        by_institution = reservation.applicant_id != request.user.pk
        reservation = call_service(
            services.reservation_cancel,
            actor=request.user,
            institution=request.institution,
            reservation=reservation,
            reason=data.validated_data.get("reason", ""),
            by_institution=by_institution,
        )
        return _fresh(request, reservation)
