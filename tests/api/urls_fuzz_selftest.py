"""Test-only URLconf with a deliberately broken endpoint, to prove the fuzzer reports 5xx."""

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from suite.urls_tenant import handler404, handler500  # noqa: F401


class Divide(APIView):
    @extend_schema(
        operation_id="divide",
        parameters=[OpenApiParameter("by", int, required=True)],
        responses={200: dict},
    )
    def get(self, request):
        return Response({"result": 100 // int(request.query_params["by"])})  # 0 → 500


v1 = [path("divide/", Divide.as_view())]

urlpatterns = [
    path("api/v1/", include(v1)),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="tests.api.urls_fuzz_selftest")),
]
