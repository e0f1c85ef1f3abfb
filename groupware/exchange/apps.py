from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """문서유통: official documents sent to and received from other institutions of the
    cloud (발송 → 도달 → 접수 → 배부), the institution's own side, in its schema."""

    name = "groupware.exchange"
    label = "exchange"
    verbose_name = "문서유통"

    def ready(self) -> None:
        from groupware.approval.public import document_panels, record_disposed
        from groupware.exchange import (
            events,  # noqa: F401 - notification events
            panels,
            personal_data,  # noqa: F401 - privacy registry (legal holds)
        )
        from groupware.exchange.services.receiving import received_dispose

        document_panels.register("exchange", panels.document_panel)
        record_disposed.register("exchange", received_dispose)

        from groupware.exchange.seed import seed_institution
        from suite.demo import register_seed

        register_seed("exchange", seed_institution)
