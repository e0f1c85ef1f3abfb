from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "groupware.boards"
    label = "boards"
    verbose_name = "게시판"
