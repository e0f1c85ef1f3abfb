from django.apps import AppConfig


class GroupwareConfig(AppConfig):
    name = "groupware"
    verbose_name = "그룹웨어 (조직·대시보드)"
