"""Platform API on the apex host: /api/v1/institutions/ (operators only).

Thin views: input and output serializers around tenants.services. Errors use
the one API error shape (api.errors): bad input 400 with the fields, an
illegal status move 409, a template or queue failure 503.
"""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import Conflict
from api.filters import Ordering
from api.serializers import ErrorSerializer
from tenants import services
from tenants.errors import LifecycleError, ProvisioningError
from tenants.models import Institution


class IsPlatformOperator(permissions.BasePermission):
    """Only the platform operator (an active superuser) manages institutions."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_platform_operator):
            return False
        # A token limited to one institution never reaches platform operations.
        return getattr(request.auth, "institution_id", None) is None


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = "잠시 후 다시 시도해 주세요."


def _raise_api_error(error: LifecycleError):
    if isinstance(error, ProvisioningError):
        raise ServiceUnavailable(error.message, error.code) from error
    raise Conflict(error.message, error.code) from error


class InstitutionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    host = serializers.CharField(source="primary_host", read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Institution
        fields = [
            "slug",
            "name",
            "short_name",
            "status",
            "status_reason",
            "status_changed_at",
            "host",
            "url",
            "member_count",
            "created_at",
        ]
        read_only_fields = fields

    def get_url(self, institution) -> str:
        return institution.absolute_url()


class InstitutionCreateSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=32, help_text="Host label: <slug>.<apex>.")
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=30)
    admin_email = serializers.EmailField(required=False, allow_blank=True)
    admin_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    custom_domain = serializers.CharField(required=False, allow_blank=True, max_length=253)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _institutions():
    return Institution.objects.prefetch_related("domains").annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
    )


_STATUS_LIST = ", ".join(Institution.Status.values)
ORDERING = Ordering(
    {"name": "name", "slug": "slug", "created_at": "created_at", "status": "status"},
    default="name",
)


@extend_schema(tags=["platform"])
class InstitutionListCreate(generics.ListAPIView):
    """GET: every institution. POST: onboard one (schema cloned, admin invited)."""

    permission_classes = [IsPlatformOperator]
    serializer_class = InstitutionSerializer

    def get_queryset(self):
        queryset = ORDERING.apply(
            _institutions().order_by("name", "slug"), self.request.query_params
        )
        wanted = self.request.query_params.get("status")
        if wanted in Institution.Status.values:
            queryset = queryset.filter(status=wanted)
        elif wanted:
            raise serializers.ValidationError(
                {"status": [_("%(values)s 중 하나를 쓰세요.") % {"values": _STATUS_LIST}]}
            )
        return queryset

    @extend_schema(
        tags=["platform"],
        summary="기관 목록",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=Institution.Status.values,
                description="상태로 거르기 (없으면 전부)",
            ),
            ORDERING.parameter(),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["platform"],
        summary="기관 온보딩",
        request=InstitutionCreateSerializer,
        responses={201: InstitutionSerializer, 409: ErrorSerializer, 503: ErrorSerializer},
    )
    def post(self, request):
        data = InstitutionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            institution = services.institution_onboard(actor=request.user, **data.validated_data)
        except LifecycleError as error:
            _raise_api_error(error)
        return Response(
            InstitutionSerializer(_institutions().get(pk=institution.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["platform"])
class InstitutionDetail(generics.RetrieveAPIView):
    permission_classes = [IsPlatformOperator]
    serializer_class = InstitutionSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return _institutions()


class _StatusAction(APIView):
    permission_classes = [IsPlatformOperator]
    service = None

    @extend_schema(
        tags=["platform"],
        request=ReasonSerializer,
        responses={200: InstitutionSerializer, 409: ErrorSerializer},
    )
    def post(self, request, slug):
        institution = get_object_or_404(Institution, slug=slug)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            type(self).service(
                actor=request.user, institution=institution, reason=data.validated_data["reason"]
            )
        except LifecycleError as error:
            _raise_api_error(error)
        return Response(InstitutionSerializer(_institutions().get(pk=institution.pk)).data)


class InstitutionSuspend(_StatusAction):
    """Suspend: the institution's hosts and API answer 503 (data untouched)."""

    service = staticmethod(services.institution_suspend)


class InstitutionReactivate(_StatusAction):
    """Reactivate a suspended institution."""

    service = staticmethod(services.institution_reactivate)


urlpatterns = [
    path("", InstitutionListCreate.as_view(), name="institution-list"),
    path("<slug:slug>/", InstitutionDetail.as_view(), name="institution-detail"),
    path("<slug:slug>/suspend/", InstitutionSuspend.as_view(), name="institution-suspend"),
    path("<slug:slug>/reactivate/", InstitutionReactivate.as_view(), name="institution-reactivate"),
]
