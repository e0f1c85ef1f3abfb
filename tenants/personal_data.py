"""The platform audit log (public schema), declared to privacy."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.public import PersonalData, Subject, register_personal_data


def _platform_audit_of(s: Subject) -> Q:
    q = Q(actor_id=s.user_id)
    if s.email:
        q |= Q(actor_label__icontains=s.email) | Q(details__icontains=s.email)
    return q


register_personal_data(
    PersonalData(
        model="tenants.PlatformAuditEvent",
        match=_platform_audit_of,
        scrub_fields=("actor_label", "reason", "details"),
        description=_("플랫폼 감사 기록(기록은 남고 이름·이메일은 가명으로 바뀜)"),
    ),
)
