"""Included at /manage/privacy/ on institution hosts and /console/privacy/ on the apex."""

from django.urls import path

from privacy import views

app_name = "privacy_admin"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("policy/", views.policy_edit, name="policy"),
    path("retention/", views.retention_view, name="retention"),
    path("retention/destroy-now/", views.destroy_now, name="destroy_now"),
    path("destructions/", views.destructions, name="destructions"),
    path("access/", views.access_records, name="access"),
    path("access/report.csv", views.access_report, name="access_report"),
]
