"""The workspace API on an institution host: same capabilities as the pages.

Anonymous → 401, residents → 403, staff of another institution → 404,
a member without the right → 403. Errors in the one shape of api.errors.
"""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts import access
from accounts.models import User
from api.filters import Ordering
from api.serializers import ErrorSerializer
from groupware import api_serializers as s
from groupware import services as org_services
from groupware.boards import access as board_access
from groupware.boards import services as board_services
from groupware.boards.models import Post
from groupware.models import Absence, Department, StaffProfile
from groupware.org import directory_profiles, member_user_ids, subtree_ids
from groupware.schedule import access as cal_access
from groupware.schedule import services as cal_services
from groupware.schedule.models import Event
from groupware.schedule.occurrences import events_overlapping, expand, local_midnight

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="입력값 오류 (필드 옆 한국어 메시지)"),
    401: OpenApiResponse(ErrorSerializer, description="로그인 필요"),
    403: OpenApiResponse(ErrorSerializer, description="권한 없음 (주민, 권한 없는 구성원)"),
    404: OpenApiResponse(ErrorSerializer, description="없거나 다른 기관의 대상"),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


class IsWorkspaceMember(permissions.BasePermission):
    """Members of the host's institution; others get 404 (other staff) or 403 (residents)."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if getattr(request, "institution", None) is None:
            raise Http404
        access.refuse_outsider(request.user, request.institution)
        return True


class WorkspaceAPIView(GenericAPIView):
    permission_classes = [IsWorkspaceMember]

    def paginated(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


def _member(institution, user_id, field: str):
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, pk__in=member_user_ids(institution)).first()
    if user is None:
        raise serializers.ValidationError({field: _("이 기관의 구성원이 아닙니다.")})
    return user


# --- departments ---------------------------------------------------------------------


class DepartmentList(WorkspaceAPIView):
    serializer_class = s.DepartmentSerializer

    @extend_schema(
        tags=["groupware"],
        summary="부서 목록 (조직도)",
        responses={200: s.DepartmentSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request):
        return self.paginated(
            Department.objects.filter(is_active=True).order_by("order", "name", "id"),
            s.DepartmentSerializer,
        )

    @extend_schema(
        tags=["groupware"],
        summary="부서 추가 (기관 관리자)",
        request=s.DepartmentCreateSerializer,
        responses={201: s.DepartmentSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        data = _valid(s.DepartmentCreateSerializer, request)
        parent = None
        if data.get("parent") is not None:
            parent = Department.objects.filter(pk=data["parent"]).first()
            if parent is None:
                raise serializers.ValidationError({"parent": _("없는 부서입니다.")})
        department = org_services.department_create(
            actor=request.user,
            institution=request.institution,
            name=data["name"],
            parent=parent,
            kind=data["kind"],
            short_name=data["short_name"],
            order=data["order"],
            phone=data["phone"],
        )
        return Response(s.DepartmentSerializer(department).data, status=status.HTTP_201_CREATED)


class DepartmentDetail(WorkspaceAPIView):
    serializer_class = s.DepartmentSerializer

    @extend_schema(
        tags=["groupware"],
        summary="부서",
        responses={200: s.DepartmentSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        department = Department.objects.filter(pk=pk).first()
        if department is None:
            raise Http404
        return Response(s.DepartmentSerializer(department).data)


class DepartmentMove(WorkspaceAPIView):
    serializer_class = s.DepartmentMoveSerializer

    @extend_schema(
        tags=["groupware"],
        summary="부서 옮기기 (기관 관리자). 자기 하위 부서 아래로는 옮길 수 없음",
        request=s.DepartmentMoveSerializer,
        responses={200: s.DepartmentSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        department = Department.objects.filter(pk=pk).first()
        if department is None:
            raise Http404
        data = _valid(s.DepartmentMoveSerializer, request)
        parent = None
        if data["parent"] is not None:
            parent = Department.objects.filter(pk=data["parent"]).first()
            if parent is None:
                raise serializers.ValidationError({"parent": _("없는 부서입니다.")})
        department = org_services.department_move(
            actor=request.user,
            institution=request.institution,
            department=department,
            parent=parent,
        )
        return Response(s.DepartmentSerializer(department).data)


def _valid(serializer_class, request, *, query: bool = False):
    serializer = serializer_class(data=request.query_params if query else request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- people ----------------------------------------------------------------------------


class PeopleFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="이름·부서·담당 업무·내선"
    )
    department = serializers.IntegerField(
        required=False, min_value=1, max_value=s.MAX_ID, help_text="부서 id (하위 부서 포함)"
    )


PEOPLE_ORDERING = Ordering(
    {
        "name": "user__name",
        "department": ("department__order", "department__name", "position__level", "user__name"),
    },
    default="부서 순서, 직급, 이름. department는 같은 순서의 부서도 부서별로 묶음",
)


class PeopleList(WorkspaceAPIView):
    serializer_class = s.PersonSerializer

    @extend_schema(
        tags=["groupware"],
        summary="직원 검색 (주소록)",
        parameters=[PeopleFilter, PEOPLE_ORDERING.parameter()],
        responses={200: s.PersonSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        params = _valid(PeopleFilter, request, query=True)
        profiles = directory_profiles(request.institution)
        for word in (params.get("q") or "").split()[:5]:
            profiles = profiles.filter(
                Q(user__name__icontains=word)
                | Q(department__name__icontains=word)
                | Q(duties__icontains=word)
                | Q(extension__icontains=word)
            )
        if params.get("department"):
            profiles = profiles.filter(department_id__in=subtree_ids(params["department"]))
        profiles = profiles.order_by("department__order", "position__level", "user__name", "id")
        return self.paginated(
            PEOPLE_ORDERING.apply(profiles, request.query_params), s.PersonSerializer
        )


class PersonDetail(WorkspaceAPIView):
    serializer_class = s.PersonSerializer

    @extend_schema(
        tags=["groupware"],
        summary="직원",
        responses={200: s.PersonSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, user_id: int):
        profile = directory_profiles(request.institution).filter(user_id=user_id).first()
        if profile is None:
            raise Http404
        return Response(s.PersonSerializer(profile).data)


# --- boards and posts ------------------------------------------------------------------


class BoardList(WorkspaceAPIView):
    serializer_class = s.BoardSerializer

    @extend_schema(
        tags=["groupware"],
        summary="읽을 수 있는 게시판",
        responses={200: s.BoardSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request):
        boards = board_access.readable_boards(request.user, request.institution).order_by(
            "order", "name", "id"
        )
        return self.paginated(boards, s.BoardSerializer)


class BoardDetail(WorkspaceAPIView):
    serializer_class = s.BoardSerializer

    @extend_schema(
        tags=["groupware"],
        summary="게시판",
        responses={200: s.BoardSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        board = board_access.board_for(request.user, request.institution, pk)
        return Response(s.BoardSerializer(board, context=self.get_serializer_context()).data)


class PostFilter(serializers.Serializer):
    board = serializers.IntegerField(required=False, min_value=1, max_value=s.MAX_ID)
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="제목·본문 검색"
    )
    important = serializers.BooleanField(required=False, allow_null=True, default=None)


POST_ORDERING = Ordering(
    {"created_at": "created_at", "title": "title", "read_count": "read_count"},
    default="고정 글 먼저, 최신 글부터; 정렬을 지정하면 고정 여부와 관계없이 그 순서",
)


class PostList(WorkspaceAPIView):
    serializer_class = s.PostSerializer

    @extend_schema(
        tags=["groupware"],
        summary="게시글 목록 (기본: 고정 글 먼저)",
        parameters=[PostFilter, POST_ORDERING.parameter()],
        responses={200: s.PostSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        params = _valid(PostFilter, request, query=True)
        posts = Post.objects.live().filter(
            board__in=board_access.readable_boards(request.user, request.institution)
        )
        if params.get("board"):
            board = board_access.board_for(request.user, request.institution, params["board"])
            posts = posts.filter(board=board)
        from groupware.boards.search import search_posts

        posts = search_posts(posts, params.get("q") or "")
        if params.get("important") is not None:
            posts = posts.filter(is_important=params["important"])
        from django.db.models import BooleanField, Case, Value, When

        posts = posts.annotate(
            pinned=Case(
                When(pinned_until__gt=timezone.now(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        ).select_related("author")
        posts = posts.order_by("-pinned", "-created_at", "-id")
        return self.paginated(POST_ORDERING.apply(posts, request.query_params), s.PostSerializer)

    @extend_schema(
        tags=["groupware"],
        summary="글쓰기",
        request=s.PostCreateSerializer,
        responses={201: s.PostSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        data = dict(_valid(s.PostCreateSerializer, request))
        board = board_access.board_for(request.user, request.institution, data.pop("board"))
        post = board_services.post_create(
            actor=request.user, institution=request.institution, board=board, **data
        )
        return Response(s.PostSerializer(post).data, status=status.HTTP_201_CREATED)


class PostDetail(WorkspaceAPIView):
    serializer_class = s.PostSerializer

    @extend_schema(
        tags=["groupware"],
        summary="게시글 (읽음으로 기록)",
        responses={200: s.PostSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        post = board_access.post_for(request.user, request.institution, pk)
        board_services.post_mark_read(actor=request.user, post=post)
        post.refresh_from_db(fields=["read_count"])
        return Response(s.PostSerializer(post).data)

    @extend_schema(
        tags=["groupware"],
        summary="게시글 삭제 (작성자·관리자)",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request, pk: int):
        post = board_access.post_for(request.user, request.institution, pk)
        board_services.post_delete(actor=request.user, institution=request.institution, post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- events -------------------------------------------------------------------------


class EventFilter(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="시작일 (기본: 오늘)")
    end = serializers.DateField(
        required=False, help_text="종료일, 이 날 포함 (기본: 시작일부터 31일, 최대 366일)"
    )
    calendar = serializers.IntegerField(required=False, min_value=1, max_value=s.MAX_ID)

    def validate(self, data):
        start = data.get("start") or timezone.localdate()
        end = data.get("end") or start + timedelta(days=30)
        if not (1900 <= start.year <= 2200) or not (1900 <= end.year <= 2200):
            raise serializers.ValidationError(
                {"start": _("1900년부터 2200년 사이의 날짜를 입력해 주세요.")}
            )
        if end < start:
            raise serializers.ValidationError({"end": _("종료일은 시작일과 같거나 늦어야 합니다.")})
        if (end - start).days > 366:
            raise serializers.ValidationError({"end": _("최대 366일까지 조회할 수 있습니다.")})
        data["start"], data["end"] = start, end
        return data


def _events_for(request, calendar_id=None):
    if calendar_id:
        calendar = cal_access.calendar_for(request.user, request.institution, calendar_id)
        return Event.objects.filter(calendar=calendar)
    from groupware.dashboard import my_calendar_events
    from groupware.org import chain_up, profile_of

    profile = profile_of(request.user)
    chain = chain_up(profile.department_id) if profile and profile.department_id else []
    return my_calendar_events(request.user, chain)


EVENT_ORDERING = Ordering(
    {"starts_at": "starts_at", "ends_at": "ends_at", "title": "title"}, default="starts_at"
)


class EventList(WorkspaceAPIView):
    serializer_class = s.EventSerializer

    @extend_schema(
        tags=["groupware"],
        summary="일정 목록 (내 캘린더들 또는 한 캘린더, 기간과 겹치는 일정)",
        parameters=[EventFilter, EVENT_ORDERING.parameter()],
        responses={200: s.EventSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        params = _valid(EventFilter, request, query=True)
        window_start = local_midnight(params["start"])
        window_end = local_midnight(params["end"] + timedelta(days=1))
        events = events_overlapping(
            _events_for(request, params.get("calendar")), window_start, window_end
        )
        events = events.select_related("calendar").prefetch_related("attendees__user", "exceptions")
        events = list(
            EVENT_ORDERING.apply(events.order_by("starts_at", "id"), request.query_params)
        )
        shown = {item.event.pk for item in expand(events, window_start, window_end)}
        events = [e for e in events if e.pk in shown]
        return self.paginated(events, s.EventSerializer)

    @extend_schema(
        tags=["groupware"],
        summary="일정 등록 (종일이면 start_date·end_date, 아니면 starts_at·ends_at)",
        request=s.EventCreateSerializer,
        responses={201: s.EventSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        data = dict(_valid(s.EventCreateSerializer, request))
        calendar_id = data.pop("calendar", None)
        if calendar_id:
            calendar = cal_access.calendar_for(request.user, request.institution, calendar_id)
        else:
            calendar = cal_services.personal_calendar(request.user)
        attendees = [
            _member(request.institution, pk, "attendees")
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
        event = cal_access.event_for(request.user, request.institution, pk)
        return Response(s.EventSerializer(event).data)

    @extend_schema(
        tags=["groupware"], summary="일정 삭제", responses={204: None, **errors(401, 403, 404)}
    )
    def delete(self, request, pk: int):
        event = cal_access.event_for(request.user, request.institution, pk, write=True)
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
        event = cal_access.event_for(request.user, request.institution, pk, write=True)
        data = dict(_valid(s.OccurrenceChangeSerializer, request))
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
        event = cal_access.event_for(request.user, request.institution, pk)
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
        event = cal_access.event_for(request.user, request.institution, pk)
        data = _valid(s.RespondSerializer, request)
        cal_services.invitation_respond(
            actor=request.user, institution=request.institution, event=event, answer=data["answer"]
        )
        return Response(s.EventSerializer(event).data)


# --- absences ------------------------------------------------------------------------


class AbsenceFilter(serializers.Serializer):
    date = serializers.DateField(
        required=False, help_text="이 날 부재 중인 사람 (생략하면 현재·예정 부재)"
    )
    department = serializers.IntegerField(required=False, min_value=1, max_value=s.MAX_ID)

    def validate_date(self, value):
        if not (1900 <= value.year <= 2200):
            raise serializers.ValidationError(_("1900년부터 2200년 사이의 날짜를 입력해 주세요."))
        return value


ABSENCE_ORDERING = Ordering(
    {"starts_at": "starts_at", "ends_at": "ends_at", "name": "user__name"}, default="starts_at"
)


class AbsenceList(WorkspaceAPIView):
    serializer_class = s.AbsenceSerializer

    @extend_schema(
        tags=["groupware"],
        summary="부재(출장·휴가·교육)와 대결자",
        parameters=[AbsenceFilter, ABSENCE_ORDERING.parameter()],
        responses={200: s.AbsenceSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        params = _valid(AbsenceFilter, request, query=True)
        rows = Absence.objects.filter(user_id__in=member_user_ids(request.institution))
        if params.get("date"):
            start = timezone.make_aware(datetime.combine(params["date"], time.min))
            rows = rows.filter(starts_at__lt=start + timedelta(days=1), ends_at__gt=start)
        else:
            rows = rows.filter(ends_at__gt=timezone.now())
        if params.get("department"):
            rows = rows.filter(
                user_id__in=StaffProfile.objects.filter(
                    department_id__in=subtree_ids(params["department"])
                ).values("user_id")
            )
        rows = rows.select_related("user", "deputy").order_by("starts_at", "id")
        return self.paginated(
            ABSENCE_ORDERING.apply(rows, request.query_params), s.AbsenceSerializer
        )

    @extend_schema(
        tags=["groupware"],
        summary="부재 등록 (본인, 또는 관리자가 다른 사람)",
        request=s.AbsenceCreateSerializer,
        responses={201: s.AbsenceSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        data = _valid(s.AbsenceCreateSerializer, request)
        user = _member(request.institution, data.get("user"), "user") or request.user
        deputy = _member(request.institution, data.get("deputy"), "deputy")
        absence = org_services.absence_create(
            actor=request.user,
            institution=request.institution,
            user=user,
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            deputy=deputy,
            reason=data["reason"],
        )
        return Response(s.AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)
