"""Institution host: the staff outbox."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("outbox/", views.staff_outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", views.staff_retry, name="retry"),
]
