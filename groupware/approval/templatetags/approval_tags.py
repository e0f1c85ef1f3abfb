"""{% load approval_tags %}{% approval_counts as counts %} — inbox counts for the navigation.

Queries only for a member on an institution host (six fixed queries, see
selectors.inbox_counts); anywhere else the counts are empty.
"""

from django import template

from groupware.approval.models import Step, StepStatus

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


@register.filter
def korean_date(value) -> str:
    """2026. 11. 25."""
    if not value:
        return ""
    from django.utils import timezone

    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return f"{value.year}. {value.month}. {value.day}."


@register.filter
def korean_datetime(value) -> str:
    """2026. 11. 25. 15:20"""
    if not value:
        return ""
    from django.utils import timezone

    value = timezone.localtime(value)
    return f"{value.year}. {value.month}. {value.day}. {value:%H:%M}"


@register.filter
def days(value) -> str:
    from groupware.approval.services.documents import _fmt_days

    return _fmt_days(value or 0)
