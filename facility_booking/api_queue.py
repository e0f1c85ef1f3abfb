"""The waiting room over the API (/api/v1/facilities/<id>/queue/): join the line, ask
where you stand. Same rules and answers as the page (facility_booking/waiting_room.py).

``GET`` answers from the room's snapshot and, when the client sends back the ``place``
token it was given (``?place=…``), without reading the database for the person's place.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, throttling
from rest_framework.exceptions import Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.errors import Conflict
from api.serializers import ErrorSerializer
from facility_booking import selectors
from facility_booking import waiting_room as wr
from suite import ratelimit

TAG = "대관 대기열"


class StandingSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[wr.OFF, wr.NOT_JOINED, wr.WAITING, wr.ADMITTED, wr.EXPIRED, wr.SOLD_OUT],
        help_text="off: 대기열 없음(바로 예약) · not_joined · waiting · admitted: 예약 가능 · "
        "expired: 예약 가능 시간 지남(다시 줄 서기) · sold_out: 마감",
    )
    position = serializers.IntegerField(allow_null=True, help_text="내 순번 (도착 순)")
    ahead = serializers.IntegerField(allow_null=True, help_text="앞에서 기다리는 사람 수")
    estimate_seconds = serializers.IntegerField(allow_null=True, help_text="예상 대기(초)")
    admitted_at = serializers.DateTimeField(allow_null=True)
    book_until = serializers.DateTimeField(allow_null=True, help_text="이때까지 예약 가능")
    poll_after = serializers.IntegerField(help_text="다시 물어볼 때까지(초). 0: 묻지 않아도 됨")
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField(
        allow_blank=True, help_text="순번 증표: GET ?place= 로 돌려 보내면 더 빨리 답합니다"
    )


ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="로그인 필요"),
    404: OpenApiResponse(ErrorSerializer, description="없거나 볼 수 없는 시설"),
    429: OpenApiResponse(ErrorSerializer, description="요청이 너무 많음 (Retry-After)"),
}


def _answer(request, state, place, now, status=200) -> Response:
    standing = wr.standing(state, place, now)
    body = standing.as_dict()
    binding = wr.credential_binding(request.META.get("HTTP_AUTHORIZATION", ""))
    body["place"] = (
        wr.place_token(state, request.user, place, binding=binding) if (state and place) else ""
    )
    response = Response(body, status=status)
    if standing.poll_after:
        response["Retry-After"] = str(standing.poll_after)
    response["Cache-Control"] = "no-store"
    return response


class QueueThrottle(throttling.BaseThrottle):
    """Polls and joins, per account at the API's ``user`` rate, counted in one statement
    (suite/ratelimit.py) — the default throttle's read-and-write of a list per request is
    the dearest part of a poll on the database cache."""

    def __init__(self) -> None:
        self.refusal: ratelimit.Refusal | None = None

    def allow_request(self, request, view) -> bool:
        self.refusal = ratelimit.check(
            request, action="queue_poll", account_scope="user", ip_scope=None
        )
        return self.refusal is None

    def wait(self) -> float | None:
        return float(self.refusal.wait) if self.refusal else None


class QueueView(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = StandingSerializer
    throttle_classes = [QueueThrottle]

    @extend_schema(
        tags=[TAG],
        summary="대기열에서 내 위치",
        parameters=[OpenApiParameter("place", str, description="줄 설 때 받은 순번 증표")],
        responses={200: StandingSerializer, **ERRORS},
    )
    def get(self, request, id: int):
        now = timezone.now()
        state = wr.room_state(int(id), now=now)
        place = None
        if state is not None:
            place = wr.place_from_token(request.query_params.get("place", ""), state, request.user)
        if place is None:
            # No valid token: the facility checked, the person's place read once.
            selectors.facility_for_user(request.user, request.institution, id)
            if state is not None:
                place = wr.place_of(state, request.user)
        return _answer(request, state, place, now)

    @extend_schema(
        tags=[TAG],
        summary="대기열에 줄 서기",
        description="도착 순서대로 순번을 받습니다. 한 사람에 한 자리(다시 보내도 같은 순번). "
        "대기열이 없으면 state=off, 마감이면 state=sold_out.",
        request=None,
        responses={201: StandingSerializer, 200: StandingSerializer, **ERRORS},
    )
    def post(self, request, id: int):
        facility = selectors.facility_for_user(request.user, request.institution, id)
        refusal = ratelimit.check(request, action="queue")
        if refusal is not None:
            raise Throttled(wait=refusal.wait)
        now = timezone.now()
        state = wr.room_state(facility.pk, now=now)
        if state is None or not state.active(now) or state.sold_out:
            return _answer(request, state, None, now)
        place, created = wr.place_join(user=request.user, state=state, now=now)
        return _answer(request, state, place, now, status=201 if created else 200)


# -- the booking endpoint's guard ---------------------------------------------------------


class AdmissionRefused(exceptions.PermissionDenied):
    """403: the facility's waiting room runs and this person has no valid ticket."""

    keep_message = True


class SoldOut(Conflict):
    """409: every slot of the opening is taken (answered from the room's flag)."""

    keep_message = True


def admission(request, facility) -> bool:
    """Before a booking is made over the API: raise the room's refusal (403
    ``admission_required`` / ``admission_expired``, 409 ``sold_out``); True when the room
    runs (the caller then reports the attempt with ``attempted``)."""
    now = timezone.now()
    state = wr.room_state(facility.pk, now=now)
    if state is None or not state.active(now):
        return False
    try:
        wr.admission_check(
            user=request.user, institution=request.institution, facility_id=facility.pk, now=now
        )
    except wr.AdmissionRequired as refusal:
        raise AdmissionRefused(refusal.message, refusal.code) from None
    if state.sold_out and now >= state.opens_at:
        raise SoldOut(wr.admission_message(wr.CODE_SOLD_OUT), wr.CODE_SOLD_OUT)
    return True


@contextmanager
def attempted(facility, running: bool):
    """Around the booking service while the room runs: the room re-counts its free slots
    after a booking was made. (A refusal — the slot was taken — changes no count; the
    periodic re-check covers cancellations.)"""
    yield
    if running:
        wr.note_booking_attempt(facility)
