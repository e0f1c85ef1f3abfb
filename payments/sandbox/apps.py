from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """A payment gateway that answers like Toss Payments, served inside `make run`.

    It stands for an outside company, so its books live in the public schema,
    apart from any institution's ledger.
    """

    name = "payments.sandbox"
    label = "pg_sandbox"
    verbose_name = "결제 샌드박스"
