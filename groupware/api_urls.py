"""Workspace API under /api/v1/ on an institution host (see api/urls_tenant.py)."""

from django.urls import path

from groupware.boards import api as boards
from groupware.org import api as org
from groupware.schedule import api as schedule

urlpatterns = [
    path("departments/", org.DepartmentList.as_view(), name="gw-departments"),
    path("departments/<int:pk>/", org.DepartmentDetail.as_view(), name="gw-department"),
    path("departments/<int:pk>/move/", org.DepartmentMove.as_view(), name="gw-department-move"),
    path("people/", org.PeopleList.as_view(), name="gw-people"),
    path("people/<int:user_id>/", org.PersonDetail.as_view(), name="gw-person"),
    path("boards/", boards.BoardList.as_view(), name="gw-boards"),
    path("boards/<int:pk>/", boards.BoardDetail.as_view(), name="gw-board"),
    path("posts/", boards.PostList.as_view(), name="gw-posts"),
    path("posts/<int:pk>/", boards.PostDetail.as_view(), name="gw-post"),
    path("events/", schedule.EventList.as_view(), name="gw-events"),
    path("events/<int:pk>/", schedule.EventDetail.as_view(), name="gw-event"),
    path(
        "events/<int:pk>/occurrences/",
        schedule.EventOccurrence.as_view(),
        name="gw-event-occurrence",
    ),
    path("events/<int:pk>/respond/", schedule.EventRespond.as_view(), name="gw-event-respond"),
    path("absences/", org.AbsenceList.as_view(), name="gw-absences"),
]
