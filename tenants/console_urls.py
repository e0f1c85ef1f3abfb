"""The platform console (apex host, operators only). Filled by the lifecycle work."""

from django.urls import path

from tenants import console_views

app_name = "console"

urlpatterns = [
    path("", console_views.institution_list, name="institutions"),
]
