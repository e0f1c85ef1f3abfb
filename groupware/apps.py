from django.apps import AppConfig


class GroupwareConfig(AppConfig):
    name = "groupware"
    verbose_name = "그룹웨어 (조직·대시보드)"

    def ready(self):
        from groupware import personal_data  # noqa: F401 - privacy registry (deletion, retention)
