from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.policy_view, name="policy"),
    path("v<int:version>/", views.policy_view, name="policy_version"),
]
