from django.urls import path

from groupware.boards import views

app_name = "boards"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.board_create, name="board_create"),
    path("<int:pk>/", views.board, name="board"),
    path("<int:pk>/write/", views.post_create, name="post_create"),
    path("<int:pk>/settings/", views.board_edit, name="board_edit"),
    path("posts/<int:pk>/", views.post, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("public/<int:pk>/", views.public_post, name="public_post"),
]
