"""The platform console (apex host, operators only)."""

from django.urls import path

from tenants import console_views

app_name = "console"

urlpatterns = [
    path("", console_views.institution_list, name="institutions"),
    path("new/", console_views.institution_new, name="new"),
    path("audit/", console_views.audit_log, name="audit"),
    path("i/<slug:slug>/", console_views.institution_detail, name="detail"),
    path("i/<slug:slug>/suspend/", console_views.institution_suspend, name="suspend"),
    path("i/<slug:slug>/reactivate/", console_views.institution_reactivate, name="reactivate"),
    path("i/<slug:slug>/export/", console_views.institution_export, name="export"),
    path(
        "i/<slug:slug>/exports/<int:event_id>/",
        console_views.export_download,
        name="export_download",
    ),
    path("i/<slug:slug>/delete/", console_views.institution_delete, name="delete"),
]
