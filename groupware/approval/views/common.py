"""What the 전자결재 pages share: people pickers, inbox counts, error text."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Subquery

from accounts.models import User
from groupware.approval import selectors
from groupware.models import StaffProfile


def people_choices(institution):
    """Members of the institution with their place in the org chart, for pickers — one
    query: the profile's department, position and level read alongside each person."""
    profile = StaffProfile.objects.filter(user_id=OuterRef("pk"))
    users = (
        User.objects.filter(
            memberships__institution=institution, memberships__is_active=True, is_active=True
        )
        .annotate(
            has_profile=Exists(profile),
            department_name=Subquery(profile.values("department__name")[:1]),
            position_name=Subquery(profile.values("position__name")[:1]),
            position_level=Subquery(profile.values("position__level")[:1]),
        )
        .order_by("name")
    )
    out = []
    for user in users:
        label = user.name or user.email
        if user.has_profile:
            extra = " ".join(x for x in (user.department_name, user.position_name) if x)
            label = f"{label} ({extra})" if extra else label
        out.append(
            {
                "id": user.pk,
                "label": label,
                "level": user.position_level if user.position_level is not None else 999,
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
