from django.apps import AppConfig


class SuiteConfig(AppConfig):
    name = "suite"
    verbose_name = "Agency Cloud Suite"
