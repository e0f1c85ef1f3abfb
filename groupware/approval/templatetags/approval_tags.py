"""{% load approval_tags %}{% approval_counts as counts %} — inbox counts for the navigation.

Queries only for a member on an institution host (six fixed queries, see
selectors.inbox_counts); anywhere else the counts are empty.
"""

from django import template
from django.utils.translation import gettext

from groupware.approval.leave import format_days
from groupware.approval.models import Step, StepStatus
from suite import dates

register = template.Library()


@register.simple_tag(takes_context=True)
def approval_counts(context) -> dict:
    request = context.get("request")
    institution = getattr(request, "institution", None)
    user = getattr(request, "user", None)
    if institution is None or user is None or not context.get("is_member"):
        return {}
    cached = getattr(request, "_approval_counts", None)
    if cached is None:
        from groupware.approval.selectors import inbox_counts

        cached = request._approval_counts = inbox_counts(user)
    return cached


@register.simple_tag
def line_marks(steps) -> dict:
    """{% line_marks steps as marks %}: marks.drafter ("★" or "★⊙"), marks.reporter (step id)."""
    from groupware.approval.marks import drafter_marks, reporter_step

    steps = list(steps)
    reporter = reporter_step(steps)
    return {"drafter": drafter_marks(steps), "reporter": reporter.pk if reporter else None}


@register.filter
def step_status_class(step: Step) -> str:
    return {
        StepStatus.APPROVED: "ok",
        StepStatus.PENDING: "warn",
        StepStatus.HELD: "warn",
        StepStatus.RETURNED: "danger",
    }.get(step.status, "")


register.filter("korean_date", dates.kdate)
register.filter("korean_datetime", dates.kdatetime)


@register.filter
def days(value) -> str:
    return format_days(value or 0)


@register.filter
def won(value) -> str:
    """1,000,000원 (whole won; ₩1,000,000 in English)."""
    if value in (None, ""):
        return ""
    try:
        return gettext("%(amount)s원") % {"amount": f"{int(value):,}"}
    except (TypeError, ValueError):
        return str(value)


@register.filter
def opens_in(entry, openable) -> bool:
    """A register row's document is among those the viewer may open (views/records)."""
    if entry.kind == "produced":
        return ("produced", entry.document_id) in openable
    return ("received", entry.source_id) in openable
