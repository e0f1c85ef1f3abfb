from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "강좌·프로그램·행사"

    def ready(self):
        from programs import sources

        sources.register()
        from programs import personal_data  # noqa: F401 - privacy registry (deletion, retention)
        from programs.seed import seed_institution
        from suite.demo import register_seed

        register_seed("programs", seed_institution)
