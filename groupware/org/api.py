"""The org chart API on an institution host: departments, people, absences.

Anonymous → 401, anyone not staff here → 404, a member without the right → 403.
Errors in the one shape of api.errors.
"""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.filters import Ordering
from groupware.api_common import MAX_ID, WorkspaceAPIView, errors, member_or_error, valid
from groupware.org import serializers as s
from groupware.org import services as org_services
from groupware.org.models import Absence, Department, StaffProfile
from groupware.org.selectors import directory_profiles, member_user_ids, subtree_ids


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
        data = valid(s.DepartmentCreateSerializer, request)
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
        data = valid(s.DepartmentMoveSerializer, request)
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


class PeopleFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="이름·부서·담당 업무·내선"
    )
    department = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="부서 id (하위 부서 포함)"
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
        params = valid(PeopleFilter, request, query=True)
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


class AbsenceFilter(serializers.Serializer):
    date = serializers.DateField(
        required=False, help_text="이 날 부재 중인 사람 (생략하면 현재·예정 부재)"
    )
    department = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

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
        params = valid(AbsenceFilter, request, query=True)
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
        data = valid(s.AbsenceCreateSerializer, request)
        user = member_or_error(request.institution, data.get("user"), "user") or request.user
        deputy = member_or_error(request.institution, data.get("deputy"), "deputy")
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
