"""What the 전자결재 pages share: people pickers, inbox counts, error text."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from accounts.models import User
from groupware.approval import selectors
from groupware.models import StaffProfile


def people_choices(institution):
    """Members of the institution with their place in the org chart, for pickers."""
    users = list(
        User.objects.filter(
            memberships__institution=institution, memberships__is_active=True, is_active=True
        ).order_by("name")
    )
    profiles = {
        p.user_id: p
        for p in StaffProfile.objects.filter(user_id__in=[u.pk for u in users]).select_related(
            "department", "position"
        )
    }
    out = []
    for user in users:
        profile = profiles.get(user.pk)
        label = user.name or user.email
        if profile is not None:
            extra = " ".join(
                x
                for x in (
                    profile.department and profile.department.name,
                    profile.position and profile.position.name,
                )
                if x
            )
            label = f"{label} ({extra})" if extra else label
        out.append(
            {
                "id": user.pk,
                "label": label,
                "level": profile.position.level if profile and profile.position else 999,
            }
        )
    return out


def error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(m for msgs in error.message_dict.values() for m in msgs)
    return " ".join(error.messages)


def nav_counts(request) -> dict:
    """Inbox counts once per request (the nav tag reuses them)."""
    if getattr(request, "_approval_counts", None) is None:
        request._approval_counts = selectors.inbox_counts(request.user)
    return request._approval_counts


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None
