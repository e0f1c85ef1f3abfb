from django.apps import AppConfig


class RelayConfig(AppConfig):
    """The public-schema side of 문서유통: envelopes between institutions (SHARED_APPS).

    The only place an official document crosses from one institution to another: the
    sender writes an envelope in its own transaction; a task delivers it in the
    receiver's schema (groupware.exchange). See groupware/exchange/README.md.
    """

    name = "groupware.exchange.relay"
    label = "exchange_relay"
    verbose_name = "문서유통 (기관 간 봉투)"
