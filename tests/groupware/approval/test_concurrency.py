"""Real commits on separate connections: one transition per click, numbers gapless and unique.

Uses ``committed_db`` (never transactional_db) and removes every row it made.
"""

import threading

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import User
from groupware.approval import services
from groupware.approval.errors import ApprovalConflict, ApprovalForbidden
from groupware.approval.models import (
    DelegationRule,
    Document,
    DocumentEvent,
    Notification,
    NumberCounter,
    State,
)
from groupware.models import Absence, Department, Position, StaffProfile
from institution.models import AuditEvent
from tests import factories
from tests.groupware.approval.conftest import build_org, line

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def committed_org(django_db_setup, committed_db, settings):
    settings.TASKS = DUMMY_TASKS  # no PDFs rendered by these threads
    # committed_db alone does not make pytest-django create the test database: never
    # let these commits reach a development database.
    assert connection.settings_dict["NAME"].startswith("test_"), "test database not set up"
    world = factories.World.load()
    schema = world.inst_a.schema_name
    tracked = (
        Document,
        NumberCounter,
        Notification,
        AuditEvent,
        DelegationRule,
        StaffProfile,
        Department,
        Position,
        Absence,
    )
    with schema_context(schema):
        # rows that existed before: everything else is ours to remove afterwards
        before = {model: set(model.objects.values_list("pk", flat=True)) for model in tracked}
        org = build_org(world)
    yield org
    with schema_context(schema), connection.cursor() as cursor:
        mine = list(Document.objects.exclude(pk__in=before[Document]).values_list("pk", flat=True))
        # approved documents are protected by triggers; lift them for this cleanup only
        cursor.execute("SET session_replication_role = replica")
        try:
            if mine:
                for table in (
                    "approval_registerentry",
                    "approval_documentrecipient",
                    "approval_documentevent",
                    "approval_postreport",
                    "approval_reader",
                    "approval_attachment",
                    "approval_documentversion",
                    "approval_leaverequest",
                    "approval_step",
                ):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE document_id = ANY(%s)",  # noqa: S608
                        [mine],
                    )
                cursor.execute("DELETE FROM approval_document WHERE id = ANY(%s)", [mine])
            for model in tracked[1:]:
                model.objects.exclude(pk__in=before[model]).delete()
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    connection.set_schema_to_public()


def test_world_is_ready(world):
    """A plain ``db`` test in this module makes pytest-django set up the test database
    even when only this file runs (``committed_db`` alone does not)."""
    assert world.inst_a.schema_name


def _at_final_step(org, title):
    doc = services.document_create_draft(
        actor=org.drafter,
        institution=org.inst,
        title=title,
        body="본문",
        line=line(org, ("review", org.reviewer), ("approve", org.head)),
    )
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    return doc


def _race(schema, calls):
    """Run the calls at once, each on its own connection; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            with schema_context(schema):
                barrier.wait()
                results[index] = call()
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_double_click_on_final_approval_makes_one_transition(committed_org):
    org = committed_org
    schema = org.inst.schema_name
    with schema_context(schema):
        doc = _at_final_step(org, "동시 결재 시험")
    head = User.objects.get(pk=org.head.pk)

    def click():
        return services.document_approve(actor=head, institution=org.inst, document=doc)

    results = _race(schema, [click, click, click])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 2, results
    assert all(isinstance(e, ApprovalConflict) for e in errors), errors
    with schema_context(schema):
        doc.refresh_from_db()
        assert doc.state == State.APPROVED
        assert DocumentEvent.objects.filter(document=doc, action="final_approve").count() == 1
        counter = NumberCounter.objects.get(department=doc.department, year=doc.number_year)
        assert counter.last_serial == doc.serial


def test_approver_and_deputy_at_once_make_one_transition(committed_org):
    import datetime

    from django.utils import timezone

    from groupware.models import Absence

    org = committed_org
    schema = org.inst.schema_name
    with schema_context(schema):
        doc = _at_final_step(org, "대결 경합 시험")
        now = timezone.now()
        Absence.objects.create(
            user=org.head,
            kind=Absence.Kind.BUSINESS_TRIP,
            starts_at=now - datetime.timedelta(hours=1),
            ends_at=now + datetime.timedelta(hours=5),
            deputy=org.director,
        )
    try:
        results = _race(
            schema,
            [
                lambda: services.document_approve(
                    actor=org.head, institution=org.inst, document=doc
                ),
                lambda: services.document_approve(
                    actor=org.director, institution=org.inst, document=doc
                ),
            ],
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1, results
        assert isinstance(errors[0], ApprovalConflict | ApprovalForbidden)
        with schema_context(schema):
            doc.refresh_from_db()
            assert doc.state == State.APPROVED
            steps = list(doc.current_steps())
            assert [s.status for s in steps] == ["approved", "approved"]  # no step skipped
            assert DocumentEvent.objects.filter(document=doc, action="final_approve").count() == 1
    finally:
        with schema_context(schema):
            Absence.objects.filter(user=org.head).delete()


def test_concurrent_approvals_issue_gapless_unique_numbers(committed_org):
    org = committed_org
    schema = org.inst.schema_name
    with schema_context(schema):
        docs = [_at_final_step(org, f"번호 시험 {i}") for i in range(8)]

    def approve(doc):
        return lambda: services.document_approve(actor=org.head, institution=org.inst, document=doc)

    results = _race(schema, [approve(d) for d in docs])
    assert not [r for r in results if isinstance(r, Exception)], results
    with schema_context(schema):
        serials = sorted(
            Document.objects.filter(state=State.APPROVED).values_list("serial", flat=True)
        )
        numbers = set(
            Document.objects.filter(state=State.APPROVED).values_list("number", flat=True)
        )
        year = Document.objects.filter(state=State.APPROVED).first().number_year
        assert serials == list(range(1, 9))  # no gap, no duplicate
        assert len(numbers) == 8
        assert NumberCounter.objects.get(department=org.team, year=year).last_serial == 8


def test_a_failed_approval_does_not_burn_a_number(committed_org):
    """The serial is taken inside the approving transaction: a rollback gives it back."""
    from django.db import transaction

    org = committed_org
    schema = org.inst.schema_name
    with schema_context(schema):
        first = _at_final_step(org, "롤백 시험")
        second = _at_final_step(org, "다음 문서")
        with pytest.raises(RuntimeError), transaction.atomic():
            services.document_approve(actor=org.head, institution=org.inst, document=first)
            raise RuntimeError("simulated failure after numbering")
        services.document_approve(actor=org.head, institution=org.inst, document=second)
        second.refresh_from_db()
        first.refresh_from_db()
        assert first.state == State.IN_APPROVAL and first.number is None
        assert second.serial == 1


def test_concurrent_approvals_in_several_departments_number_each_register_gaplessly(
    committed_org,
):
    """24 approvals at once in three departments (24 threads, one connection each): every
    department's register runs 1…8 without a gap or a repeat; the others do not wait."""
    from groupware.approval.models import RegisterEntry

    org = committed_org
    schema = org.inst.schema_name
    with schema_context(schema):
        departments = [
            org.team,
            Department.objects.create(name="동시성홍보팀", short_name="홍보팀"),
            Department.objects.create(name="동시성시설팀", short_name="시설팀"),
        ]
        docs = []
        for department in departments:
            # a document belongs to its drafter's department when drafted
            StaffProfile.objects.filter(user=org.drafter).update(department=department)
            docs += [_at_final_step(org, f"{department.short_name} 문서 {i}") for i in range(8)]
        StaffProfile.objects.filter(user=org.drafter).update(department=org.team)

    def approve(doc):
        return lambda: services.document_approve(actor=org.head, institution=org.inst, document=doc)

    results = _race(schema, [approve(d) for d in docs])
    assert not [r for r in results if isinstance(r, Exception)], results
    with schema_context(schema):
        for department in departments:
            rows = RegisterEntry.objects.filter(
                department=department, document__in=[d.pk for d in docs]
            )
            assert sorted(rows.values_list("serial", flat=True)) == list(range(1, 9))
            numbers = set(rows.values_list("number", flat=True))
            assert numbers == {f"{department.document_prefix}-{i}" for i in range(1, 9)}
            year = rows.first().year
            assert NumberCounter.objects.get(department=department, year=year).last_serial == 8
        assert (
            Document.objects.filter(pk__in=[d.pk for d in docs], state=State.APPROVED).count() == 24
        )
