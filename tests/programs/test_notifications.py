"""Program application results reach the applicant: every result (confirmed, waiting
list, promoted from the waiting list, cancelled by staff, the program cancelled) is
recorded as a ``program_application_result`` notification in the service's transaction
and sent by the outbox only once that transaction commits; nothing is sent when it
rolls back."""

import pytest
from django.core import mail
from django.db import transaction
from django_tenants.utils import schema_context

from notifications.models import Delivery, Notification
from programs import services
from tests.programs.conftest import make_program

EVENT = "program_application_result"


def _sent_to(user, application) -> list[Notification]:
    notes = list(
        Notification.objects.filter(
            event=EVENT, recipient=user, ref=f"programs.application:{application.pk}"
        ).order_by("id")
    )
    for note in notes:
        deliveries = list(Delivery.objects.filter(notification=note))
        assert deliveries and {d.status for d in deliveries} == {"sent"}, [
            (d.channel, d.status, d.last_error) for d in deliveries
        ]
    return notes


def test_results_are_sent_after_commit_only(world, django_capture_on_commit_callbacks):
    with schema_context(world.inst_a.schema_name):
        program = make_program(capacity=1, waitlist_limit=2)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            first = services.application_apply(
                applicant=world.resident, institution=world.inst_a, program=program
            )
        note = Notification.objects.get(event=EVENT, recipient=world.resident)
        # Recorded in the transaction, not sent yet: sending waits for the commit.
        assert callbacks and not Delivery.objects.filter(notification=note, status="sent")
        for callback in callbacks:
            callback()
        [confirmed] = _sent_to(world.resident, first)
        assert confirmed.context["result"] == "신청 확정"
        assert confirmed.context["program"] == program.title
        assert any(world.resident.email in m.to for m in mail.outbox)  # the e-mail channel

        with django_capture_on_commit_callbacks(execute=True):
            waiting = services.application_apply(
                applicant=world.resident2, institution=world.inst_a, program=program
            )
        [queued] = _sent_to(world.resident2, waiting)
        assert queued.context["result"] == "대기 접수" and "대기 1번" in queued.context["message"]

        with django_capture_on_commit_callbacks(execute=True):
            services.application_cancel(actor=world.resident, application=first)
        promoted = _sent_to(world.resident2, waiting)
        assert [n.context["result"] for n in promoted] == ["대기 접수", "대기 → 신청 확정"]


def test_staff_cancellation_and_program_cancellation_are_sent(
    world, django_capture_on_commit_callbacks
):
    with schema_context(world.inst_a.schema_name):
        program = make_program(capacity=5)
        with django_capture_on_commit_callbacks(execute=True):
            mine = services.application_apply(
                applicant=world.resident, institution=world.inst_a, program=program
            )
            theirs = services.application_apply(
                applicant=world.resident2, institution=world.inst_a, program=program
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.application_cancel_by_staff(
                actor=world.manager_a,
                institution=world.inst_a,
                application=mine,
                reason="중복 신청",
            )
        results = [n.context["result"] for n in _sent_to(world.resident, mine)]
        assert results == ["신청 확정", "기관 취소"]
        with django_capture_on_commit_callbacks(execute=True):
            services.program_cancel(
                actor=world.manager_a, institution=world.inst_a, program=program, reason="강사 사정"
            )
        last = _sent_to(world.resident2, theirs)[-1]
        assert last.context["result"] == "폐강·취소" and last.context["message"] == "강사 사정"


def test_nothing_is_sent_when_the_application_rolls_back(world, django_capture_on_commit_callbacks):
    with schema_context(world.inst_a.schema_name):
        program = make_program()
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            services.application_apply(
                applicant=world.resident, institution=world.inst_a, program=program
            )
            raise RuntimeError
    assert not Notification.objects.filter(event=EVENT, recipient=world.resident).exists()
