"""The calendar API on an institution host: events, single occurrences, invitations."""

from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.filters import Ordering
from api.filtersets import LIST_FILTERS, WhitelistOrdering
from groupware.api_common import WorkspaceAPIView, errors, member_or_error, valid
from groupware.public import department_chain_of
from groupware.schedule import serializers as s
from groupware.schedule import services as cal_services
from groupware.schedule.filters import EventFilterSet
from groupware.schedule.models import Event
from groupware.schedule.occurrences import expand
from groupware.schedule.selectors import calendar_for, event_for, my_calendar_events

EVENT_ORDERING = Ordering(
    {"starts_at": "starts_at", "ends_at": "ends_at", "title": "title"}, default="starts_at"
)


class EventList(WorkspaceAPIView):
    # the list's model for the schema (filter parameters); the rows come from the selector
    queryset = Event.objects.none()
    serializer_class = s.EventSerializer
    filter_backends = LIST_FILTERS
    filterset_class = EventFilterSet
    ordering_whitelist = EVENT_ORDERING

    @extend_schema(
        tags=["groupware"],
        summary="일정 목록 (내 캘린더들 또는 한 캘린더, 기간과 겹치는 일정)",
        parameters=[EVENT_ORDERING.parameter()],
        responses={200: s.EventSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        # The FilterSet is read here, not only through filter_queryset: its window also
        # bounds the expansion of repeating events.
        mine = my_calendar_events(request.user, department_chain_of(request.user))
        filterset = EventFilterSet(request.query_params, queryset=mine, request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        window_start, window_end = filterset.window
        overlapping = filterset.qs.select_related("calendar")
        overlapping = overlapping.prefetch_related("attendees__user", "exceptions")
        ordered = WhitelistOrdering().filter_queryset(
            request, overlapping.order_by("starts_at", "id"), self
        )
        events: list[Event] = list(ordered)
        shown = {id(item.event) for item in expand(events, window_start, window_end)}
        return self.paginated([e for e in events if id(e) in shown], s.EventSerializer)

    @extend_schema(
        tags=["groupware"],
        summary="일정 등록 (종일이면 start_date·end_date, 아니면 starts_at·ends_at)",
        request=s.EventCreateSerializer,
        responses={201: s.EventSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        data = dict(valid(s.EventCreateSerializer, request))
        calendar_id = data.pop("calendar", None)
        if calendar_id:
            calendar = calendar_for(request.user, request.institution, calendar_id)
        else:
            calendar = cal_services.personal_calendar(request.user)
        attendees = [
            member_or_error(request.institution, pk, "attendees")
            for pk in dict.fromkeys(data.pop("attendees"))
        ]
        event = cal_services.event_create(
            actor=request.user,
            institution=request.institution,
            calendar=calendar,
            attendees=attendees,
            **data,
        )
        return Response(s.EventSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetail(WorkspaceAPIView):
    serializer_class = s.EventSerializer

    @extend_schema(
        tags=["groupware"],
        summary="일정",
        responses={200: s.EventSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        event = event_for(request.user, request.institution, pk)
        return Response(s.EventSerializer(event).data)

    @extend_schema(
        tags=["groupware"], summary="일정 삭제", responses={204: None, **errors(401, 403, 404)}
    )
    def delete(self, request, pk: int):
        event = event_for(request.user, request.institution, pk, write=True)
        cal_services.event_delete(actor=request.user, institution=request.institution, event=event)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EventOccurrence(WorkspaceAPIView):
    serializer_class = s.OccurrenceChangeSerializer

    @extend_schema(
        tags=["groupware"],
        summary="반복 일정 중 한 날짜만 변경하거나 삭제 (나머지 반복은 그대로)",
        request=s.OccurrenceChangeSerializer,
        responses={200: s.EventSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        event = event_for(request.user, request.institution, pk, write=True)
        data = dict(valid(s.OccurrenceChangeSerializer, request))
        original = data.pop("original_start").replace(microsecond=0)
        if data.pop("cancelled"):
            cal_services.occurrence_cancel(
                actor=request.user,
                institution=request.institution,
                event=event,
                original_start=original,
            )
        else:
            cal_services.occurrence_update(
                actor=request.user,
                institution=request.institution,
                event=event,
                original_start=original,
                **data,
            )
        event = event_for(request.user, request.institution, pk)
        return Response(s.EventSerializer(event).data)


class EventRespond(WorkspaceAPIView):
    serializer_class = s.RespondSerializer

    @extend_schema(
        tags=["groupware"],
        summary="초대에 참석/불참 응답",
        request=s.RespondSerializer,
        responses={200: s.EventSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        event = event_for(request.user, request.institution, pk)
        data = valid(s.RespondSerializer, request)
        cal_services.invitation_respond(
            actor=request.user, institution=request.institution, event=event, answer=data["answer"]
        )
        return Response(s.EventSerializer(event).data)
