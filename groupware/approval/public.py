"""전자결재's public face: what the calendar, the dashboard, the exchange and other apps use.

- ``approved_leaves(start, end)`` — approved, not cancelled leave overlapping local dates
  [start, end];
- ``leave_approved`` / ``leave_cancelled`` — registries of reactions to an approved
  휴가신청서 and to its approved 휴가취소신청서 (the calendar records / removes an absence);
  receivers get a ``LeaveApproved`` after the approval commits;
- ``leave_balance(user, year)`` and ``format_days``;
- ``waiting_for`` / ``in_progress_of`` — the dashboard's sections read these;
- for the document exchange (groupware.exchange): ``lock_document``,
  ``document_record`` (a history row), ``register_received`` (접수등록번호 in a
  department's register), ``document_create_draft`` / ``propose_line`` (a reply),
  ``ensure_pdf``, ``document_panels`` (blocks the exchange adds to the document page),
  ``record_disposed`` (a disposal decided in the register reaches the received copy);
  the exchange's pages and rules read documents as approval does: ``Document``,
  ``DocumentRecipient``, ``RecipientKind``, ``Action``, ``Seal``, ``Notification``,
  ``document_for``, ``BOXES``, ``box_opens``, ``department_of``, ``is_head_of``,
  ``is_document_office``, ``DocumentSerializer``, ``display_rows`` and the pages' shared
  bits ``error_text``, ``nav_counts``, ``people_choices``; its demo data drafts and
  approves with ``document_update_draft``, ``document_submit``, ``document_approve``;
- for the institution's public site (website, 원문정보공개): ``Document``, ``State``,
  ``Disclosure`` (an approved 공개 document may be published) and ``ensure_pdf``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from groupware.approval.formdata import display_rows
from groupware.approval.leave import approved_leaves, format_days, leave_balance
from groupware.approval.models import (
    Action,
    Disclosure,
    Document,
    DocumentRecipient,
    Notification,
    RecipientKind,
    Seal,
    State,
)
from groupware.approval.pdf import ensure_pdf
from groupware.approval.permissions import (
    box_opens,
    department_of,
    is_document_office,
    is_head_of,
)
from groupware.approval.selectors import BOXES, document_for, in_progress_of, waiting_for
from groupware.approval.serializers import DocumentSerializer
from groupware.approval.services import document_approve, document_submit, document_update_draft
from groupware.approval.services.common import lock_document
from groupware.approval.services.common import record as document_record
from groupware.approval.services.drafting import document_create_draft
from groupware.approval.services.lines import propose_line
from groupware.approval.services.numbering import register_received
from suite.registry import Registry

__all__ = [
    "BOXES",
    "Action",
    "Disclosure",
    "Document",
    "DocumentPanel",
    "DocumentRecipient",
    "DocumentSerializer",
    "Notification",
    "RecipientKind",
    "Seal",
    "State",
    "box_opens",
    "department_of",
    "display_rows",
    "document_approve",
    "document_for",
    "document_submit",
    "document_update_draft",
    "error_text",
    "is_document_office",
    "is_head_of",
    "nav_counts",
    "people_choices",
    "document_create_draft",
    "document_record",
    "ensure_pdf",
    "lock_document",
    "propose_line",
    "register_received",
    "LeaveApproved",
    "RecordDisposed",
    "approved_leaves",
    "document_panels",
    "format_days",
    "in_progress_of",
    "leave_approved",
    "leave_balance",
    "leave_cancelled",
    "record_disposed",
    "waiting_for",
]


@dataclass(frozen=True)
class LeaveApproved:
    """An approved leave request: who, which kind (and its label), which local dates."""

    leave_id: int
    user_id: int
    kind: str
    kind_label: str
    start_date: dt.date
    end_date: dt.date


leave_approved: Registry[LeaveApproved, object] = Registry("approval.leave_approved")
leave_cancelled: Registry[LeaveApproved, object] = Registry("approval.leave_cancelled")


@dataclass(frozen=True)
class DocumentPanel:
    """What another app shows on a document's page: ``request``, ``document``; the
    receiver returns rendered HTML (or "" for nothing)."""

    request: Any
    document: Any


document_panels: Registry[DocumentPanel, str] = Registry("approval.document_panels")


@dataclass(frozen=True)
class RecordDisposed:
    """A register row whose record was disposed of (폐기): ``source`` and ``source_id``
    name the received copy in the app that keeps it. Sent inside the transaction."""

    entry_id: int
    source: str
    source_id: int


record_disposed: Registry[RecordDisposed, object] = Registry("approval.record_disposed")


# -- the pages' shared bits, for the exchange's pages (which sit in approval's navigation).
# Imported when called: approval's views import this module.


def people_choices(institution):
    """Members with their place in the org chart, for pickers (one query)."""
    from groupware.approval.views.common import people_choices as choices

    return choices(institution)


def error_text(error) -> str:
    """A service's ValidationError as one line of text."""
    from groupware.approval.views.common import error_text as text

    return text(error)


def nav_counts(request) -> dict:
    """The approval inbox counts shown in the navigation (once per request)."""
    from groupware.approval.views.common import nav_counts as counts

    return counts(request)
