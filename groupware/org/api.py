"""The org chart API on an institution host: departments, people, absences.

Anonymous → 401, anyone not staff here → 404, a member without the right → 403.
Errors in the one shape of api.errors.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.filters import Ordering
from api.filtersets import LIST_FILTERS
from groupware.api_common import WorkspaceAPIView, errors, member_or_error, valid
from groupware.org import serializers as s
from groupware.org import services as org_services
from groupware.org.filters import AbsenceFilterSet, PeopleFilterSet
from groupware.org.models import Absence, Department, StaffProfile
from groupware.org.selectors import directory_profiles, member_user_ids


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


PEOPLE_ORDERING = Ordering(
    {
        "name": "user__name",
        "department": ("department__order", "department__name", "position__level", "user__name"),
    },
    default="부서 순서, 직급, 이름. department는 같은 순서의 부서도 부서별로 묶음",
)


class PeopleList(WorkspaceAPIView):
    serializer_class = s.PersonSerializer
    filter_backends = LIST_FILTERS
    filterset_class = PeopleFilterSet
    ordering_whitelist = PEOPLE_ORDERING

    def get_queryset(self):
        """The institution's directory (schema generation: none)."""
        if getattr(self, "swagger_fake_view", False):
            return StaffProfile.objects.none()
        return directory_profiles(getattr(self.request, "institution", None))

    @extend_schema(
        tags=["groupware"],
        summary="직원 검색 (주소록)",
        parameters=[PEOPLE_ORDERING.parameter()],
        responses={200: s.PersonSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        profiles = self.get_queryset().order_by(
            "department__order", "position__level", "user__name", "id"
        )
        return self.paginated(self.filter_queryset(profiles), s.PersonSerializer)


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


ABSENCE_ORDERING = Ordering(
    {"starts_at": "starts_at", "ends_at": "ends_at", "name": "user__name"}, default="starts_at"
)


class AbsenceList(WorkspaceAPIView):
    serializer_class = s.AbsenceSerializer
    filter_backends = LIST_FILTERS
    filterset_class = AbsenceFilterSet
    ordering_whitelist = ABSENCE_ORDERING

    def get_queryset(self):
        """Absences of the institution's members (schema generation: none)."""
        if getattr(self, "swagger_fake_view", False):
            return Absence.objects.none()
        institution = getattr(self.request, "institution", None)
        return Absence.objects.filter(user_id__in=member_user_ids(institution))

    @extend_schema(
        tags=["groupware"],
        summary="부재(출장·휴가·교육)와 대결자",
        parameters=[ABSENCE_ORDERING.parameter()],
        responses={200: s.AbsenceSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        rows = self.get_queryset().select_related("user", "deputy").order_by("starts_at", "id")
        return self.paginated(self.filter_queryset(rows), s.AbsenceSerializer)

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
