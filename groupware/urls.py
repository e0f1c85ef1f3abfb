from django.urls import path

from groupware.dashboard import views as dashboard
from groupware.org import views
from groupware.rooms import views as rooms

app_name = "groupware"

urlpatterns = [
    path("", dashboard.home, name="dashboard"),
    path("directory/", views.directory, name="directory"),
    path("directory/<int:user_id>/", views.person, name="person"),
    path("directory/<int:user_id>/vcard.vcf", views.person_vcard, name="person_vcard"),
    path("directory/<int:user_id>/edit/", views.person_edit, name="person_edit"),
    path("directory/<int:user_id>/photo/", views.person_photo, name="person_photo"),
    path("org/", views.org_chart, name="org_chart"),
    path("org/departments/", views.departments, name="departments"),
    path("org/departments/<int:pk>/move/", views.department_move, name="department_move"),
    path("org/departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("org/handover/", views.handover, name="handover"),
    path("org/positions/", views.positions, name="positions"),
    path("absences/", views.absences, name="absences"),
    path("absences/<int:pk>/delete/", views.absence_delete, name="absence_delete"),
    path("resources/", rooms.resources, name="resources"),
    path("resources/<int:reservation_id>/cancel/", rooms.resource_cancel, name="resource_cancel"),
]
