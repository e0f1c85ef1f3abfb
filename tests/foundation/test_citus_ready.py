"""Ready for Citus schema-based sharding (docs/scaling.md), checked without Citus.

With ``citus.enable_schema_based_sharding`` each institution schema becomes a
distributed schema that lives whole on one worker node; the public schema stays on the
coordinator. On a worker, a table of an institution schema can reference and join only
tables of its own schema and **reference tables** (public tables copied to every node).
So:

1. no foreign key from an institution schema (or the template it is cloned from) may
   point at a public table that is not declared a reference table, nor at another
   institution's schema;
2. no statement that a request runs on an institution host may join its tables with a
   public table that is not a reference table, nor name another institution's schema;
   and no portal (apex) request may read institution schemas at all — the portal reads
   its own index in public.

``REFERENCE_TABLES`` is the declaration a move to Citus follows (``SELECT
create_reference_table(…)`` for each); keep docs/scaling.md in step with it.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

# Public tables an institution's tables may reference or join: copied to every node.
# Small, read far more than written, and needed beside every institution's rows.
REFERENCE_TABLES = {
    "accounts_user",  # one identity across the suite: drafters, approvers, applicants
    "accounts_membership",  # who works where, in what role: read with every staff list
    "tenants_institution",  # the institution itself (names and settings on documents)
    "tenants_domain",
    "django_content_type",
}

TABLE = re.compile(r'(?:FROM|JOIN)\s+"(?P<first>[A-Za-z0-9_]+)"(?:\."(?P<second>[A-Za-z0-9_]+)")?')


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s",
            [schema],
        )
        return {row[0] for row in cursor.fetchall()}


def _institution_schemas() -> list[str]:
    from tenants.models import Institution

    schemas = [i.schema_name for i in Institution.objects.exclude(schema_name="public")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE '\\_%%'")
        schemas += [row[0] for row in cursor.fetchall() if row[0] in ("_template",)]
    return schemas


def test_no_foreign_key_leaves_an_institution_schema_except_to_reference_tables(world):
    """Every institution schema and the template: foreign keys stay inside the schema or
    point at a declared reference table."""
    schemas = _institution_schemas()
    assert world.inst_a.schema_name in schemas and "_template" in schemas
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT src_ns.nspname, src.relname, con.conname, dst_ns.nspname, dst.relname
            FROM pg_constraint con
            JOIN pg_class src ON src.oid = con.conrelid
            JOIN pg_namespace src_ns ON src_ns.oid = src.relnamespace
            JOIN pg_class dst ON dst.oid = con.confrelid
            JOIN pg_namespace dst_ns ON dst_ns.oid = dst.relnamespace
            WHERE con.contype = 'f'
              AND src_ns.nspname = ANY(%s)
              AND dst_ns.nspname <> src_ns.nspname
            """,
            [schemas],
        )
        leaving = cursor.fetchall()
    wrong = [
        f"{schema}.{table} ({name}) → {target_schema}.{target}"
        for schema, table, name, target_schema, target in leaving
        if not (target_schema == "public" and target in REFERENCE_TABLES)
    ]
    assert not wrong, "foreign keys that Citus could not keep:\n" + "\n".join(wrong)


def test_the_catalog_check_sees_a_foreign_key_to_a_public_table(world, in_schema):
    """The check above can fail: a foreign key to a non-reference public table is found."""
    with in_schema(world.inst_a), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE citus_probe (id int PRIMARY KEY,"
            " session_key varchar(40) REFERENCES public.django_session(session_key))"
        )
    with pytest.raises(AssertionError, match="citus_probe"):
        test_no_foreign_key_leaves_an_institution_schema_except_to_reference_tables(world)


def joined(statements: list[str], schema: str, tenant_tables: set[str], public_tables: set[str]):
    """For each statement naming tables of the institution's schema, the public tables
    (not reference tables) and foreign schemas it names beside them."""
    problems = []
    for sql in statements:
        names = [(m["first"], m["second"]) for m in TABLE.finditer(sql)]
        local, public, foreign = set(), set(), set()
        for first, second in names:
            if second is not None:  # "schema"."table"
                if first == schema:
                    local.add(second)
                elif first == "public":
                    public.add(second)
                else:
                    foreign.add(f"{first}.{second}")
            elif first in tenant_tables:  # search_path: the institution's schema first
                local.add(first)
            elif first in public_tables:
                public.add(first)
        outside = (public - REFERENCE_TABLES) | foreign
        if local and outside:
            problems.append(f"{sorted(local)} with {sorted(outside)}: {sql[:300]}")
    return problems


def _pages(world, ids) -> list[tuple[object, str]]:
    """(user, path) on institution A's host: the staff's and residents' daily pages."""
    staff, manager, admin, resident = world.staff_a, world.manager_a, world.admin_a, world.resident
    return [
        (None, "/"),
        (None, "/facilities/"),
        (None, f"/facilities/{ids['facility']}/"),
        (resident, f"/facilities/{ids['facility']}/apply/"),
        (resident, "/facilities/my/"),
        (resident, f"/facilities/my/{ids['booking']}/"),
        (staff, "/staff/"),
        (staff, "/staff/approval/"),
        (staff, "/staff/approval/new/"),
        (staff, f"/staff/approval/{ids['document']}/"),
        (staff, "/staff/directory/"),
        (staff, "/staff/org/"),
        (staff, "/staff/boards/"),
        (staff, "/staff/calendar/"),
        (manager, "/facilities/manage/"),
        (manager, f"/facilities/manage/bookings/{ids['booking']}/"),
        (admin, "/manage/members/"),
        (staff, "/api/v1/facilities/"),
        (staff, "/api/v1/reservations/"),
        (resident, "/api/v1/reservations/"),
        (staff, "/api/v1/documents/"),
    ]


@pytest.fixture
def some_rows(world):
    """A facility, a booking and a submitted approval document in institution A."""
    import datetime as dt

    from django.utils import timezone

    from facility_booking import services as booking_services
    from facility_booking.models import Facility, OpeningHours
    from groupware.approval import services as approval_services
    from groupware.models import Department, Position, StaffProfile

    with schema_context(world.inst_a.schema_name):
        facility = Facility.objects.create(
            name="시민 회의실",
            kind="meeting_room",
            capacity=20,
            slot_minutes=60,
            min_minutes=60,
            max_minutes=240,
            window_open_days=30,
            window_close_hours=24,
            max_active_per_person=3,
            approval_required=True,
            base_fee=10000,
            closes_on_holidays=False,
            payment_days=2,
        )
        for weekday in range(7):
            OpeningHours.objects.create(
                facility=facility, weekday=weekday, opens=dt.time(6), closes=dt.time(22)
            )
        day = timezone.localdate() + dt.timedelta(days=3)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        booking = booking_services.reservation_request(
            actor=world.resident,
            facility=facility,
            start=start,
            end=start + dt.timedelta(hours=2),
            purpose="동아리 모임",
            headcount=10,
            contact_phone="010-1234-5678",
        )
        team, _ = Department.objects.get_or_create(name="시민협력팀", parent=None)
        for user, (name, level) in ((world.staff_a, ("주임", 5)), (world.admin_a, ("이사장", 1))):
            position, _ = Position.objects.get_or_create(name=name, defaults={"level": level})
            StaffProfile.objects.update_or_create(
                user=user, defaults={"department": team, "position": position}
            )
        document = approval_services.document_create_draft(
            actor=world.staff_a,
            institution=world.inst_a,
            title="시민 참여 계획",
            body="1. 목적",
            line=[{"user": world.admin_a, "role": "approve"}],
        )
        approval_services.document_submit(
            actor=world.staff_a, institution=world.inst_a, document=document
        )
    connection.set_schema_to_public()
    return {"facility": facility.pk, "booking": booking.pk, "document": document.pk}


def test_institution_pages_join_only_their_schema_and_reference_tables(world, on_host, some_rows):
    """Every statement of the daily pages and API lists stays in the institution's schema
    (plus reference tables); none names another institution's schema."""
    schema = world.inst_a.schema_name
    tenant_tables = _tables(schema)
    public_tables = _tables("public") - tenant_tables
    problems, seen = [], 0
    for user, path in _pages(world, some_rows):
        client = on_host(world.inst_a, user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        statements = [q["sql"] for q in captured.captured_queries]
        seen += len(statements)
        problems += [
            f"{path}: {p}" for p in joined(statements, schema, tenant_tables, public_tables)
        ]
    assert seen > 50  # the pages really ran their queries
    assert not problems, "cross-schema joins:\n" + "\n".join(problems)


def test_the_join_check_sees_a_join_with_a_public_table(world):
    """The check above can fail: a join with a non-reference public table is reported."""
    schema = world.inst_a.schema_name
    sql = (
        'SELECT 1 FROM "facility_booking_reservation" '
        'INNER JOIN "django_session" ON ("django_session"."session_key" = "x")'
    )
    found = joined([sql], schema, _tables(schema), _tables("public") - _tables(schema))
    assert found and "django_session" in found[0]
    other = 'SELECT 1 FROM "inst_testb"."facility_booking_facility"'
    found = joined(
        ['SELECT 1 FROM "facility_booking_facility" JOIN ' + other.split("FROM ")[1]],
        schema,
        _tables(schema),
        set(),
    )
    assert found and "inst_testb.facility_booking_facility" in found[0]


def test_portal_pages_read_no_institution_schema(world, apex):
    """The portal (apex host) reads its own index in public, never an institution's tables."""
    from tenants.models import Institution

    schemas = {i.schema_name for i in Institution.objects.exclude(schema_name="public")}
    tenant_only = _tables(world.inst_a.schema_name) - _tables("public")
    problems = []
    for user, path in [
        (None, "/"),
        (None, "/portal/search/?q=체육관"),
        (None, "/portal/institutions/"),
        (world.resident, "/"),
    ]:
        with CaptureQueriesContext(connection) as captured:
            response = apex(user).get(path)
        assert response.status_code < 500, (path, response.status_code)
        for q in captured.captured_queries:
            for m in TABLE.finditer(q["sql"]):
                if m["second"] is not None and m["first"] in schemas:
                    problems.append(f"{path}: {m['first']}.{m['second']}")
                elif m["second"] is None and m["first"] in tenant_only:
                    problems.append(f"{path}: {m['first']} (an institution table)")
    assert not problems, "\n".join(problems)
