from django.urls import path

from groupware.schedule import views

app_name = "schedule"

urlpatterns = [
    path("", views.month, name="month"),
    path("week/", views.week, name="week"),
    path("day/", views.day_view, name="day"),
    path("calendars/", views.calendars, name="calendars"),
    path("calendars/<int:pk>/reset-feed/", views.calendar_reset_feed, name="calendar_reset_feed"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/delete/", views.event_delete, name="event_delete"),
    path(
        "events/<int:pk>/occurrences/<str:key>/edit/",
        views.occurrence_edit,
        name="occurrence_edit",
    ),
    path(
        "events/<int:pk>/occurrences/<str:key>/delete/",
        views.occurrence_delete,
        name="occurrence_delete",
    ),
    path("events/<int:pk>/respond/", views.event_respond, name="event_respond"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
