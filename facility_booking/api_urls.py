"""Facility booking endpoints, included in api/urls_tenant.py's v1 list."""

from django.urls import path

from facility_booking import api, api_queue

urlpatterns = [
    path("facilities/", api.FacilityListView.as_view(), name="facility-list"),
    path("facilities/<int:id>/", api.FacilityDetailView.as_view(), name="facility-detail"),
    path(
        "facilities/<int:id>/availability/",
        api.FacilityAvailabilityView.as_view(),
        name="facility-availability",
    ),
    path("facilities/<int:id>/queue/", api_queue.QueueView.as_view(), name="facility-queue"),
    path("reservations/", api.ReservationListView.as_view(), name="reservation-list"),
    path("reservations/<int:id>/", api.ReservationDetailView.as_view(), name="reservation-detail"),
    path("reservations/<int:id>/approve/", api.ApproveView.as_view(), name="reservation-approve"),
    path("reservations/<int:id>/reject/", api.RejectView.as_view(), name="reservation-reject"),
    path("reservations/<int:id>/cancel/", api.CancelView.as_view(), name="reservation-cancel"),
    path(
        "reservations/<int:id>/record-payment/",
        api.RecordPaymentView.as_view(),
        name="reservation-record-payment",
    ),
]
