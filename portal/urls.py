from django.urls import path

from portal import hub, views

app_name = "portal"

urlpatterns = [
    path("institutions/", views.institution_list, name="institutions"),
    path("search/", views.search_page, name="search"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("go/<slug:slug>/<slug:kind>/<str:key>/", views.go, name="go"),
    path("cite/<slug:slug>/<slug:kind>/<str:key>/", views.cite, name="cite"),
    path("my/applications/", views.my_applications, name="my_applications"),
    path(
        "my/applications/<slug:slug>/<int:pk>/cancel/",
        views.my_application_cancel,
        name="my_application_cancel",
    ),
]

# The resident's hub (/portal/my/): portal/hub.py
urlpatterns += hub.urlpatterns
