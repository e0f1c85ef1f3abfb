"""API on an institution host: that institution's endpoints under /api/v1/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views as api_views

v1 = [
    path("me/", api_views.MeView.as_view(), name="me"),
    path("tokens/", api_views.TokenListView.as_view(), name="token-list"),
    path("tokens/<int:id>/", api_views.TokenDetailView.as_view(), name="token-detail"),
    path("tokens/<int:id>/revoke/", api_views.TokenRevokeView.as_view(), name="token-revoke"),
    # Facility booking first: its paths share no first segment with the groupware's, and
    # a booking rush's requests are resolved without trying the groupware's routes.
    path("", include("facility_booking.api_urls")),
    path("", include("groupware.api_urls")),
    path("", include("groupware.approval.api_urls")),
    path("", include("groupware.exchange.api_urls")),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(urlconf="suite.urls_tenant"), name="api-schema"),
    # The split view serves its start-up script as a file (?script): no inline script, CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("", api_views.api_root, name="api-root"),
    # Last: any other /api/ path answers 404 in the error shape, also with DEBUG on.
    re_path(r"", api_views.not_found),
]
