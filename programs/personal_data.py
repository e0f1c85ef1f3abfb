"""Personal data of programs (강좌·행사 applications), declared to privacy: applications
stay as the program's record with the applicant as the pseudonym."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.public import PersonalData, Subject, register_personal_data


def _applications_of(s: Subject) -> Q:
    q = Q(applicant_id=s.user_id)
    if s.email:
        q |= Q(email__iexact=s.email)
    return q


def _events_of(s: Subject) -> Q:
    q = Q(actor_id=s.user_id) | Q(application__applicant_id=s.user_id)
    if s.email:
        q |= Q(application__email__iexact=s.email)
    return q


register_personal_data(
    # Events first: they find the applications through the e-mail the next rule clears.
    PersonalData(
        model="programs.ApplicationEvent",
        match=_events_of,
        scrub_fields=("actor_name", "reason"),
        description=_("프로그램 신청 처리 이력"),
    ),
    PersonalData(
        model="programs.Application",
        match=_applications_of,
        pseudonym_fields=("applicant_name",),
        clear_fields=("email", "phone", "birth_date"),
        scrub_fields=("status_reason",),
        description=_("강좌·프로그램 신청 기록(정원·대기 순서 기록으로 가명 보관)"),
    ),
)
