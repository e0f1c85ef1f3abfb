"""URLs of an institution host: its public pages, staff workspace, booking and API."""

from django.urls import include, path, re_path

from institution import views as institution_views
from suite import locale, views

urlpatterns = [
    path("", institution_views.home, name="home"),
    # The API early: no other route starts with api/ (resolved without trying the pages').
    path("api/", include("api.urls_tenant")),
    path("accounts/", include("accounts.urls")),
    path("privacy/", include("privacy.urls")),
    path("manage/privacy/", include("privacy.urls_admin")),
    path("manage/", include("institution.urls")),
    path("staff/", include("groupware.urls")),
    path("staff/approval/", include("groupware.approval.urls")),
    path("staff/exchange/", include("groupware.exchange.urls")),
    path("staff/boards/", include("groupware.boards.urls")),
    path("staff/calendar/", include("groupware.schedule.urls")),
    path("facilities/", include("facility_booking.urls")),
    path("payments/", include("payments.urls")),
    path("notifications/", include("notifications.urls")),
    path("site/", include("website.urls")),
    path("programs/", include("programs.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/setlang/", locale.set_language, name="set_language"),
]

# Only this institution's public files and the platform's public files are served
# here; private files (attachments, PDFs) go through views that check permissions.
urlpatterns += [re_path(r"^media/(?P<folder>[a-z0-9_]+)/(?P<path>.+)$", views.media)]

handler400 = "suite.views.bad_request"
handler403 = "suite.views.permission_denied"
handler404 = "suite.views.page_not_found"
handler500 = "suite.views.server_error"
