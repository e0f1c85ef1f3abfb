"""Workspace API under /api/v1/ on an institution host (see api/urls_tenant.py)."""

from django.urls import path

from groupware import api_views as v

urlpatterns = [
    path("departments/", v.DepartmentList.as_view(), name="gw-departments"),
    path("departments/<int:pk>/", v.DepartmentDetail.as_view(), name="gw-department"),
    path("departments/<int:pk>/move/", v.DepartmentMove.as_view(), name="gw-department-move"),
    path("people/", v.PeopleList.as_view(), name="gw-people"),
    path("people/<int:user_id>/", v.PersonDetail.as_view(), name="gw-person"),
    path("boards/", v.BoardList.as_view(), name="gw-boards"),
    path("boards/<int:pk>/", v.BoardDetail.as_view(), name="gw-board"),
    path("posts/", v.PostList.as_view(), name="gw-posts"),
    path("posts/<int:pk>/", v.PostDetail.as_view(), name="gw-post"),
    path("events/", v.EventList.as_view(), name="gw-events"),
    path("events/<int:pk>/", v.EventDetail.as_view(), name="gw-event"),
    path("events/<int:pk>/occurrences/", v.EventOccurrence.as_view(), name="gw-event-occurrence"),
    path("events/<int:pk>/respond/", v.EventRespond.as_view(), name="gw-event-respond"),
    path("absences/", v.AbsenceList.as_view(), name="gw-absences"),
]
