"""Blocks of the institution's public home: the site menu, open programs, notices, jobs."""

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def site_home():
    """What the home shows besides the apps' own sections (programs, jobs, tagline)."""
    from programs.models import Program, ProgramStatus
    from website.models import JobPosting, SiteSettings, Status

    now = timezone.now()
    return {
        "site": SiteSettings.current(),
        "programs": list(
            Program.objects.filter(
                status=ProgramStatus.PUBLISHED, applications_close_at__gt=now
            ).order_by("applications_close_at", "id")[:4]
        ),
        "jobs": list(
            JobPosting.objects.filter(status=Status.PUBLISHED, closes_at__gt=now).order_by(
                "closes_at"
            )[:3]
        ),
    }
