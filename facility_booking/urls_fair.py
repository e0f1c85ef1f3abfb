"""Pages of fair booking (추첨, 예약대기, 정기대관, 이용 제한), under /facilities/ with the
rest of facility_booking's routes (namespace ``facility_booking``)."""

from django.urls import path

from facility_booking import staff_fair_views as staff
from facility_booking import views_fair as views

urlpatterns = [
    path("lottery/", views.lottery_list, name="lottery_list"),
    path("lottery/<int:pk>/", views.lottery_detail, name="lottery_detail"),
    path("lottery/<int:pk>/apply/", views.lottery_apply, name="lottery_apply"),
    path("lottery/<int:pk>/withdraw/", views.lottery_withdraw, name="lottery_withdraw"),
    path("lottery/<int:pk>/inputs.json", views.lottery_inputs, name="lottery_inputs"),
    path("<int:pk>/waitlist/", views.waitlist_join, name="waitlist_join"),
    path("<int:pk>/series/", views.series_apply, name="series_apply"),
    path("my/lottery/", views.my_lottery, name="my_lottery"),
    path("my/waitlist/", views.my_waitlist, name="my_waitlist"),
    path("my/waitlist/<int:entry>/cancel/", views.my_waitlist_cancel, name="my_waitlist_cancel"),
    path("my/series/", views.my_series, name="my_series"),
    path("my/series/<int:pk>/", views.my_series_detail, name="my_series_detail"),
    path("my/series/<int:pk>/cancel/", views.my_series_cancel, name="my_series_cancel"),
    path("my/series/<int:pk>/pay/", views.my_series_pay, name="my_series_pay"),
    path("my/standing/", views.my_standing, name="my_standing"),
    # booking managers
    path("manage/lottery/", staff.lottery_rounds, name="manage_lottery"),
    path("manage/lottery/new/", staff.lottery_new, name="manage_lottery_new"),
    path("manage/lottery/<int:pk>/", staff.lottery_manage_detail, name="manage_lottery_detail"),
    path("manage/lottery/<int:pk>/draw/", staff.lottery_draw, name="manage_lottery_draw"),
    path("manage/lottery/<int:pk>/cancel/", staff.lottery_cancel, name="manage_lottery_cancel"),
    path("manage/series/", staff.series_list, name="manage_series"),
    path("manage/series/<int:pk>/", staff.series_manage_detail, name="manage_series_detail"),
    path("manage/series/<int:pk>/decide/", staff.series_decide, name="manage_series_decide"),
    path("manage/series/<int:pk>/cancel/", staff.series_manage_cancel, name="manage_series_cancel"),
    path("manage/series/<int:pk>/payment/", staff.series_payment, name="manage_series_payment"),
    path("manage/waitlist/", staff.waitlist_manage, name="manage_waitlist"),
    path("manage/facilities/<int:pk>/rules/", staff.rules_edit, name="manage_rules"),
    path("manage/sanctions/", staff.sanctions, name="manage_sanctions"),
    path("manage/sanctions/<int:pk>/lift/", staff.sanction_lift, name="manage_sanction_lift"),
]
