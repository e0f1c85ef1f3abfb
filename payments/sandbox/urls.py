from django.urls import path, re_path

from payments.sandbox import views

app_name = "pg_sandbox"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("checkout/", views.checkout, name="checkout"),
    path("virtual-accounts/<str:payment_key>/", views.virtual_account, name="virtual_account"),
    path("receipts/<str:payment_key>/", views.receipt, name="receipt"),
    path("receipts/<str:payment_key>/cash/", views.receipt, {"kind": "cash"}, name="cash_receipt"),
    re_path(r"^(?P<path>v1/.+)$", views.api, name="api"),
]
