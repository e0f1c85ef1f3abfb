from django.urls import path

from groupware.approval import views

app_name = "approval"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("box/<slug:box>/", views.inbox, name="box"),
    path("new/", views.create, name="create"),
    path("leave/", views.leave_overview, name="leave"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("post-reports/<int:pk>/ack/", views.post_report_ack, name="post_report_ack"),
    path("delegation/", views.delegation, name="delegation"),
    path("lines/", views.favourite_lines, name="lines"),
    path("lines/<int:pk>/delete/", views.favourite_line_delete, name="line_delete"),
    path("lines/shared/<int:pk>/delete/", views.line_template_delete, name="line_template_delete"),
    path("forms/", views.forms, name="forms"),
    path("forms/new/", views.form_edit, name="form_new"),
    path("forms/<int:pk>/", views.form_edit, name="form_edit"),
    path("seal/", views.seal, name="seal"),
    path("seal/image/", views.seal_image, name="seal_image"),
    path("settings/", views.settings_page, name="settings"),
    path("records/", views.register, name="register"),
    path("records/box/", views.box, name="department_box"),
    path("records/retention/", views.retention, name="retention"),
    path("records/retention/<int:pk>/decide/", views.retention_decide, name="retention_decide"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
