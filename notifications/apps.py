from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """One notification service for every app (public schema: people are platform-wide)."""

    name = "notifications"
    verbose_name = "알림"

    def ready(self):
        # The events this suite knows; other apps may add theirs with
        # notifications.public.register_event(...) in their own AppConfig.ready.
        from notifications import (
            events,  # noqa: F401
            personal_data,  # noqa: F401 - privacy registry (deletion, retention)
        )
