from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("institutions/", views.institution_list, name="institutions"),
    path("search/", views.search, name="search"),
    path("my/bookings/", views.my_bookings, name="my_bookings"),
]
