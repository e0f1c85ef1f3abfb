from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Online payment, the ledger and refunds, per institution (each has its own money)."""

    name = "payments"
    verbose_name = "결제"

    def ready(self):
        from payments import personal_data  # noqa: F401 - privacy registry (deletion, retention)
