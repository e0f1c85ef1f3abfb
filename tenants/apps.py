from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "기관"

    def ready(self):
        from tenants import personal_data  # noqa: F401 - privacy registry (deletion, retention)
        from tenants.hosts import connect_signals

        connect_signals()  # host → institution cache: stale when a domain or institution changes
