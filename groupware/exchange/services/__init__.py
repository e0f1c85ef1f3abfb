"""The write paths of 문서유통: sending (발송, the sender's side), receiving (도달 by the
task, then 접수·배부·담당자 지정·공람·회신·반송 on the receiver's side)."""

from groupware.exchange.services.receiving import (
    envelope_deliver,
    received_assign,
    received_circulate,
    received_dispose,
    received_distribute,
    received_mark_read,
    received_register,
    received_reply_draft,
    received_return,
)
from groupware.exchange.services.sending import document_send, envelope_email

__all__ = [
    "document_send",
    "envelope_deliver",
    "envelope_email",
    "received_assign",
    "received_circulate",
    "received_dispose",
    "received_distribute",
    "received_mark_read",
    "received_register",
    "received_reply_draft",
    "received_return",
]
