"""Portal host: the developers' outbox."""

from django.urls import path

from notifications import views

app_name = "notifications_dev"

urlpatterns = [
    path("outbox/", views.dev_outbox, name="outbox"),
]
