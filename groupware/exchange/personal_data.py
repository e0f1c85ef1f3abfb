"""Personal data in 문서유통, declared to privacy.

Received official documents are public records (공공기록물): the names of the officials
who handled them (담당자, 공람 readers, the actors of each step) are kept under the records
act — a legal hold. Envelopes (public schema) keep the sender's name for the same reason.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from privacy.public import LegalHold, register_legal_hold

_RECORDS_ACT = _(
    "기관 간에 주고받은 공문과 그 접수·배부·공람 기록의 담당자 이름은 「공공기록물 관리에 관한 법률」에 따라 기록물로 보존됩니다."
)

register_legal_hold(
    LegalHold(
        "exchange.ReceivedDocument",
        ("assignee_name", "drafter_name", "drafter_email", "recipients", "form_data"),
        _RECORDS_ACT,
    ),
    LegalHold("exchange.ReceivedEvent", ("actor_name", "note"), _RECORDS_ACT),
    LegalHold("exchange.ReceivedReader", ("user_name",), _RECORDS_ACT),
    LegalHold(
        "exchange_relay.Envelope",
        ("sent_by_name", "recipient_name", "email", "payload"),
        _RECORDS_ACT,
    ),
)
