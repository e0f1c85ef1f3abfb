from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """문서유통: official documents sent to and received from other institutions of the
    cloud (발송 → 도달 → 접수 → 배부), the institution's own side, in its schema."""

    name = "groupware.exchange"
    label = "exchange"
    verbose_name = "문서유통"
