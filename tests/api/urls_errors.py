"""Test-only URLconf: the institution host's URLs plus views that fail on purpose.

Used through ``settings.ROOT_URLCONF`` in tests; production code has no such URLs.
"""

from django.core.exceptions import BadRequest, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import Conflict
from api.throttling import LoginRateThrottle
from suite.urls_tenant import handler400, handler403, handler404, handler500  # noqa: F401
from suite.urls_tenant import urlpatterns as tenant_urlpatterns

TRACE_MARKER = "secret-internal-detail-4711"


class Boom(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError(TRACE_MARKER)


def plain_boom(request):
    raise RuntimeError(TRACE_MARKER)


def plain_404(request):
    raise Http404(TRACE_MARKER)


def plain_403(request):
    raise PermissionDenied(TRACE_MARKER)


def plain_400(request):
    raise BadRequest(TRACE_MARKER)


class Clash(APIView):
    def post(self, request):
        raise Conflict("이미 같은 시간에 예약이 있습니다.")


class ItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    amount = serializers.IntegerField(min_value=0)
    period = serializers.DictField(child=serializers.DateField())


class Validate(APIView):
    def post(self, request):
        serializer = ItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.data)


class ModelRule(APIView):
    def post(self, request):
        raise DjangoValidationError({"starts_at": ["시작 시각이 종료 시각보다 늦습니다."]})


class Ping(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


class LoginLike(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]

    def post(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("api/test/boom/", Boom.as_view()),
    path("api/test/plain-boom/", plain_boom),
    path("api/test/plain-404/", plain_404),
    path("api/test/plain-403/", plain_403),
    path("api/test/plain-400/", plain_400),
    path("test/plain-boom/", plain_boom),
    path("api/test/clash/", Clash.as_view()),
    path("api/test/validate/", Validate.as_view()),
    path("api/test/model-rule/", ModelRule.as_view()),
    path("api/test/ping/", Ping.as_view()),
    path("api/test/login/", LoginLike.as_view()),
    *tenant_urlpatterns,
]
