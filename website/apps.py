from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "기관 홈페이지"

    def ready(self):
        from website import sources

        sources.register()

        from suite.demo import register_seed
        from website.seed import seed_institution

        register_seed("website", seed_institution)
