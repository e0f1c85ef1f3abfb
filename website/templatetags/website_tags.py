"""Blocks of the institution's public home: the site menu, open programs, notices, jobs."""

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def site_home():
    """What the home shows besides the apps' own sections (programs, jobs, tagline)."""
    from programs.public import open_programs
    from website.models import JobPosting, SiteSettings, Status

    now = timezone.now()
    return {
        "site": SiteSettings.current(),
        "programs": open_programs(4),
        "jobs": list(
            JobPosting.objects.filter(status=Status.PUBLISHED, closes_at__gt=now).order_by(
                "closes_at"
            )[:3]
        ),
    }


@register.inclusion_tag("website/_open_document_action.html", takes_context=True)
def open_document_action(context, document):
    """The 원문 공개 box on an approval document's page: an approved 공개 document, to
    someone who may publish it (its department, or an institution admin), can be published
    to the institution's site — or, once published, opened there or withdrawn."""
    from groupware.approval.public import Disclosure, State
    from website import permissions
    from website.models import OpenDocument

    request = context.get("request")
    shown = (
        request is not None
        and document.state == State.APPROVED
        and document.disclosure == Disclosure.PUBLIC
        and bool(document.number)
        and permissions.can_publish_document(request.user, request.institution, document)
    )
    if not shown:
        return {"show": False}
    return {
        "show": True,
        "document": document,
        "item": OpenDocument.objects.filter(document=document).first(),
        "next": request.path,
        "csrf_token": context.get("csrf_token"),
    }
