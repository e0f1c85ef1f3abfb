from django.apps import AppConfig


class InstitutionConfig(AppConfig):
    name = "institution"
    verbose_name = "기관 내부 설정·감사 기록"

    def ready(self):
        from institution import personal_data  # noqa: F401 - privacy registry (deletion, retention)
