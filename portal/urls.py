from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("institutions/", views.institution_list, name="institutions"),
]
