from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        from api import fields, schema  # noqa: F401 - registers the OpenAPI token scheme

        fields.install()  # date-times without an offset are refused (api/fields.py)
        from api import personal_data  # noqa: F401 - privacy registry (deletion, retention)
