from django.urls import path

from website import manage_views, views

app_name = "website"

urlpatterns = [
    path("", views.about, name="about"),
    path("organization/", views.organization, name="organization"),
    path("location/", views.location, name="location"),
    path("business/", views.business, name="business"),
    path("info/", views.info, name="info"),
    path("p/<str:slug>/", views.page, name="page"),
    path("notices/", views.notices, name="notices"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("disclosures/<int:pk>/", views.disclosure, name="disclosure"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("files/<int:pk>/<str:token>/", views.site_file, name="file"),
    # editors
    path("manage/", manage_views.index, name="manage"),
    path("manage/settings/", manage_views.settings_edit, name="manage_settings"),
    path("manage/pages/new/", manage_views.page_edit, name="manage_page_new"),
    path("manage/pages/<int:pk>/", manage_views.page_edit, name="manage_page"),
    path(
        "manage/pages/<int:pk>/<str:action>/", manage_views.page_action, name="manage_page_action"
    ),
    path("manage/jobs/new/", manage_views.job_edit, name="manage_job_new"),
    path("manage/jobs/<int:pk>/", manage_views.job_edit, name="manage_job"),
    path("manage/jobs/<int:pk>/<str:action>/", manage_views.job_action, name="manage_job_action"),
    path("manage/disclosures/new/", manage_views.disclosure_edit, name="manage_disclosure_new"),
    path("manage/disclosures/<int:pk>/", manage_views.disclosure_edit, name="manage_disclosure"),
    path(
        "manage/disclosures/<int:pk>/<str:action>/",
        manage_views.disclosure_action,
        name="manage_disclosure_action",
    ),
    path("manage/files/<int:pk>/remove/", manage_views.file_remove, name="manage_file_remove"),
    path("manage/documents/", manage_views.documents, name="manage_documents"),
    path(
        "manage/documents/<int:pk>/publish/",
        manage_views.document_publish,
        name="manage_document_publish",
    ),
    path(
        "manage/documents/open/<int:pk>/withdraw/",
        manage_views.document_withdraw,
        name="manage_document_withdraw",
    ),
]
