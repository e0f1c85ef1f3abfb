from django.urls import path

from institution import views

app_name = "institution"

urlpatterns = [
    path("", views.manage_home, name="home"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("members/<int:membership_id>/active/", views.member_active, name="member_active"),
    path("profile/", views.profile, name="profile"),
    path("audit/", views.audit_log, name="audit_log"),
]
