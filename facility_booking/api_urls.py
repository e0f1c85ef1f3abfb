"""Facility booking endpoints, included in api/urls_tenant.py's v1 list."""

from django.urls import path

from facility_booking import api, api_fair, api_fair_staff, api_queue

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

# Fair booking, booking managers (api_fair_staff.py): the managers' pages as an API.
urlpatterns += [
    path(
        "manage/lottery/rounds/",
        api_fair_staff.RoundListView.as_view(),
        name="manage-lottery-round-list",
    ),
    path(
        "manage/lottery/rounds/<int:id>/",
        api_fair_staff.RoundDetailView.as_view(),
        name="manage-lottery-round-detail",
    ),
    path(
        "manage/lottery/rounds/<int:id>/applications/",
        api_fair_staff.RoundApplicationsView.as_view(),
        name="manage-lottery-round-applications",
    ),
    path(
        "manage/lottery/rounds/<int:id>/draw/",
        api_fair_staff.RoundDrawView.as_view(),
        name="manage-lottery-round-draw",
    ),
    path(
        "manage/lottery/rounds/<int:id>/cancel/",
        api_fair_staff.RoundCancelView.as_view(),
        name="manage-lottery-round-cancel",
    ),
    path("manage/series/", api_fair_staff.SeriesListView.as_view(), name="manage-series-list"),
    path(
        "manage/series/<int:id>/",
        api_fair_staff.SeriesDetailView.as_view(),
        name="manage-series-detail",
    ),
    path(
        "manage/series/<int:id>/decide/",
        api_fair_staff.SeriesDecideView.as_view(),
        name="manage-series-decide",
    ),
    path(
        "manage/series/<int:id>/cancel/",
        api_fair_staff.SeriesCancelView.as_view(),
        name="manage-series-cancel",
    ),
    path(
        "manage/series/<int:id>/record-payment/",
        api_fair_staff.SeriesPaymentView.as_view(),
        name="manage-series-record-payment",
    ),
    path("manage/waitlist/", api_fair_staff.WaitlistListView.as_view(), name="manage-waitlist"),
    path(
        "manage/facilities/<int:id>/rules/",
        api_fair_staff.FacilityRulesView.as_view(),
        name="manage-facility-rules",
    ),
    path(
        "manage/sanctions/", api_fair_staff.SanctionListView.as_view(), name="manage-sanction-list"
    ),
    path(
        "manage/sanctions/<int:id>/lift/",
        api_fair_staff.SanctionLiftView.as_view(),
        name="manage-sanction-lift",
    ),
]
