from django.apps import AppConfig


class GroupwareConfig(AppConfig):
    name = "groupware"
    verbose_name = "그룹웨어 (조직·대시보드)"

    def ready(self) -> None:
        from groupware import personal_data  # noqa: F401 - privacy registry (deletion, retention)
        from groupware.dashboard.sections import dashboard_sections
        from groupware.rooms import sections

        dashboard_sections.register("bookings_today", sections.bookings_today)
        dashboard_sections.register("booking_requests", sections.booking_requests)

        from groupware.seed import seed_institution
        from suite.demo import register_seed

        register_seed("groupware", seed_institution)
