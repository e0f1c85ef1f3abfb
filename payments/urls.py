from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("bookings/<int:pk>/pay/", views.pay, name="pay"),
    path("return/success/", views.success, name="success"),
    path("return/fail/", views.fail, name="fail"),
    path("orders/<str:order_id>/refresh/", views.refresh, name="refresh"),
    path("webhook/", views.webhook, name="webhook"),
    path("manage/reconciliation/", views.reconciliation_page, name="reconciliation"),
    path("manage/reconciliation.csv", views.reconciliation_csv, name="reconciliation_csv"),
    path("manage/reconciliation.xlsx", views.reconciliation_xlsx, name="reconciliation_xlsx"),
    path("manage/refunds/<int:pk>/record/", views.refund_record, name="refund_record"),
    path("manage/refunds/<int:pk>/retry/", views.refund_retry, name="refund_retry"),
]
