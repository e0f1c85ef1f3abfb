from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data duties (개인정보 보호법): consents, 처리방침, 접속기록, retention and
    destruction, account deletion across every schema.

    Installed in both the public schema (the platform's own policy, consents given at
    sign-up, the console's access records) and every institution schema (its policy,
    its access records, retention settings and destruction records).
    """

    name = "privacy"
    verbose_name = "개인정보 보호"

    def ready(self):
        from privacy import handlers  # noqa: F401 - the public schema's own personal data
