"""Test-only URLconf: the institution host's URLs plus views that re-raise a database error
PostgreSQL really gave (set by the test), as a failing query inside a view would."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from suite.urls_tenant import handler400, handler403, handler404, handler500  # noqa: F401
from suite.urls_tenant import urlpatterns as tenant_urlpatterns

RAISED: list[BaseException] = []


class ApiFailure(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise RAISED[0]


def page_failure(request):
    raise RAISED[0]


urlpatterns = [
    path("api/v1/failing/", ApiFailure.as_view()),
    path("failing/", page_failure),
    *tenant_urlpatterns,
]
