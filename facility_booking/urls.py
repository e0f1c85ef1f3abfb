from django.urls import path

from facility_booking import staff_views, views, views_queue
from facility_booking.urls_fair import urlpatterns as fair_urlpatterns

app_name = "facility_booking"

urlpatterns = [
    path("", views.facility_list, name="list"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/apply/", views.facility_apply, name="apply"),
    path("<int:pk>/queue/", views_queue.queue_page, name="queue"),
    path("<int:pk>/queue/status/", views_queue.queue_status, name="queue_status"),
    path("<int:pk>/calendar.ics", views.facility_feed, name="facility_feed"),
    path("my/", views.my_bookings, name="my_bookings"),
    path("my/<int:pk>/", views.my_booking, name="my_booking"),
    path("my/<int:pk>/cancel/", views.my_booking_cancel, name="my_booking_cancel"),
    path("my/<int:pk>/proofs/", views.my_booking_proof, name="my_booking_proof"),
    path("bookings/<int:pk>/proofs/<int:proof_pk>/", views.proof_file, name="proof_file"),
    path("bookings/<int:pk>/permit.pdf", views.permit_pdf, name="permit_pdf"),
    path("bookings/<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("bookings/<int:pk>/booking.ics", views.booking_ics, name="booking_ics"),
    path("my/calendar/", views.feed_manage, name="feed_manage"),
    path("feed/<str:token>.ics", views.feed_private, name="feed_private"),
    # booking managers
    path("manage/", staff_views.queue, name="manage_queue"),
    path("manage/bookings/<int:pk>/", staff_views.booking_detail, name="manage_booking"),
    path("manage/bookings/<int:pk>/approve/", staff_views.approve, name="manage_approve"),
    path("manage/bookings/<int:pk>/reject/", staff_views.reject, name="manage_reject"),
    path("manage/bookings/<int:pk>/payment/", staff_views.record_payment, name="manage_payment"),
    path("manage/bookings/<int:pk>/cancel/", staff_views.cancel, name="manage_cancel"),
    path("manage/bookings/<int:pk>/discount/", staff_views.discount, name="manage_discount"),
    path("manage/bookings/<int:pk>/complete/", staff_views.complete, name="manage_complete"),
    path("manage/bookings/<int:pk>/no-show/", staff_views.no_show, name="manage_no_show"),
    path("manage/walk-in/", staff_views.walk_in, name="manage_walk_in"),
    path("manage/blocks/", staff_views.blocks, name="manage_blocks"),
    path("manage/blocks/<int:pk>/remove/", staff_views.block_remove, name="manage_block_remove"),
    path("manage/facilities/", staff_views.facilities, name="manage_facilities"),
    path("manage/facilities/new/", staff_views.facility_edit, name="manage_facility_new"),
    path("manage/facilities/<int:pk>/", staff_views.facility_edit, name="manage_facility_edit"),
    path(
        "manage/facilities/<int:pk>/extras/",
        staff_views.facility_extras,
        name="manage_facility_extras",
    ),
    path(
        "manage/facilities/<int:pk>/waiting-room/",
        views_queue.manage_room,
        name="manage_queue_room",
    ),
    path("manage/reports/", staff_views.report, name="manage_report"),
    path("manage/reports.csv", staff_views.report_csv, name="manage_report_csv"),
    path("manage/reports.xlsx", staff_views.report_xlsx, name="manage_report_xlsx"),
]

# Fair booking (issue 15): lottery rounds, waitlist, recurring series, restrictions.
urlpatterns += fair_urlpatterns
