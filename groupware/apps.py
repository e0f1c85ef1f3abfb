from django.apps import AppConfig


class GroupwareConfig(AppConfig):
    name = "groupware"
