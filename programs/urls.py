from django.urls import path

from programs import manage_views, views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/apply/", views.program_apply, name="apply"),
    path("my/", views.my_applications, name="my"),
    path("my/<int:pk>/cancel/", views.my_cancel, name="my_cancel"),
    path("manage/", manage_views.index, name="manage"),
    path("manage/new/", manage_views.program_edit, name="manage_new"),
    path("manage/<int:pk>/", manage_views.program_edit, name="manage_edit"),
    path("manage/<int:pk>/publish/", manage_views.program_publish, name="manage_publish"),
    path("manage/<int:pk>/unpublish/", manage_views.program_unpublish, name="manage_unpublish"),
    path("manage/<int:pk>/cancel/", manage_views.program_cancel, name="manage_cancel"),
    path("manage/<int:pk>/roster/", manage_views.roster, name="roster"),
    path("manage/<int:pk>/roster.csv", manage_views.roster_csv, name="roster_csv"),
    path("manage/<int:pk>/roster.xlsx", manage_views.roster_xlsx, name="roster_xlsx"),
    path(
        "manage/applications/<int:pk>/cancel/",
        manage_views.application_cancel,
        name="manage_application_cancel",
    ),
]
