from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "계정"

    def ready(self):
        from accounts import personal_data, sessions  # noqa: F401 - signals, registrations
