"""Personal data of programs (강좌·행사 applications), declared to privacy: applications
stay as the program's record with the applicant as the pseudonym."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.public import (
    PersonalData,
    RetentionKind,
    Subject,
    register_personal_data,
    register_retention,
)


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


DESTROYED = "(파기)"


def _destroy_applicant_data(*, cutoff, now) -> int:
    """Applicant details of programs that ended before ``cutoff`` (counts and order stay)."""
    from programs.models import Application, ApplicationEvent

    due = Application.objects.filter(program__end_date__lt=cutoff.date()).exclude(
        applicant_name=DESTROYED
    )
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    ApplicationEvent.objects.filter(application_id__in=ids).update(actor_name="", reason="")
    return Application.objects.filter(pk__in=ids).update(
        applicant_name=DESTROYED, email="", phone="", birth_date=None, status_reason=""
    )


register_retention(
    RetentionKind(
        key="program_applicant",
        label=_("프로그램 신청자 정보"),
        default_days=365 * 3,
        min_days=30,
        destroy=_destroy_applicant_data,
        description=_(
            "강좌·행사 신청자 이름·이메일·연락처·생년월일. 프로그램이 끝난 뒤 이 기간이 지나면 파기하고, 인원 기록만 남깁니다."
        ),
        basis=_("종료일로부터"),
        method="pseudonymise",
    )
)
