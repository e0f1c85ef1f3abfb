from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "포털"

    def ready(self):
        from portal import signals, sources

        sources.register()
        signals.connect()
        from portal import personal_data  # noqa: F401 - privacy registry (deletion, retention)
