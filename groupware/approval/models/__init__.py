"""Electronic approval (전자결재), in the institution's schema.

A ``Document`` travels an approval line of ``Step`` rows (grouped in rounds:
each submission is a round, a returned or recalled round stays on record).
Every action writes a ``DocumentEvent``; every submitted or reviewer-edited
text is a ``DocumentVersion``. Once approved, the document, its steps,
versions, attachments and events are frozen by database triggers
(migrations 0002, 0005) as well as by the services.

- ``documents`` — the document, its line, versions, history, attachments, readers,
  recipients (수신자);
- ``rules`` — 양식 (``FormTemplate``), 위임전결 (``DelegationRule``), department line
  templates;
- ``leave`` — 휴가신청서 details;
- ``records`` — the department registers (기록물 등록대장), counters, disposal decisions;
- ``personal`` — favourite lines and in-app notices;
- ``seal`` — the institution's 직인 for outgoing 시행문.
"""

from groupware.approval.models.documents import (
    Action,
    Attachment,
    Disclosure,
    Document,
    DocumentEvent,
    DocumentRecipient,
    DocumentVersion,
    Form,
    PostReport,
    Reader,
    RecipientKind,
    Retention,
    State,
    Step,
    StepRole,
    StepStatus,
    attachment_path,
    form_label,
    pdf_path,
)
from groupware.approval.models.leave import ANNUAL_KINDS, LeaveKind, LeaveRequest
from groupware.approval.models.personal import FavouriteLine, Notification
from groupware.approval.models.records import (
    RETENTION_YEARS,
    DisposalDecision,
    NumberCounter,
    RegisterEntry,
    retention_until,
)
from groupware.approval.models.rules import (
    DelegationRule,
    FieldType,
    FormTemplate,
    LineTemplate,
)
from groupware.approval.models.seal import Seal

__all__ = [
    "ANNUAL_KINDS",
    "RETENTION_YEARS",
    "Action",
    "Attachment",
    "DelegationRule",
    "Disclosure",
    "DisposalDecision",
    "Document",
    "DocumentEvent",
    "DocumentRecipient",
    "DocumentVersion",
    "FavouriteLine",
    "FieldType",
    "Form",
    "FormTemplate",
    "LeaveKind",
    "LeaveRequest",
    "LineTemplate",
    "Notification",
    "NumberCounter",
    "PostReport",
    "Reader",
    "RecipientKind",
    "RegisterEntry",
    "Retention",
    "Seal",
    "State",
    "Step",
    "StepRole",
    "StepStatus",
    "attachment_path",
    "form_label",
    "pdf_path",
    "retention_until",
]
