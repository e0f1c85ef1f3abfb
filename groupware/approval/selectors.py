"""Reads that depend on who asks. For the dashboard and the navigation:

- ``inbox_counts(user)`` → ``{"waiting", "in_progress", "returned", "drafts",
  "cc_unread", "post_reports", "notifications"}`` in one statement;
- ``waiting_for(user)`` → documents waiting for the user's approval (their own
  step, or a step they act on as deputy during someone's absence);
- ``in_progress_of(user)`` → the user's drafts en route (결재진행·보류);
- ``post_reports_for(user)`` → 사후보고 items not yet acknowledged.

All querysets live in the current institution's schema. ``document_for``
answers the same 404 for a document that does not exist and one the user may
not see.
"""

from __future__ import annotations

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groupware.approval.models import (
    Document,
    Notification,
    PostReport,
    Reader,
    State,
    Step,
    StepStatus,
)
from groupware.approval.permissions import deputised_user_ids
from groupware.models import Absence
from suite.queries import counts

OPEN = (State.IN_APPROVAL, State.ON_HOLD)

BOXES = {
    "waiting": _("결재대기"),
    "in_progress": _("진행중"),
    "completed": pgettext_lazy("inbox", "완료"),
    "returned": pgettext_lazy("inbox", "반려"),
    "cc": _("참조·공람"),
    "post_reports": _("사후보고"),
    "drafts": _("임시저장"),
}


def _waiting_q(user, deputised: list[int] | QuerySet) -> Q:
    mine = Step.objects.filter(
        document=OuterRef("pk"),
        round=OuterRef("round"),
        status__in=(StepStatus.PENDING, StepStatus.HELD),
    ).filter(
        # nobody signs their own draft, not even as a deputy (permissions.actable_step)
        Q(approver=user) | (Q(approver_id__in=deputised) & ~Q(document__drafter=user))
    )
    return Q(state__in=OPEN) & Q(Exists(mine))


def visible_documents(user, deputised: list[int] | None = None):
    """Every document the user may open."""
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    deputised = deputy_ids = deputised if deputised is not None else deputised_user_ids(user)
    on_line = Step.objects.filter(document=OuterRef("pk")).filter(
        Q(approver=user) | Q(acted_by=user)
    )
    reader = Reader.objects.filter(document=OuterRef("pk"), user=user)
    reported = PostReport.objects.filter(document=OuterRef("pk"), user=user)
    related = Q(Exists(on_line)) | Q(Exists(reader)) | Q(Exists(reported))
    if deputy_ids:
        related |= _waiting_q(user, deputised)
    return Document.objects.filter(disposed_at__isnull=True).filter(
        Q(drafter=user) | (~Q(state=State.DRAFT) & related) | department_box_q(user)
    )


def department_box_q(user) -> Q:
    """부서 문서함: approved documents of the user's department that its members may open
    (공개·부분공개; the head every one). permissions.box_opens says the same per document."""
    from groupware.approval.permissions import department_of, is_head_of

    department = department_of(user)
    if department is None:
        return Q(pk__in=[])
    box = Q(state=State.APPROVED, department_id=department)
    if not is_head_of(user, department):
        box &= ~Q(disclosure="closed")
    return box


def document_for(user, pk, *, page: bool = False) -> Document:
    """The document if the user may see it; Http404 otherwise (same answer for missing).
    ``page``: with what its page shows, read in the same query — ``my_post_reports``, the
    user's 사후보고 on it still to confirm, and ``cancellation_rows``, the documents that
    cancel it (휴가취소신청), each newest first as ``[{"pk", …}]``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    # a leave request's details and a cancellation's leave come along (the page shows them)
    documents = visible_documents(user).select_related("leave", "cancels__leave")
    if page:
        mine = (
            PostReport.objects.filter(
                document=OuterRef("pk"), user=user, acknowledged_at__isnull=True
            )
            .filter(PostReport.STANDS)
            .order_by("-created_at", "-id")
            .values(json=JSONObject(pk="pk", step="step_id"))
        )
        cancelling = (
            Document.objects.filter(cancels=OuterRef("pk"))
            .order_by("-created_at", "-id")
            .values(json=JSONObject(pk="pk", number="number", state="state", form="form"))
        )
        documents = documents.annotate(
            my_post_reports=ArraySubquery(mine), cancellation_rows=ArraySubquery(cancelling)
        )
    document = documents.filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def _deputised_now(user) -> QuerySet:
    """The people ``user`` stands in for now (대결), as a subquery: no round trip of its own."""
    now = timezone.now()
    return Absence.objects.filter(deputy=user, starts_at__lte=now, ends_at__gt=now).values(
        "user_id"
    )


def waiting_for(user):
    """결재대기: documents whose current step is the user's (or their absent colleague's)."""
    return Document.objects.filter(_waiting_q(user, _deputised_now(user))).order_by(
        "submitted_at", "id"
    )


def in_progress_of(user):
    """진행중: the user's own drafts on their way through the line."""
    return Document.objects.filter(drafter=user, state__in=OPEN).order_by("-submitted_at", "-id")


def completed_for(user):
    """완료: approved documents the user drafted or signed."""
    signed = Step.objects.filter(document=OuterRef("pk")).filter(
        Q(approver=user) | Q(acted_by=user)
    )
    return Document.objects.filter(
        Q(state=State.APPROVED) & (Q(drafter=user) | Q(Exists(signed)))
    ).order_by("-approved_at", "-id")


def returned_to(user):
    return Document.objects.filter(drafter=user, state=State.RETURNED).order_by(
        "-updated_at", "-id"
    )


def drafts_of(user):
    return Document.objects.filter(drafter=user, state__in=(State.DRAFT, State.RECALLED)).order_by(
        "-updated_at", "-id"
    )


def cc_for(user):
    """참조·공람: documents the user was cc'd on (once submitted) or that were circulated to them."""
    reader = Reader.objects.filter(document=OuterRef("pk"), user=user)
    return (
        Document.objects.exclude(state=State.DRAFT)
        .filter(Exists(reader))
        .order_by("-updated_at", "-id")
    )


def post_reports_for(user, *, open_only: bool = False):
    rows = (
        PostReport.objects.filter(user=user)
        .filter(PostReport.STANDS)
        .select_related("document", "step")
    )
    if open_only:
        rows = rows.filter(acknowledged_at__isnull=True)
    return rows.order_by("acknowledged_at", "-created_at")


def post_report_for(user, pk) -> PostReport:
    report = (
        PostReport.objects.filter(user=user, pk=pk)
        .filter(PostReport.STANDS)
        .select_related("document")
        .first()
    )
    if report is None:
        raise Http404
    return report


def notifications_for(user):
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


BOX_QUERIES = {
    "waiting": waiting_for,
    "in_progress": in_progress_of,
    "completed": completed_for,
    "returned": returned_to,
    "cc": cc_for,
    "drafts": drafts_of,
}


def search(
    documents,
    *,
    q: str = "",
    number: str = "",
    drafter: str = "",
    state: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    """Filter a document queryset by title, number, drafter name, state and drafting period."""
    if q:
        documents = documents.filter(title__icontains=q.strip())
    if number:
        documents = documents.filter(number__icontains=number.strip())
    if drafter:
        documents = documents.filter(drafter_name__icontains=drafter.strip())
    if state and state in State.values:
        documents = documents.filter(state=state)
    if date_from:
        documents = documents.filter(created_at__date__gte=date_from)
    if date_to:
        documents = documents.filter(created_at__date__lte=date_to)
    return documents


def inbox(user, box: str, **filters):
    """Documents of one inbox (see BOXES), searched."""
    if box not in BOX_QUERIES:
        raise Http404
    return search(BOX_QUERIES[box](user), **filters)


def inbox_counts(user) -> dict[str, int]:
    """Counts for the navigation and dashboard, in one statement whatever the data."""
    keys = ("waiting", "in_progress", "returned", "drafts", "cc_unread", "post_reports")
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys((*keys, "notifications"), 0)
    mine = Document.objects.filter(drafter=user)
    return counts(
        waiting=Document.objects.filter(_waiting_q(user, _deputised_now(user))),
        in_progress=mine.filter(state__in=OPEN),
        returned=mine.filter(state=State.RETURNED),
        drafts=mine.filter(state__in=(State.DRAFT, State.RECALLED)),
        cc_unread=Reader.objects.filter(user=user, read_at__isnull=True)
        .exclude(document__state=State.DRAFT)
        .values("document")
        .distinct(),
        post_reports=PostReport.objects.filter(user=user, acknowledged_at__isnull=True).filter(
            PostReport.STANDS
        ),
        notifications=Notification.objects.filter(user=user, read_at__isnull=True),
    )
