"""Fair-booking API on an institution host (/api/v1/), the same services as the pages:
lottery rounds (list, detail with the public result by booking number, apply with
ranked choices, withdraw, one's applications), the waitlist (join with one's place in
line, list, leave), recurring club bookings (apply, list, every date, cancel dates)
and one's booking restrictions.

Anonymous → 401; rounds follow facility visibility (another institution's id → 404);
a series or waitlist entry of someone else → 404. Rule violations → 400 with Korean
messages and nothing stored; a taken slot or an illegal state → 409.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.errors import Conflict
from facility_booking import selectors, selectors_fair
from facility_booking.api import (
    BoundedDateTimeField,
    DiscountCategoryField,
    FacilityRefSerializer,
    errors,
)
from facility_booking.api import call_service as _call_service
from facility_booking.errors import BookingError
from facility_booking.models import (
    ACTIVE_BOOKING_STATES,
    ApplicationStatus,
    Kind,
    LotteryApplication,
    LotteryRound,
    RecurringSeries,
    Reservation,
    RoundStatus,
    WaitlistEntry,
)
from facility_booking.rules import in_range
from facility_booking.services import lottery, series, waitlist
from suite.ratelimit import BookingWriteThrottle

TAG_FAIR = "대관 추첨·대기·정기대관"

# Refusals that say "not in this state (any more)": a conflict, like a taken slot.
CONFLICT_CODES = {"waitlist_not_waiting", "round_not_applying", "round_finished"}


def call_service(function, **kwargs):
    """``facility_booking.api.call_service`` plus fair booking's state refusals as 409."""
    try:
        return _call_service(function, **kwargs)
    except BookingError as error:
        if error.booking_code in CONFLICT_CODES:
            raise Conflict(error.messages[0]) from None
        raise


class _PostThrottled:
    """Applications are booking attempts: a POST draws from the booking budgets, per
    account and per IP, shared with the booking form, the booking API and the fair-booking
    pages (suite/ratelimit.py: 429 in the one error shape with Retry-After; nothing is
    stored). Counted in one statement, like ``ReservationListView``."""

    def get_throttles(self):
        if self.request.method == "POST":  # type: ignore[attr-defined]
            return [BookingWriteThrottle()]
        return super().get_throttles()  # type: ignore[misc]


# -- lottery -----------------------------------------------------------------------------


class LotterySlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    outcome = serializers.CharField()
    booking_number = serializers.CharField(
        allow_blank=True, help_text="추첨 후 당첨 예약번호 (당첨자는 예약번호로만 공개)"
    )


class LotteryRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    facility = FacilityRefSerializer()
    status = serializers.CharField()
    phase = serializers.CharField(
        help_text="upcoming | applying | waiting_draw | drawn | cancelled"
    )
    phase_label = serializers.CharField()
    apply_opens_at = serializers.DateTimeField()
    apply_closes_at = serializers.DateTimeField()
    residents_only = serializers.BooleanField()
    max_wins = serializers.IntegerField()
    max_choices = serializers.IntegerField()
    seed_commitment = serializers.CharField(help_text="추첨 전 공개되는 비밀값의 SHA-256")
    seed_secret = serializers.CharField(allow_blank=True, help_text="추첨 후에만 공개")
    seed = serializers.CharField(allow_blank=True)
    drawn_at = serializers.DateTimeField(allow_null=True)


class LotteryRoundDetailSerializer(LotteryRoundSerializer):
    slots = LotterySlotSerializer(many=True)


def round_data(round: LotteryRound, *, with_slots: bool = False) -> dict:
    now = timezone.now()
    drawn = round.status == RoundStatus.DRAWN
    data = {
        "id": round.pk,
        "title": round.title,
        "description": round.description,
        "facility": {"id": round.facility_id, "name": round.facility.name},
        "status": round.status,
        "phase": round.phase(now),
        "phase_label": round.phase_label(now),
        "apply_opens_at": round.apply_opens_at,
        "apply_closes_at": round.apply_closes_at,
        "residents_only": round.residents_only,
        "max_wins": round.max_wins,
        "max_choices": round.max_choices,
        "seed_commitment": round.seed_commitment,
        "seed_secret": round.seed_secret if drawn else "",
        "seed": round.seed if drawn else "",
        "drawn_at": round.drawn_at,
    }
    if with_slots:
        numbers = (round.result or {}).get("numbers", {}) if drawn else {}
        data["slots"] = [
            {
                "id": s.pk,
                "start": s.start,
                "end": s.end,
                "outcome": s.outcome,
                "booking_number": numbers.get(str(s.pk), ""),
            }
            for s in round.slots.order_by("start", "id")
        ]
    return data


class LotteryChoiceOutSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    slot = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class LotteryApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    round_title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    purpose = serializers.CharField()
    headcount = serializers.IntegerField()
    organisation = serializers.CharField()
    choices = LotteryChoiceOutSerializer(many=True)
    won_bookings = serializers.ListField(
        child=serializers.IntegerField(), help_text="당첨으로 만들어진 예약 id"
    )


def application_data(application: LotteryApplication) -> dict:
    return {
        "id": application.pk,
        "round": application.round_id,
        "round_title": application.round.title,
        "status": application.status,
        "status_label": application.get_status_display(),
        "purpose": application.purpose,
        "headcount": application.headcount,
        "organisation": application.organisation,
        "choices": [
            {"rank": c.rank, "slot": c.slot_id, "start": c.slot.start, "end": c.slot.end}
            for c in application.choices.all()
        ],
        "won_bookings": [s.reservation_id for s in application.won_slots.all() if s.reservation_id],
    }


class LotteryApplySerializer(serializers.Serializer):
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        min_length=1,
        max_length=10,
        help_text="희망 시간(slot id)을 1지망부터 순서대로",
    )
    purpose = serializers.CharField(max_length=300)
    contact_phone = serializers.CharField(max_length=30)
    headcount = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    organisation = serializers.CharField(max_length=100, required=False, allow_blank=True)
    discount_categories = serializers.ListField(
        child=DiscountCategoryField(), required=False, max_length=10
    )


class LotteryRoundListView(GenericAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = LotteryRoundSerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="추첨 목록 (진행 중·지난 추첨)",
        responses={200: LotteryRoundSerializer(many=True)},
    )
    def get(self, request):
        rounds = selectors_fair.rounds_visible(request.user, request.institution)
        page = self.paginate_queryset(rounds) or []
        return self.get_paginated_response([round_data(r) for r in page])


class LotteryRoundDetailView(GenericAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = LotteryRoundDetailSerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="추첨 상세 (대상 시간, 추첨 후 당첨 예약번호)",
        responses={200: LotteryRoundDetailSerializer, **errors(404)},
    )
    def get(self, request, id: int):
        round = selectors_fair.round_for_user(request.user, request.institution, id)
        return Response(round_data(round, with_slots=True))


class LotteryApplyView(_PostThrottled, GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = LotteryApplicationSerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="추첨 신청 (신청 기간 중, 다시 보내면 신청 변경)",
        request=LotteryApplySerializer,
        responses={201: LotteryApplicationSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request, id: int):
        round = selectors_fair.round_for_user(request.user, request.institution, id)
        data = LotteryApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        application = call_service(
            lottery.lottery_apply,
            actor=request.user,
            round=round,
            choices=d["choices"],
            purpose=d["purpose"],
            contact_phone=d["contact_phone"],
            headcount=d["headcount"],
            organisation=d.get("organisation", ""),
            discount_categories=d.get("discount_categories", []),
            institution=request.institution,
        )
        fresh = selectors_fair.applications_of(request.user).get(pk=application.pk)
        return Response(application_data(fresh), status=201)


class LotteryWithdrawView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = LotteryApplicationSerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="추첨 신청 취소 (마감 전)",
        request=None,
        responses={200: LotteryApplicationSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request, id: int):
        round = selectors_fair.round_for_user(request.user, request.institution, id)
        mine = selectors_fair.application_of(request.user, round)
        if mine is None or mine.status == ApplicationStatus.WITHDRAWN:
            raise selectors.Http404
        call_service(
            lottery.lottery_withdraw,
            actor=request.user,
            application=mine,
            institution=request.institution,
        )
        fresh = selectors_fair.applications_of(request.user).get(pk=mine.pk)
        return Response(application_data(fresh))


class MyLotteryApplicationsView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = LotteryApplicationSerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="내 추첨 신청",
        responses={200: LotteryApplicationSerializer(many=True), **errors(401)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors_fair.applications_of(request.user)) or []
        return self.get_paginated_response([application_data(a) for a in page])


# -- waitlist ------------------------------------------------------------------------------


class WaitlistEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    facility = FacilityRefSerializer()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    position = serializers.IntegerField(allow_null=True, help_text="1 = 다음 순서")
    offer_due = serializers.DateTimeField(allow_null=True, help_text="제안된 예약의 결제 기한")
    reservation = serializers.IntegerField(allow_null=True, help_text="제안·확정된 예약 id")


def entry_data(entry: WaitlistEntry) -> dict:
    return {
        "id": entry.pk,
        "facility": {"id": entry.facility_id, "name": entry.facility.name},
        "start": entry.start,
        "end": entry.end,
        "status": entry.status,
        "status_label": entry.get_status_display(),
        "position": selectors_fair.waitlist_position(entry),
        "offer_due": entry.offer_due,
        "reservation": entry.reservation_id,
    }


class WaitlistJoinSerializer(serializers.Serializer):
    facility = serializers.IntegerField(min_value=1, max_value=2**62)
    start = BoundedDateTimeField()
    end = BoundedDateTimeField()
    purpose = serializers.CharField(max_length=300)
    contact_phone = serializers.CharField(max_length=30)
    headcount = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    organisation = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["끝 시각은 시작 시각보다 늦어야 합니다."]})
        return attrs


class WaitlistView(_PostThrottled, GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = WaitlistEntrySerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="내 예약대기 (순번 포함)",
        responses={200: WaitlistEntrySerializer(many=True), **errors(401)},
    )
    def get(self, request):
        qs = (
            WaitlistEntry.objects.filter(applicant=request.user)
            .select_related("facility")
            .order_by("-created_at", "-id")
        )
        page = self.paginate_queryset(qs) or []
        return self.get_paginated_response([entry_data(e) for e in page])

    @extend_schema(
        tags=[TAG_FAIR],
        summary="예약대기 신청 (이미 예약된 시간에만)",
        request=WaitlistJoinSerializer,
        responses={201: WaitlistEntrySerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request):
        data = WaitlistJoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        facility = selectors.facility_for_user(request.user, request.institution, d["facility"])
        entry = call_service(
            waitlist.waitlist_join,
            actor=request.user,
            facility=facility,
            start=d["start"],
            end=d["end"],
            purpose=d["purpose"],
            contact_phone=d["contact_phone"],
            headcount=d["headcount"],
            organisation=d.get("organisation", ""),
            institution=request.institution,
        )
        return Response(entry_data(entry), status=201)


class WaitlistCancelView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = WaitlistEntrySerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="예약대기 취소",
        request=None,
        responses={200: WaitlistEntrySerializer, **errors(401, 404, 409)},
    )
    def post(self, request, id: int):
        entry = selectors_fair.waitlist_entry_for(request.user, id)
        entry = call_service(
            waitlist.waitlist_cancel,
            actor=request.user,
            entry=entry,
            institution=request.institution,
        )
        return Response(entry_data(entry))


# -- recurring series -------------------------------------------------------------------------


class SeriesDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    reservation = serializers.IntegerField(allow_null=True)
    number = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    total_amount = serializers.IntegerField(allow_null=True)
    clash = serializers.CharField(allow_blank=True, help_text="겹침·불가 사유")


class SeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    facility = FacilityRefSerializer()
    organisation = serializers.CharField()
    pattern = serializers.CharField()
    weekday = serializers.IntegerField()
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M")
    first_date = serializers.DateField()
    last_date = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    bill = serializers.DictField(allow_null=True, help_text="한 번에 결제하는 청구")


class SeriesDetailSerializer(SeriesSerializer):
    dates = SeriesDateSerializer(many=True)


def series_data(item: RecurringSeries, *, with_dates: bool = False) -> dict:
    bill: Reservation | None = selectors_fair.series_bill(item)
    data = {
        "id": item.pk,
        "number": item.number,
        "facility": {"id": item.facility_id, "name": item.facility.name},
        "organisation": item.organisation,
        "pattern": selectors_fair.series_pattern(item),
        "weekday": item.weekday,
        "start_time": item.start_time,
        "end_time": item.end_time,
        "first_date": item.first_date,
        "last_date": item.last_date,
        "status": item.status,
        "status_label": item.get_status_display(),
        "bill": None
        if bill is None
        else {
            "id": bill.pk,
            "number": bill.number,
            "status": bill.status,
            "total_amount": bill.total_amount,
            "payment_due": bill.payment_due,
        },
    }
    if with_dates:
        data["dates"] = [
            {
                "date": row["date"],
                "reservation": row["reservation"].pk if row["reservation"] else None,
                "number": row["reservation"].number if row["reservation"] else "",
                "status": row["reservation"].status if row["reservation"] else "",
                "total_amount": row["reservation"].total_amount if row["reservation"] else None,
                "clash": row["clash"],
            }
            for row in selectors_fair.series_calendar(item)
        ]
    return data


class SeriesApplySerializer(serializers.Serializer):
    facility = serializers.IntegerField(min_value=1, max_value=2**62)
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0=월요일 … 6=일요일")
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    first_date = serializers.DateField()
    last_date = serializers.DateField()
    organisation = serializers.CharField(max_length=100)
    purpose = serializers.CharField(max_length=300)
    contact_phone = serializers.CharField(max_length=30)
    headcount = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    discount_categories = serializers.ListField(
        child=DiscountCategoryField(), required=False, max_length=10
    )

    def validate(self, attrs):
        for name in ("first_date", "last_date"):
            if not in_range(attrs[name]):
                raise serializers.ValidationError({name: ["예약할 수 없는 날짜입니다."]})
        if attrs["end_time"] <= attrs["start_time"]:
            raise serializers.ValidationError(
                {"end_time": ["종료 시각은 시작 시각보다 늦어야 합니다."]}
            )
        return attrs


class SeriesCancelSerializer(serializers.Serializer):
    dates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        max_length=200,
        help_text="취소할 날짜의 예약 id (비우면 남은 날짜 전부)",
    )
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class SeriesListView(_PostThrottled, GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = SeriesSerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="내 정기대관",
        responses={200: SeriesSerializer(many=True), **errors(401)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors_fair.series_of(request.user)) or []
        return self.get_paginated_response([series_data(s) for s in page])

    @extend_schema(
        tags=[TAG_FAIR],
        summary="정기대관 신청 (요일·시간·기간을 한 번에)",
        request=SeriesApplySerializer,
        responses={201: SeriesDetailSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request):
        data = SeriesApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        facility = selectors.facility_for_user(request.user, request.institution, d.pop("facility"))
        created = call_service(
            series.series_apply,
            actor=request.user,
            facility=facility,
            institution=request.institution,
            **d,
        )
        return Response(series_data(created, with_dates=True), status=201)


def _own_series(request, id) -> RecurringSeries:
    item = selectors_fair.series_for_user(request.user, request.institution, id)
    if item.applicant_id != request.user.pk:
        raise selectors.Http404
    return item


class SeriesDetailView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = SeriesDetailSerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="정기대관 상세 (모든 날짜와 겹침, 청구)",
        responses={200: SeriesDetailSerializer, **errors(401, 404)},
    )
    def get(self, request, id: int):
        return Response(series_data(_own_series(request, id), with_dates=True))


class SeriesCancelView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = SeriesDetailSerializer

    @extend_schema(
        tags=[TAG_FAIR],
        summary="정기대관 취소 (고른 날짜 또는 남은 날짜 전부, 환불 기준 적용)",
        request=SeriesCancelSerializer,
        responses={200: SeriesDetailSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request, id: int):
        item = _own_series(request, id)
        data = SeriesCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        ahead = {
            r.pk
            for r in selectors_fair.series_dates(item)
            if r.kind == Kind.BOOKING
            and r.status in ACTIVE_BOOKING_STATES
            and r.start > timezone.now()
        }
        picked = d.get("dates") or None
        if picked and not set(picked) <= ahead:
            raise serializers.ValidationError({"dates": ["취소할 수 없는 날짜가 있습니다."]})
        result = call_service(
            series.series_cancel,
            actor=request.user,
            series=item,
            dates=picked,
            reason=d.get("reason", ""),
            institution=request.institution,
        )
        body = series_data(RecurringSeries.objects.get(pk=item.pk), with_dates=True)
        body["cancelled"] = result["cancelled"]
        body["refund"] = result["refund"]
        return Response(body)


# -- restrictions ---------------------------------------------------------------------------------


class SanctionSerializer(serializers.Serializer):
    facility = FacilityRefSerializer(allow_null=True, help_text="null: 기관의 모든 시설")
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    active = serializers.BooleanField()


class MyStandingView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = SanctionSerializer
    pagination_class = None  # at most 100 rows, answered as one object (not a page)

    @extend_schema(
        tags=[TAG_FAIR],
        summary="내 이용 제한 (사유, 종료일)",
        responses={
            200: inline_serializer("MyStanding", {"results": SanctionSerializer(many=True)}),
            **errors(401),
        },
    )
    def get(self, request):
        now = timezone.now()
        rows = [
            {
                "facility": {"id": s.facility_id, "name": s.facility.name} if s.facility else None,
                "reason": s.reason,
                "starts_at": s.starts_at,
                "ends_at": s.lifted_at or s.ends_at,
                "active": s.is_active(now),
            }
            for s in selectors_fair.sanctions_of(request.user, now=now)[:100]
        ]
        return Response({"results": rows})
