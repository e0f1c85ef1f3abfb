"""Department registers under load: approvals (생산) in two departments and 접수 of
incoming documents into the same two departments, all at once on separate connections
(16 threads, each closing its connection). Each department's register runs on from where
it stood, gapless and without a repeat, produced and received numbers sharing one serial.

Committed data (``committed_db``); every row made here is removed at the end.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from groupware.approval import services as approval
from groupware.approval.models import NumberCounter, RegisterEntry, State
from groupware.exchange import services
from groupware.exchange.models import ReceivedDocument, ReceivedState
from groupware.exchange.services.receiving import envelope_deliver
from tests import factories
from tests.groupware.exchange.conftest import build_a, build_b
from tests.groupware.exchange.test_worker_dies import _models, _public_models

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
PER_KIND = 4  # per department: 4 approvals and 4 접수 → 8 numbers each, 16 threads


def _cleanup_order():
    """Rows made here, removed received copies first (they hold their register rows)."""
    models = _models()
    received = [m for m in models if m._meta.app_label == "exchange"]
    return received + [m for m in models if m not in received]


@pytest.fixture
def committed_sides(django_db_setup, committed_db, settings, tmp_path):
    assert connection.settings_dict["NAME"].startswith("test_"), "test database not set up"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = DUMMY_TASKS  # deliveries are made here, by the test
    world = factories.World.load()
    schemas = [world.inst_a.schema_name, world.inst_b.schema_name]
    before = {}
    for schema in schemas:
        with schema_context(schema):
            before[schema] = {m: set(m.objects.values_list("pk", flat=True)) for m in _models()}
    public_before = {m: set(m.objects.values_list("pk", flat=True)) for m in _public_models()}
    with schema_context(schemas[0]):
        a = build_a(world)
    with schema_context(schemas[1]):
        b = build_b(world)
    yield a, b
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # lift the record guards
        try:
            for schema in schemas:
                with schema_context(schema):
                    for model in _cleanup_order():
                        rows = model.objects.exclude(pk__in=before[schema][model])
                        if model.__name__ == "Department":
                            rows.update(parent=None)  # the tree protects its parents
                        rows.delete()
            for model in _public_models():
                model.objects.exclude(pk__in=public_before[model]).delete()
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    connection.set_schema_to_public()


def test_world_is_ready(world):
    """A plain ``db`` test here makes pytest-django set up the test database."""
    assert world.inst_a.schema_name


def _race(schema, calls):
    """Run the calls at once, each on its own connection; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

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
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _at_final_step(a, drafter, line, title):
    doc = approval.document_create_draft(
        actor=drafter, institution=a.inst, title=title, body="<p>본문</p>", line=line
    )
    approval.document_submit(actor=drafter, institution=a.inst, document=doc)
    if line[0]["role"] == "review":
        approval.document_approve(actor=line[0]["user"], institution=a.inst, document=doc)
    return doc


def _incoming(a, b, count):
    """``count`` 시행문 sent by B to A and delivered into A (접수 대기)."""
    received = []
    for i in range(count):
        with schema_context(b.inst.schema_name):
            doc = approval.document_create_draft(
                actor=b.drafter,
                institution=b.inst,
                title=f"동시 접수 시험 공문 {i}",
                body="<p>협조 요청</p>",
                recipient_kind="named",
                recipient_list=[{"institution": a.inst.pk}],
                line=[{"user": b.head, "role": "approve"}],
            )
            approval.document_submit(actor=b.drafter, institution=b.inst, document=doc)
            approval.document_approve(actor=b.head, institution=b.inst, document=doc)
            doc.refresh_from_db()
            (envelope,) = services.document_send(actor=b.drafter, institution=b.inst, document=doc)
        with schema_context(a.inst.schema_name):
            received.append(envelope_deliver(envelope_id=envelope.pk))
    return received


def test_approvals_and_receipts_in_two_departments_at_once_number_each_register_gaplessly(
    committed_sides,
):
    a, b = committed_sides
    schema = a.inst.schema_name
    departments = [a.team, a.office_dept]
    year = timezone.localdate().year
    with schema_context(schema):
        start = {
            d.pk: NumberCounter.objects.filter(department=d, year=year)
            .values_list("last_serial", flat=True)
            .first()
            or 0
            for d in departments
        }
        team_line = [{"user": a.reviewer, "role": "review"}, {"user": a.head, "role": "approve"}]
        office_line = [{"user": a.head, "role": "approve"}]
        produced = [
            _at_final_step(a, a.drafter, team_line, f"문화예술팀 동시 문서 {i}")
            for i in range(PER_KIND)
        ] + [
            _at_final_step(a, a.office, office_line, f"총무팀 동시 문서 {i}")
            for i in range(PER_KIND)
        ]
        assert {d.department_id for d in produced} == {d.pk for d in departments}
    incoming = _incoming(a, b, 2 * PER_KIND)
    assert all(r is not None and r.state == ReceivedState.DELIVERED for r in incoming)

    def approve(doc):
        return lambda: approval.document_approve(actor=a.head, institution=a.inst, document=doc)

    def register(received, department):
        return lambda: services.received_register(
            actor=a.office, institution=a.inst, received=received, department=department.pk
        )

    calls = [approve(d) for d in produced] + [
        register(r, departments[i % 2]) for i, r in enumerate(incoming)
    ]
    results = _race(schema, calls)
    assert not [r for r in results if isinstance(r, Exception)], results

    with schema_context(schema):
        for department in departments:
            rows = RegisterEntry.objects.filter(department=department, year=year)
            mine = rows.filter(serial__gt=start[department.pk])
            serials = sorted(mine.values_list("serial", flat=True))
            first = start[department.pk] + 1
            assert serials == list(range(first, first + 2 * PER_KIND))  # no gap, no repeat
            assert sorted(mine.values_list("kind", flat=True)) == sorted(
                ["produced"] * PER_KIND + ["received"] * PER_KIND
            )
            prefix = department.document_prefix
            assert set(mine.values_list("number", flat=True)) == {f"{prefix}-{s}" for s in serials}
            counter = NumberCounter.objects.get(department=department, year=year)
            assert counter.last_serial == start[department.pk] + 2 * PER_KIND
        for doc in produced:
            doc.refresh_from_db()
            assert doc.state == State.APPROVED
            assert doc.register_entry.serial == doc.serial
        for received in incoming:
            received = ReceivedDocument.objects.get(pk=received.pk)
            assert received.state == ReceivedState.REGISTERED
            assert received.number == received.register_entry.number
            assert received.register_entry.department_id == received.department_id
