"""Facility booking endpoints, included in api/urls_tenant.py's v1 list."""

from django.urls import path

from facility_booking import api, api_fair, api_queue

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

# Fair booking (issue 15): lottery rounds, waitlist, recurring series, restrictions.
urlpatterns += [
    path("lottery/rounds/", api_fair.LotteryRoundListView.as_view(), name="lottery-round-list"),
    path(
        "lottery/rounds/<int:id>/",
        api_fair.LotteryRoundDetailView.as_view(),
        name="lottery-round-detail",
    ),
    path(
        "lottery/rounds/<int:id>/apply/",
        api_fair.LotteryApplyView.as_view(),
        name="lottery-round-apply",
    ),
    path(
        "lottery/rounds/<int:id>/withdraw/",
        api_fair.LotteryWithdrawView.as_view(),
        name="lottery-round-withdraw",
    ),
    path(
        "lottery/applications/",
        api_fair.MyLotteryApplicationsView.as_view(),
        name="lottery-application-list",
    ),
    path("waitlist/", api_fair.WaitlistView.as_view(), name="waitlist-list"),
    path(
        "waitlist/<int:id>/cancel/", api_fair.WaitlistCancelView.as_view(), name="waitlist-cancel"
    ),
    path("series/", api_fair.SeriesListView.as_view(), name="series-list"),
    path("series/<int:id>/", api_fair.SeriesDetailView.as_view(), name="series-detail"),
    path("series/<int:id>/cancel/", api_fair.SeriesCancelView.as_view(), name="series-cancel"),
    path("standing/", api_fair.MyStandingView.as_view(), name="standing"),
]
