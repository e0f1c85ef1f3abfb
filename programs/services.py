"""The write path of programs: editing and publishing (staff), applying and cancelling
(residents), the waiting list. Every change is audited or recorded as an
ApplicationEvent; notifications and index updates go out after commit.

Concurrency: applying and cancelling take the program's row lock
(``lock_program``) first, then move the counters with F(); the CHECK constraint
``confirmed_count <= capacity`` makes overbooking impossible even for a code
path that forgot the lock.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institution.audit import audit_record
from portal import public as portal
from programs import permissions
from programs.models import (
    LIVE_STATES,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Category,
    Program,
    ProgramStatus,
)

ERRORS = {
    "title_required": _("프로그램명을 입력해 주세요."),
    "dates": _("종료일은 시작일과 같거나 뒤여야 합니다."),
    "times": _("종료 시각은 시작 시각보다 뒤여야 합니다."),
    "window": _("신청 마감은 신청 시작보다 뒤여야 합니다."),
    "window_after_end": _("신청 마감은 프로그램 종료 전이어야 합니다."),
    "capacity": _("정원은 1명 이상이어야 합니다."),
    "capacity_below": _("이미 확정된 인원(%(n)s명)보다 정원을 줄일 수 없습니다."),
    "waitlist_below": _("지금 대기 중인 인원(%(n)s명)보다 대기 한도를 줄일 수 없습니다."),
    "ages": _("최대 나이는 최소 나이와 같거나 커야 합니다."),
    "weekdays": _("요일을 올바르게 선택해 주세요."),
    "not_open": _("지금은 신청을 받지 않습니다."),
    "not_yet": _("신청은 %(at)s부터 받습니다."),
    "closed": _("신청이 마감되었습니다."),
    "full": _("정원과 대기 인원이 모두 찼습니다."),
    "duplicate": _("이미 신청하셨습니다. 내 신청 내역에서 확인해 주세요."),
    "birth_required": _("나이 제한이 있는 프로그램입니다. 생년월일을 입력해 주세요."),
    "age": _("이 프로그램은 %(range)s만 신청할 수 있습니다."),
    "resident_required": _("관내 거주자만 신청할 수 있습니다. 거주 여부를 확인해 주세요."),
    "cannot_cancel": _("이미 취소되었거나 취소할 수 없는 신청입니다."),
    "started": _("프로그램이 이미 시작되어 온라인으로 취소할 수 없습니다. 기관에 문의해 주세요."),
    "cancelled_program": _("폐강·취소된 프로그램입니다."),
}

EDIT_FIELDS = (
    "title", "category", "summary", "description", "instructor", "start_date", "end_date",
    "weekdays", "start_time", "end_time", "schedule_note", "place", "facility", "audience",
    "age_min", "age_max", "residents_only", "fee", "capacity", "waitlist_limit",
    "applications_open_at", "applications_close_at",
)  # fmt: skip


def lock_program(program_id: int) -> Program:
    """The program row, locked until the transaction ends (applicants queue here)."""
    return Program.objects.select_for_update().get(pk=program_id)


def _name(actor) -> str:
    return (getattr(actor, "name", "") or getattr(actor, "email", "") or "")[:60]


def _require_manager(actor, institution) -> None:
    if not permissions.can_manage_programs(actor, institution):
        raise PermissionDenied


def _clean_rich(text: str) -> str:
    from website.public import clean_rich

    return clean_rich(text)


def _validate(values: dict, program: Program | None) -> None:
    errors: dict[str, list] = {}
    if not (values.get("title") or "").strip():
        errors.setdefault("title", []).append(ERRORS["title_required"])
    if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
        errors.setdefault("end_date", []).append(ERRORS["dates"])
    if values["start_time"] and values["end_time"] and values["end_time"] <= values["start_time"]:
        errors.setdefault("end_time", []).append(ERRORS["times"])
    opens, closes = values["applications_open_at"], values["applications_close_at"]
    if opens and closes and closes <= opens:
        errors.setdefault("applications_close_at", []).append(ERRORS["window"])
    if closes and values["end_date"] and values["end_time"]:
        end = timezone.make_aware(dt.datetime.combine(values["end_date"], values["end_time"]))
        if closes > end:
            errors.setdefault("applications_close_at", []).append(ERRORS["window_after_end"])
    if (values.get("capacity") or 0) < 1:
        errors.setdefault("capacity", []).append(ERRORS["capacity"])
    if program is not None:
        if values.get("capacity", 0) < program.confirmed_count:
            errors.setdefault("capacity", []).append(
                ERRORS["capacity_below"] % {"n": program.confirmed_count}
            )
        if values.get("waitlist_limit", 0) < program.waitlist_count:
            errors.setdefault("waitlist_limit", []).append(
                ERRORS["waitlist_below"] % {"n": program.waitlist_count}
            )
    age_min, age_max = values.get("age_min"), values.get("age_max")
    if age_min is not None and age_max is not None and age_max < age_min:
        errors.setdefault("age_max", []).append(ERRORS["ages"])
    weekdays = values.get("weekdays") or []
    if any(not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays):
        errors.setdefault("weekdays", []).append(ERRORS["weekdays"])
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def program_save(*, actor, institution, program: Program | None = None, **fields) -> Program:
    """Create or change a program. Raising the capacity lets waiting applicants in."""
    _require_manager(actor, institution)
    if program is not None:
        program = lock_program(program.pk)
    base = program or Program()  # a new program starts from the model's defaults
    values = {name: fields.get(name, getattr(base, name, None)) for name in EDIT_FIELDS}
    values["weekdays"] = sorted({int(d) for d in (values["weekdays"] or [])})
    values["fee"] = int(values.get("fee") or 0)
    values["waitlist_limit"] = int(values.get("waitlist_limit") or 0)
    values["capacity"] = int(values.get("capacity") or 0)
    _validate(values, program)
    created = program is None
    program = program or Program()
    for name, value in values.items():
        setattr(program, name, value)
    program.title = program.title.strip()
    program.description = _clean_rich(program.description)
    program.category = program.category or Category.LECTURE
    program.updated_by_name = _name(actor)
    program.full_clean(exclude=["confirmed_count", "waitlist_count"])
    program.save()
    audit_record(
        actor=actor,
        action="programs.program_create" if created else "programs.program_update",
        target=program,
        summary=f"프로그램 {'등록' if created else '수정'}: {program.title}",
    )
    promoted = _promote(program, actor=actor) if not created else []
    _after_change(program, promoted)
    return program


@transaction.atomic
def program_publish(*, actor, institution, program: Program) -> Program:
    _require_manager(actor, institution)
    program = lock_program(program.pk)
    if program.status == ProgramStatus.CANCELLED:
        raise ValidationError(ERRORS["cancelled_program"])
    program.status = ProgramStatus.PUBLISHED
    program.published_at = program.published_at or timezone.now()
    program.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="programs.program_publish",
        target=program,
        summary=f"프로그램 게시: {program.title}",
    )
    _after_change(program)
    return program


@transaction.atomic
def program_unpublish(*, actor, institution, program: Program) -> Program:
    """Back to draft (hidden); live applications stay."""
    _require_manager(actor, institution)
    program = lock_program(program.pk)
    if program.status == ProgramStatus.PUBLISHED:
        program.status = ProgramStatus.DRAFT
        program.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="programs.program_unpublish",
        target=program,
        summary=f"프로그램 게시 중단: {program.title}",
    )
    _after_change(program)
    return program


@transaction.atomic
def program_cancel(*, actor, institution, program: Program, reason: str) -> Program:
    """폐강: the program is cancelled and every live application with it (applicants told)."""
    _require_manager(actor, institution)
    program = lock_program(program.pk)
    reason = (reason or "").strip()[:300]
    for application in program.applications.filter(status__in=LIVE_STATES).order_by("id"):
        _move(application, ApplicationStatus.CANCELLED_BY_STAFF, actor=actor, reason=reason)
        _notify(application, program, _("폐강·취소"), reason)
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.CANCELLED, confirmed_count=0, waitlist_count=0
    )
    program.refresh_from_db()
    audit_record(
        actor=actor,
        action="programs.program_cancel",
        target=program,
        summary=f"프로그램 폐강: {program.title}",
        reason=reason,
    )
    _after_change(program)
    return program


# -- applications --------------------------------------------------------------------


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """만 나이 on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _age_range(program: Program) -> str:
    if program.age_min is not None and program.age_max is not None:
        return f"만 {program.age_min}–{program.age_max}세"
    if program.age_min is not None:
        return f"만 {program.age_min}세 이상"
    return f"만 {program.age_max}세 이하"


def check_eligibility(program: Program, *, birth_date, resident_declared: bool, now) -> None:
    """Raise a Korean ValidationError for the first rule the applicant breaks."""
    if program.status != ProgramStatus.PUBLISHED:
        raise ValidationError(
            ERRORS["cancelled_program"]
            if program.status == ProgramStatus.CANCELLED
            else ERRORS["not_open"]
        )
    if now < program.applications_open_at:
        at = timezone.localtime(program.applications_open_at)
        raise ValidationError(
            ERRORS["not_yet"] % {"at": f"{at.year}. {at.month}. {at.day}. {at:%H:%M}"}
        )
    if now >= program.applications_close_at:
        raise ValidationError(ERRORS["closed"])
    if program.age_min is not None or program.age_max is not None:
        if birth_date is None:
            raise ValidationError({"birth_date": ERRORS["birth_required"]})
        age = age_on(birth_date, program.start_date)
        if (program.age_min is not None and age < program.age_min) or (
            program.age_max is not None and age > program.age_max
        ):
            raise ValidationError({"birth_date": ERRORS["age"] % {"range": _age_range(program)}})
    if program.residents_only and not resident_declared:
        raise ValidationError({"resident_declared": ERRORS["resident_required"]})


def application_apply(
    *,
    applicant,
    institution,
    program: Program,
    birth_date: dt.date | None = None,
    resident_declared: bool = False,
    phone: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """Apply (first come): a confirmed place while seats remain, else the waiting list,
    else refused. One live application per person and program."""
    now = now or timezone.now()
    birth_date = birth_date or getattr(applicant, "birth_date", None)
    try:
        with transaction.atomic():
            program = lock_program(program.pk)
            check_eligibility(
                program, birth_date=birth_date, resident_declared=resident_declared, now=now
            )
            if Application.objects.filter(
                program=program, applicant_id=applicant.pk, status__in=LIVE_STATES
            ).exists():
                raise ValidationError(ERRORS["duplicate"])
            if program.confirmed_count < program.capacity:
                status = ApplicationStatus.CONFIRMED
                Program.objects.filter(pk=program.pk).update(
                    confirmed_count=F("confirmed_count") + 1
                )
            elif program.waitlist_count < program.waitlist_limit:
                status = ApplicationStatus.WAITLISTED
                Program.objects.filter(pk=program.pk).update(waitlist_count=F("waitlist_count") + 1)
            else:
                raise ValidationError(ERRORS["full"])
            application = Application.objects.create(
                program=program,
                applicant=applicant,
                applicant_name=(applicant.name or applicant.email)[:60],
                email=applicant.email,
                phone=(phone or getattr(applicant, "phone", "") or "")[:30],
                birth_date=birth_date,
                resident_declared=resident_declared,
                status=status,
            )
            ApplicationEvent.objects.create(
                application=application,
                to_status=status,
                actor=applicant,
                actor_name=_name(applicant),
            )
            program.refresh_from_db()
            _notify(
                application,
                program,
                _("신청 확정") if status == ApplicationStatus.CONFIRMED else _("대기 접수"),
                ""
                if status == ApplicationStatus.CONFIRMED
                else _("대기 %(n)s번입니다. 자리가 나면 순서대로 확정됩니다.")
                % {"n": waitlist_position(application)},
            )
            _after_change(program, [application])
            return application
    except IntegrityError as error:
        if "programs_one_live_application" in str(error):
            raise ValidationError(ERRORS["duplicate"]) from None
        if "programs_within" in str(error):
            raise ValidationError(ERRORS["full"]) from None
        raise


def waitlist_position(application: Application) -> int | None:
    if application.status != ApplicationStatus.WAITLISTED:
        return None
    return (
        Application.objects.filter(
            program_id=application.program_id,
            status=ApplicationStatus.WAITLISTED,
            created_at__lte=application.created_at,
        )
        .exclude(created_at=application.created_at, id__gt=application.id)
        .count()
    )


def _move(application: Application, to: str, *, actor=None, reason: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application,
        from_status=application.status,
        to_status=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_name(actor) if actor else "system",
        reason=reason[:300],
    )
    application.status = to
    application.status_reason = reason[:300]
    application.save(update_fields=["status", "status_reason", "updated_at"])


def _promote(program: Program, *, actor=None) -> list[Application]:
    """Fill free seats from the waiting list, oldest first. Caller holds the program lock."""
    promoted = []
    program.refresh_from_db()
    free = program.capacity - program.confirmed_count
    if free <= 0:
        return promoted
    for application in program.applications.filter(status=ApplicationStatus.WAITLISTED).order_by(
        "created_at", "id"
    )[:free]:
        _move(application, ApplicationStatus.CONFIRMED, actor=actor, reason="대기자 자동 확정")
        Program.objects.filter(pk=program.pk).update(
            confirmed_count=F("confirmed_count") + 1, waitlist_count=F("waitlist_count") - 1
        )
        _notify(
            application,
            program,
            _("대기 → 신청 확정"),
            _("대기하신 자리가 나서 신청이 확정되었습니다."),
        )
        promoted.append(application)
    program.refresh_from_db()
    return promoted


def _release(program: Program, application: Application) -> None:
    field = (
        "confirmed_count" if application.status == ApplicationStatus.CONFIRMED else "waitlist_count"
    )
    Program.objects.filter(pk=program.pk).update(**{field: F(field) - 1})


@transaction.atomic
def application_cancel(*, actor, application: Application, now=None) -> Application:
    """The applicant cancels before the program starts; the seat goes to the waiting list."""
    now = now or timezone.now()
    program = lock_program(application.program_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk or application.status not in LIVE_STATES:
        raise ValidationError(ERRORS["cannot_cancel"])
    starts = timezone.make_aware(dt.datetime.combine(program.start_date, program.start_time))
    if now >= starts:
        raise ValidationError(ERRORS["started"])
    _release(program, application)
    _move(application, ApplicationStatus.CANCELLED, actor=actor)
    promoted = _promote(program)
    _after_change(program, [application, *promoted])
    return application


@transaction.atomic
def application_cancel_by_staff(
    *, actor, institution, application: Application, reason: str
) -> Application:
    """Staff cancel an application (the applicant is told why); the seat goes to the waiting list."""
    _require_manager(actor, institution)
    program = lock_program(application.program_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in LIVE_STATES:
        raise ValidationError(ERRORS["cannot_cancel"])
    reason = (reason or "").strip()[:300]
    _release(program, application)
    _move(application, ApplicationStatus.CANCELLED_BY_STAFF, actor=actor, reason=reason)
    _notify(application, program, _("기관 취소"), reason)
    audit_record(
        actor=actor,
        action="programs.application_cancel",
        target=application,
        summary=f"프로그램 신청 취소: {program.title} · {application.applicant_name}",
        reason=reason,
    )
    promoted = _promote(program, actor=actor)
    _after_change(program, [application, *promoted])
    return application


# -- after a change: the resident's summary, the index, notifications ------------------


def status_label(application: Application) -> str:
    return str(ApplicationStatus(application.status).label)


def period_label(program: Program) -> str:
    start, end = program.start_date, program.end_date
    text = f"{start.year}. {start.month}. {start.day}."
    if end != start:
        text += f" ~ {end.year}. {end.month}. {end.day}."
    days = "".join("월화수목금토일"[d] for d in program.weekdays or [])
    time = f"{program.start_time:%H:%M}–{program.end_time:%H:%M}"
    return " ".join(p for p in (text, f"({days})" if days else "", time) if p)


def sync_summary(application: Application, program: Program) -> None:
    """The resident's own summary in the public schema (portal: my applications)."""
    from tenants.current import current_institution

    institution = current_institution()
    if institution is None:
        return
    portal.publish(
        institution=institution,
        kind="application",
        key=application.pk,
        title=program.title,
        summary=period_label(program),
        owner=application.applicant,
        route="programs:detail",
        route_args=[program.pk],
        data={
            "status": application.status,
            "status_label": status_label(application),
            "program_id": program.pk,
            "period_label": period_label(program),
            "place": program.place,
            "starts_at": timezone.make_aware(
                dt.datetime.combine(program.start_date, program.start_time)
            ).isoformat(),
            "waitlist_position": waitlist_position(application),
            "fee": program.fee,
        },
    )


def _after_change(program: Program, applications=()) -> None:
    touched = {a.pk: a for a in applications}
    # everyone still waiting may have moved up
    for waiting in program.applications.filter(status=ApplicationStatus.WAITLISTED):
        touched.setdefault(waiting.pk, waiting)
    for application in touched.values():
        application.refresh_from_db()
        sync_summary(application, program)
    portal.changed(kind="program", key=program.pk)


def _notify(application: Application, program: Program, result, message="") -> None:
    from notifications.public import notify
    from tenants.current import current_institution

    notify(
        event="program_application_result",
        recipient=application.applicant,
        context={
            "recipient_name": application.applicant_name,
            "program": program.title,
            "result": str(result),
            "message": str(message),
            "path": f"/programs/{program.pk}/",
        },
        institution=current_institution(),
        ref=f"programs.application:{application.pk}",
    )
