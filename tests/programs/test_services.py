"""Applying and cancelling: first come, then the waiting list, promotion on cancel,
eligibility refused in Korean with nothing stored, summaries for the resident's hub."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from portal.models import PortalEntry
from programs import services
from programs.models import Application, Program
from tests.programs.conftest import make_program


def _people(n):
    return [
        User.objects.create_user(
            email=f"p{i}@test.kr", password="x-pass-1234", name=f"주민{i}", phone="010-1234-5678"
        )
        for i in range(n)
    ]


def test_first_come_then_waiting_list_then_full(schema_a, world):
    program = make_program(capacity=2, waitlist_limit=1)
    a, b, c, d = _people(4)
    results = [
        services.application_apply(applicant=p, institution=world.inst_a, program=program).status
        for p in (a, b, c)
    ]
    assert results == ["confirmed", "confirmed", "waitlisted"]
    with pytest.raises(ValidationError) as refused:
        services.application_apply(applicant=d, institution=world.inst_a, program=program)
    assert refused.value.messages == [str(services.ERRORS["full"])]
    program.refresh_from_db()
    assert (program.confirmed_count, program.waitlist_count) == (2, 1)
    assert not Application.objects.filter(applicant_id=d.pk).exists()


def test_cancelling_promotes_the_first_waiting_applicant(schema_a, world):
    program = make_program(capacity=1, waitlist_limit=3)
    a, b, c = _people(3)
    first = services.application_apply(applicant=a, institution=world.inst_a, program=program)
    second = services.application_apply(applicant=b, institution=world.inst_a, program=program)
    third = services.application_apply(applicant=c, institution=world.inst_a, program=program)
    assert services.waitlist_position(third) == 2
    services.application_cancel(actor=a, application=first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("confirmed", "waitlisted")
    assert services.waitlist_position(third) == 1
    program.refresh_from_db()
    assert (program.confirmed_count, program.waitlist_count) == (1, 1)
    summary = PortalEntry.objects.get(kind="application", key=str(third.pk))
    assert summary.owner == c and summary.data["waitlist_position"] == 1
    assert [e.to_status for e in second.events.all()] == ["waitlisted", "confirmed"]


def test_one_live_application_per_person(schema_a, world):
    program = make_program()
    services.application_apply(applicant=world.resident, institution=world.inst_a, program=program)
    with pytest.raises(ValidationError) as refused:
        services.application_apply(
            applicant=world.resident, institution=world.inst_a, program=program
        )
    assert refused.value.messages == [str(services.ERRORS["duplicate"])]


def test_the_database_refuses_more_confirmed_than_the_capacity(schema_a):
    program = make_program(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(confirmed_count=2)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"applications_open_at": timezone.now() + dt.timedelta(days=1)}, "not_yet"),
        (
            {
                "applications_close_at": timezone.now() - dt.timedelta(minutes=1),
                "applications_open_at": timezone.now() - dt.timedelta(days=2),
            },
            "closed",
        ),
        ({"status": "draft"}, "not_open"),
    ],
)
def test_outside_the_window_nothing_is_stored(schema_a, world, overrides, code):
    program = make_program(**overrides)
    with pytest.raises(ValidationError):
        services.application_apply(
            applicant=world.resident, institution=world.inst_a, program=program
        )
    assert not Application.objects.exists()


def test_age_and_residency_rules(schema_a, world):
    program = make_program(age_min=65, residents_only=True)
    with pytest.raises(ValidationError) as refused:
        services.application_apply(
            applicant=world.resident, institution=world.inst_a, program=program
        )
    assert "birth_date" in refused.value.message_dict
    young = dt.date(2000, 1, 1)
    with pytest.raises(ValidationError) as refused:
        services.application_apply(
            applicant=world.resident, institution=world.inst_a, program=program, birth_date=young
        )
    assert "만 65세 이상" in refused.value.message_dict["birth_date"][0]
    old = dt.date(1950, 5, 5)
    with pytest.raises(ValidationError) as refused:
        services.application_apply(
            applicant=world.resident, institution=world.inst_a, program=program, birth_date=old
        )
    assert "resident_declared" in refused.value.message_dict
    application = services.application_apply(
        applicant=world.resident,
        institution=world.inst_a,
        program=program,
        birth_date=old,
        resident_declared=True,
    )
    assert application.status == "confirmed" and application.birth_date == old


def test_staff_cancel_needs_the_role_and_notifies(
    schema_a, world, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    program = make_program()
    application = services.application_apply(
        applicant=world.resident, institution=world.inst_a, program=program
    )
    with pytest.raises(PermissionDenied):
        services.application_cancel_by_staff(
            actor=world.staff_a, institution=world.inst_a, application=application, reason="x"
        )
    services.application_cancel_by_staff(
        actor=world.manager_a, institution=world.inst_a, application=application, reason="중복 신청"
    )
    application.refresh_from_db()
    assert application.status == "cancelled_by_staff" and application.status_reason == "중복 신청"
    assert (
        Notification.objects.filter(
            event="program_application_result", ref=f"programs.application:{application.pk}"
        ).count()
        == 2
    )


def test_program_save_validates_and_raising_capacity_promotes(schema_a, world):
    program = make_program(capacity=1, waitlist_limit=2)
    a, b = _people(2)
    services.application_apply(applicant=a, institution=world.inst_a, program=program)
    waiting = services.application_apply(applicant=b, institution=world.inst_a, program=program)
    with pytest.raises(ValidationError) as refused:
        services.program_save(
            actor=world.manager_a, institution=world.inst_a, program=program, capacity=0
        )
    assert "capacity" in refused.value.message_dict
    services.program_save(
        actor=world.manager_a, institution=world.inst_a, program=program, capacity=2
    )
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    with pytest.raises(PermissionDenied):
        services.program_save(
            actor=world.staff_a, institution=world.inst_a, program=program, capacity=5
        )


def test_program_cancel_cancels_everyone(schema_a, world):
    program = make_program()
    application = services.application_apply(
        applicant=world.resident, institution=world.inst_a, program=program
    )
    services.program_cancel(
        actor=world.admin_a, institution=world.inst_a, program=program, reason="강사 사정"
    )
    application.refresh_from_db()
    program.refresh_from_db()
    assert application.status == "cancelled_by_staff" and program.status == "cancelled"
    assert program.confirmed_count == 0
