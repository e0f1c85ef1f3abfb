"""Capacity is never exceeded under concurrency: 24 people apply at once, each on
their own connection, to a program with 5 seats and 4 waiting places — exactly 5
confirmed, 4 waiting, 15 refused with the Korean message, counters equal to the rows.
Uses committed data (``committed_db``) and removes everything it created."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import User
from notifications.models import Notification
from portal.models import PortalEntry
from programs import services
from programs.models import Application, ApplicationEvent, Program
from tenants.models import Institution
from tests.programs.conftest import make_program

THREADS = 24


@pytest.fixture
def arena(committed_db):
    institution = Institution.objects.get(slug="testa")
    run = uuid.uuid4().hex[:8]
    users = [
        User.objects.create_user(
            email=f"pg{i}.{run}@test.kr", password="x-pass-1234", name=f"신청자{i}"
        )
        for i in range(THREADS)
    ]
    with schema_context(institution.schema_name):
        program = make_program(title=f"경쟁 강좌 {run}", capacity=5, waitlist_limit=4)
    try:
        yield institution, program, users
    finally:
        with schema_context(institution.schema_name):
            ApplicationEvent.objects.filter(application__program=program).delete()
            Application.objects.filter(program=program).delete()
            Program.objects.filter(pk=program.pk).delete()
            PortalEntry.objects.filter(owner__in=users).delete()
            PortalEntry.objects.filter(kind="program", key=str(program.pk)).delete()
            Notification.objects.filter(recipient__in=users).delete()
            User.objects.filter(pk__in=[u.pk for u in users]).delete()
        connection.set_schema_to_public()


def test_parallel_applicants_never_exceed_capacity(arena):
    institution, program, users = arena
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def worker(index):
        try:
            barrier.wait(timeout=30)
            with schema_context(institution.schema_name):
                results[index] = services.application_apply(
                    applicant=users[index], institution=institution, program=program
                ).status
        except ValidationError as error:
            results[index] = error.messages[0]
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results.count("confirmed") == 5, results
    assert results.count("waitlisted") == 4, results
    assert results.count(str(services.ERRORS["full"])) == THREADS - 9, results
    with schema_context(institution.schema_name):
        program.refresh_from_db()
        assert (program.confirmed_count, program.waitlist_count) == (5, 4)
        assert Application.objects.filter(program=program, status="confirmed").count() == 5
        assert Application.objects.filter(program=program, status="waitlisted").count() == 4
    assert PortalEntry.objects.filter(kind="application", owner__in=users).count() == 9
