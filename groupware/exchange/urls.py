from django.urls import path

from groupware.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("box/<slug:box>/", views.incoming, name="box"),
    path("sent/", views.sent, name="sent"),
    path("documents/<int:document_id>/send/", views.send, name="send"),
    path("received/<int:pk>/", views.received, name="received"),
    path("received/<int:pk>/pdf/", views.received_pdf, name="received_pdf"),
    path(
        "received/<int:pk>/attachments/<int:attachment_id>/",
        views.received_attachment,
        name="received_attachment",
    ),
    path("received/<int:pk>/<slug:action>/", views.received_act, name="received_act"),
]
