"""The institution's audit log, declared to privacy: entries stay, the person becomes the
pseudonym in them."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.public import PersonalData, Subject, register_personal_data


def _audit_of(s: Subject) -> Q:
    q = Q(actor_id=s.user_id) | Q(target_type="accounts.user", target_id=str(s.user_id))
    if s.email:
        q |= Q(summary__icontains=s.email) | Q(actor_label__icontains=s.email)
        q |= Q(data__icontains=s.email)
    if s.name and len(s.name) >= 2:
        q |= Q(summary__contains=s.name) | Q(reason__contains=s.name)
    return q


register_personal_data(
    PersonalData(
        model="institution.AuditEvent",
        match=_audit_of,
        scrub_fields=("actor_label", "summary", "reason", "data"),
        description=_("기관 감사 기록(기록은 남고 이름·이메일은 가명으로 바뀜)"),
    ),
)
