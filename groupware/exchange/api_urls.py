"""Mounted in api/urls_tenant.py's v1 list: /api/v1/exchange/…"""

from django.urls import path

from groupware.exchange import api

urlpatterns = [
    path("exchange/received/", api.ReceivedListView.as_view(), name="exchange-received"),
    path(
        "exchange/received/<int:pk>/",
        api.ReceivedDetailView.as_view(),
        name="exchange-received-detail",
    ),
    path(
        "exchange/received/<int:pk>/pdf/",
        api.ReceivedPdfView.as_view(),
        name="exchange-received-pdf",
    ),
    path("exchange/sent/", api.SentListView.as_view(), name="exchange-sent"),
    path("exchange/institutions/", api.DirectoryView.as_view(), name="exchange-institutions"),
    path("exchange/documents/<int:pk>/send/", api.SendView.as_view(), name="exchange-send"),
] + [
    path(f"exchange/received/<int:pk>/{name}/", view, name=f"exchange-received-{name}")
    for name, view in api.ACTION_VIEWS.items()
]
