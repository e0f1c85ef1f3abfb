"""The API's own endpoints: who am I, my tokens; and JSON 404 for unknown /api/ paths."""

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from api.errors import MESSAGES, error_body
from api.models import ApiToken
from api.serializers import ApiTokenSerializer, MeSerializer
from api.tokens import token_for_user, token_revoke


def _token_scope(request):
    """The institution a token-authenticated caller is limited to, if any."""
    token = request.auth if isinstance(request.auth, ApiToken) else None
    return token.institution if token is not None and token.institution_id else None


class MeView(APIView):
    """Who am I: the caller, their memberships and, on an institution host, their role there."""

    @extend_schema(
        operation_id="me_retrieve",
        tags=["account"],
        summary="내 정보",
        description=(
            "호출한 사람과 소속 기관·역할. 기관 호스트에서 부르면 `here`에 그 기관과 "
            "내 역할(주민이면 null)이 담깁니다. 기관 전용 토큰으로 부르면 그 기관의 소속만 보입니다."
        ),
        responses=MeSerializer,
    )
    def get(self, request):
        user = request.user
        memberships = user.memberships.filter(is_active=True).select_related("institution")
        scope = _token_scope(request)
        if scope is not None:
            memberships = memberships.filter(institution=scope)
        institution = getattr(request, "institution", None)
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "is_platform_operator": user.is_platform_operator,
            "here": {"institution": institution, "role": access.role_in(user, institution)}
            if institution is not None
            else None,
            "memberships": list(memberships),
            "auth": {"method": "token" if token else "session", "token": token},
        }
        return Response(MeSerializer(data, context={"request": request}).data)


class TokenListView(generics.ListAPIView):
    """My API tokens (never their secrets). Tokens are made on the profile page."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        queryset = ApiToken.objects.filter(user=self.request.user).select_related("institution")
        scope = _token_scope(self.request)
        if scope is not None:
            queryset = queryset.filter(institution=scope)
        status = self.request.query_params.get("status")
        now = timezone.now()
        if status == "active":
            queryset = queryset.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)
        elif status == "expired":
            queryset = queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        elif status == "revoked":
            queryset = queryset.filter(revoked_at__isnull=False)
        elif status:
            raise ValidationError({"status": [_("active, expired, revoked 중 하나를 쓰세요.")]})
        return queryset.order_by("-created_at", "-id")

    @extend_schema(
        operation_id="tokens_list",
        tags=["account"],
        summary="내 API 토큰 목록",
        description=(
            "비밀값은 보이지 않습니다. 토큰은 웹의 '내 정보' 화면에서 만듭니다. "
            "기관 전용 토큰으로 부르면 같은 기관 전용 토큰만 보입니다."
        ),
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=["active", "expired", "revoked"],
                description="상태로 거르기 (없으면 전부)",
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


_TOKEN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="토큰 번호")


class TokenDetailView(APIView):
    @extend_schema(
        operation_id="tokens_retrieve",
        tags=["account"],
        summary="API 토큰 하나",
        parameters=[_TOKEN_ID],
        responses=ApiTokenSerializer,
    )
    def get(self, request, id):  # noqa: A002 - the URL's name
        token = token_for_user(user=request.user, token_id=id, institution=_token_scope(request))
        return Response(ApiTokenSerializer(token, context={"request": request}).data)


class TokenRevokeView(APIView):
    @extend_schema(
        operation_id="tokens_revoke",
        tags=["account"],
        summary="API 토큰 폐기",
        description="곧바로 더는 쓸 수 없게 됩니다. 이미 폐기된 토큰이면 그대로 돌려줍니다.",
        parameters=[_TOKEN_ID],
        request=None,
        responses=ApiTokenSerializer,
    )
    def post(self, request, id):  # noqa: A002 - the URL's name
        token = token_for_user(user=request.user, token_id=id, institution=_token_scope(request))
        token = token_revoke(user=request.user, token=token)
        return Response(ApiTokenSerializer(token, context={"request": request}).data)


@csrf_exempt
def api_root(request):
    """`/api/` (and `/api`, through APPEND_SLASH): a browser is sent to the docs; other
    methods get the JSON 404 of any unknown /api/ path."""
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(reverse("api-docs", urlconf=getattr(request, "urlconf", None)))
    return not_found(request)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any /api/ path no endpoint claims: 404 in the error shape, whatever the method."""
    message = MESSAGES["not_found"]
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/", getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            message = _("주소 끝에 /를 붙여 주세요: %(path)s/") % {"path": request.path}
    return JsonResponse(
        error_body("not_found", message),
        status=404,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
