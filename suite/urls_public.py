"""URLs of the apex host: the portal, the platform console and the platform API."""

from django.urls import include, path, re_path

from portal import views as portal_views
from suite import locale, views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("portal/", include("portal.urls")),
    path("sandbox-pg/", include("payments.sandbox.urls")),
    path("dev/", include("notifications.urls_public")),
    path("accounts/", include("accounts.urls")),
    path("privacy/", include("privacy.urls")),
    path("console/privacy/", include("privacy.urls_admin")),
    path("console/", include("tenants.console_urls")),
    path("api/", include("api.urls_public")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/setlang/", locale.set_language, name="set_language"),
    re_path(r"^media/(?P<folder>[a-z0-9_]+)/(?P<path>.+)$", views.media),
]

handler400 = "suite.views.bad_request"
handler403 = "suite.views.permission_denied"
handler404 = "suite.views.page_not_found"
handler500 = "suite.views.server_error"
