"""What other apps use of programs: a resident's applications across institutions
(from the public-schema summaries, never a query per institution) and cancelling one.

    from programs.public import applications_of, application_cancel

    for item in applications_of(request.user): ...   # dicts, newest first
    application_cancel(user=request.user, institution_slug="culture", application_id=12)

The institution's public home (website) lists ``open_programs()``: published programs
still taking applications, closing soonest first.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from portal.public import personal
from tenants.models import Institution


def open_programs(limit: int = 4) -> list:
    """Published programs (of the current schema) still taking applications, the one
    closing soonest first."""
    from programs.models import Program, ProgramStatus

    now = timezone.now()
    return list(
        Program.objects.filter(
            status=ProgramStatus.PUBLISHED, applications_close_at__gt=now
        ).order_by("applications_close_at", "id")[:limit]
    )


BADGES = {"confirmed": "ok", "waitlisted": "warn", "cancelled": "", "cancelled_by_staff": "danger"}
LIVE = ("confirmed", "waitlisted")


def applications_of(user) -> list[dict]:
    """The person's program applications at every active institution, newest first.

    Each item: title, institution_name, institution_slug, link (on the institution's
    host), status, status_label, badge, period_label, place, starts_at, fee,
    waitlist_position, can_cancel, cancel_path (on the portal), application_id, updated_at.
    """
    now = timezone.now()
    out = []
    for entry in personal(user, kind="application").order_by("-updated_at", "-id"):
        data = entry.data or {}
        starts = data.get("starts_at")
        started = bool(starts) and dt.datetime.fromisoformat(starts) <= now
        can_cancel = data.get("status") in LIVE and not started
        out.append(
            {
                "title": entry.title,
                "institution_name": entry.institution.name,
                "institution_slug": entry.institution.slug,
                "link": entry.link,
                "status": data.get("status", ""),
                "status_label": data.get("status_label", ""),
                "badge": BADGES.get(data.get("status", ""), ""),
                "period_label": data.get("period_label", entry.summary),
                "place": data.get("place", ""),
                "starts_at": dt.datetime.fromisoformat(starts) if starts else None,
                "fee": data.get("fee"),
                "waitlist_position": data.get("waitlist_position"),
                "can_cancel": can_cancel,
                "cancel_path": reverse(
                    "portal:my_application_cancel",
                    args=[entry.institution.slug, int(entry.key)],
                    urlconf="suite.urls_public",
                ),
                "application_id": int(entry.key),
                "updated_at": entry.updated_at,
            }
        )
    return out


def application_cancel(*, user, institution_slug: str, application_id: int):
    """Cancel the person's own application (in that institution's schema).

    Http404 for an unknown institution or application or someone else's;
    ValidationError (Korean) when it can no longer be cancelled.
    """
    from programs import services
    from programs.models import Application

    institution = Institution.objects.filter(
        slug=institution_slug, status=Institution.Status.ACTIVE
    ).first()
    if institution is None or not getattr(user, "is_authenticated", False):
        raise Http404
    with schema_context(institution.schema_name):
        application = Application.objects.filter(pk=application_id, applicant_id=user.pk).first()
        if application is None:
            raise Http404
        return services.application_cancel(actor=user, application=application)
