"""Migrations 0004–0005 on a schema holding numbers issued the old way (one serial for the
whole institution each year): every issued number stays as it was and gets its register
row, each department's counter goes on after the highest serial it holds, so the next
numbers neither repeat nor collide, in every department and year.

Runs Django's MigrationExecutor on a schema of its own inside the test's transaction
(PostgreSQL DDL is transactional): nothing is committed, nothing is left behind.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

SCHEMA = "test_approval_migration"
BEFORE = ("approval", "0003_documentevent_handover")


def _executor():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.fixture
def old_schema(world):
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{SCHEMA}"')
        # every constraint checked at once: the later ALTER TABLEs of the migrations must
        # not meet foreign-key checks still pending from the rows inserted here
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.set_schema(SCHEMA)
    executor = _executor()
    executor.migrate([BEFORE])
    yield executor.loader.project_state([BEFORE]).apps
    connection.set_schema_to_public()


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_issued_numbers_are_kept_and_each_register_goes_on_after_them(old_schema, world):
    apps = old_schema
    Department = apps.get_model("groupware", "Department")
    Document = apps.get_model("approval", "Document")
    NumberCounter = apps.get_model("approval", "NumberCounter")
    culture = Department.objects.create(name="문화예술팀", short_name="문화예술팀")
    budget = Department.objects.create(name="기획예산팀", short_name="기획예산팀")
    # the old shared serial: 2025 → 1…5, 2026 → 1…6 across departments (and one drafter
    # outside every department: the institution's own register)
    issued = [
        (2025, 1, culture),
        (2025, 2, budget),
        (2025, 3, culture),
        (2025, 4, None),
        (2025, 5, culture),
        (2026, 1, budget),
        (2026, 2, budget),
        (2026, 3, culture),
        (2026, 4, budget),
        (2026, 5, None),
        (2026, 6, culture),
    ]
    for year, serial, department in issued:
        prefix = department.short_name if department else "가나재단"
        Document.objects.create(
            title=f"{year}년 문서 {serial}",
            state="approved",
            drafter_id=world.staff_a.pk,
            drafter_name="주임 가",
            department=department,
            department_name=department.name if department else "",
            number_prefix=prefix,
            number_year=year,
            serial=serial,
            # the old rule kept the printed number unique: older years carried the year
            number=f"{prefix}-{serial}" if year == 2026 else f"{prefix}-{year}-{serial}",
            enforced_on=datetime.date(year, 3, serial),
            approved_at=datetime.datetime(year, 3, serial, 10, tzinfo=datetime.UTC),
        )
    Document.objects.create(title="결재 중", state="in_approval", drafter_id=world.staff_a.pk)
    NumberCounter.objects.create(year=2025, last_serial=5)
    NumberCounter.objects.create(year=2026, last_serial=6)

    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes("approval"))

    # every issued number kept, one register row each, in its department's register
    registers = _rows(
        "SELECT department_id, year, serial, number, kind, document_id IS NOT NULL"
        " FROM approval_registerentry ORDER BY year, serial"
    )
    assert [(r[1], r[2], r[0]) for r in registers] == [
        (year, serial, getattr(department, "pk", None)) for year, serial, department in issued
    ]
    assert all(r[4] == "produced" and r[5] for r in registers)
    numbers = _rows("SELECT number FROM approval_document WHERE number IS NOT NULL ORDER BY id")
    assert [n for (n,) in numbers] == [r[3] for r in registers]

    # each register goes on after the highest serial it holds, per department and year
    counters = _rows(
        "SELECT department_id, year, last_serial FROM approval_numbercounter"
        " ORDER BY year, department_id NULLS FIRST"
    )
    assert counters == [
        (None, 2025, 4),
        (culture.pk, 2025, 5),
        (budget.pk, 2025, 2),
        (None, 2026, 5),
        (culture.pk, 2026, 6),
        (budget.pk, 2026, 4),
    ]
    from groupware.approval.services.numbering import next_serial

    assert next_serial(culture.pk, 2026) == 7
    assert next_serial(budget.pk, 2026) == 5
    assert next_serial(None, 2026) == 6
    assert next_serial(budget.pk, 2027) == 1  # a new year starts at 1 in every register
    # the built-in 양식 are there
    forms = {code for (code,) in _rows("SELECT code FROM approval_formtemplate")}
    assert {"general", "expense", "trip", "leave", "leave_cancel"} <= forms


def test_a_schema_with_nothing_issued_migrates_to_empty_registers(old_schema):
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes("approval"))
    assert _rows("SELECT count(*) FROM approval_registerentry") == [(0,)]
    assert _rows("SELECT count(*) FROM approval_numbercounter") == [(0,)]
