"""Background work: expiry of unpaid approved bookings and the day-before reminder,
as tasks carrying the schema and as commands over every active institution;
a failing e-mail never loses a booking."""

import datetime as dt
import io
from smtplib import SMTPException

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from facility_booking import services, tasks
from facility_booking.models import Reservation, Status
from tests.facility_booking.conftest import at, make_facility, request_kwargs


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("mail server down")


def approved_booking(world, **kwargs):
    facility = make_facility(**kwargs)
    r = services.reservation_request(**request_kwargs(facility, world.resident))
    return services.reservation_approve(actor=world.manager_a, reservation=r)


def test_expire_task_carries_the_schema(world, outbox):
    with schema_context(world.inst_a.schema_name):
        overdue = approved_booking(world)
        fresh = approved_booking(world, name="다른 시설")
        Reservation.objects.filter(pk=overdue.pk).update(
            payment_due=timezone.now() - dt.timedelta(minutes=5)
        )
        free = approved_booking(world, name="무료 시설", base_fee=0)
    # The worker starts in public: the task switches to the schema it was given.
    result = tasks.expire_reservations.enqueue(schema_name=world.inst_a.schema_name)
    assert result.return_value == 1
    with schema_context(world.inst_a.schema_name):
        assert Reservation.objects.get(pk=overdue.pk).status == Status.EXPIRED
        assert Reservation.objects.get(pk=fresh.pk).status == Status.APPROVED
        assert Reservation.objects.get(pk=free.pk).status == Status.APPROVED
    assert any("기한" in m.subject for m in outbox())


def test_reminders_once_for_tomorrow(world, outbox):
    # Free of charge: a paid booking of tomorrow also gets the payment reminder when its
    # deadline (its start) is within 24 hours — in the afternoon, Korean time.
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(window_close_hours=1, base_fee=0)
        tomorrow = services.reservation_request(
            **request_kwargs(facility, world.resident, start=at(1, 15), end=at(1, 16))
        )
        services.reservation_approve(actor=world.manager_a, reservation=tomorrow)
        later = services.reservation_request(**request_kwargs(facility, world.resident2))
        services.reservation_approve(actor=world.manager_a, reservation=later)
        pending = services.reservation_request(
            **request_kwargs(facility, world.resident2, start=at(1, 18), end=at(1, 19))
        )
    outbox()
    mail.outbox.clear()
    assert tasks.send_reminders.enqueue(schema_name=world.inst_a.schema_name).return_value == 1
    assert tasks.send_reminders.enqueue(schema_name=world.inst_a.schema_name).return_value == 0
    sent = outbox()
    assert len(sent) == 1 and "내일" in sent[0].subject and sent[0].to == [world.resident.email]
    with schema_context(world.inst_a.schema_name):
        assert Reservation.objects.get(pk=pending.pk).reminder_sent_at is None


def test_commands_loop_over_active_institutions(world):
    with schema_context(world.inst_b.schema_name):
        facility = make_facility()
        r = services.reservation_request(**request_kwargs(facility, world.resident))
        r = services.reservation_approve(actor=world.manager_b, reservation=r)
        Reservation.objects.filter(pk=r.pk).update(
            payment_due=timezone.now() - dt.timedelta(hours=1)
        )
    out = io.StringIO()
    call_command("expire_reservations", stdout=out)
    text = out.getvalue()
    assert f"{world.inst_b.schema_name}: 1 expired" in text
    assert f"{world.inst_a.schema_name}: 0 expired" in text
    with schema_context(world.inst_b.schema_name):
        assert Reservation.objects.get(pk=r.pk).status == Status.EXPIRED
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "total" in out.getvalue()


def test_failing_email_never_loses_the_booking(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.facility_booking.test_tasks.FailingBackend"
    with schema_context(world.inst_a.schema_name):
        facility = make_facility()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            r = services.reservation_request(**request_kwargs(facility, world.resident))
        assert callbacks  # the e-mail was queued after commit ...
        assert Reservation.objects.get(pk=r.pk).status == Status.REQUESTED  # ... and failed alone
