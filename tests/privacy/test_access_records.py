"""접속기록: staff access to residents' data is recorded (who, when, where, what, why),
chained by hash, protected by the database, searchable by the institution's admin with a
monthly report; masking on staff lists, full data only when a record is opened."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from facility_booking import services as fb
from privacy import access_log
from privacy.masking import mask_email, mask_name, mask_phone
from privacy.models import AccessRecord
from tests.facility_booking.conftest import make_facility, request_kwargs


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("010-1234-5678", "010-****-5678"),
        ("01012345678", "010-****-5678"),
        ("02-123-4567", "02-***-4567"),
        ("", ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("홍길동", "홍*동"), ("남궁민수", "남**수"), ("이수", "이*"), ("John Smith", "J*** S****")],
)
def test_mask_name(value, masked):
    assert mask_name(value) == masked


def test_mask_email():
    assert mask_email("hong.gildong@example.kr") == "ho**********@example.kr"


@pytest.fixture
def booking(world, in_schema):
    with in_schema(world.inst_a):
        facility = make_facility()
        r = fb.reservation_request(
            **request_kwargs(facility, world.resident, contact_phone="010-4321-8765")
        )
        r.applicant_name = "홍길동"
        r.save(update_fields=["applicant_name"])
        return r


def test_lists_mask_and_opening_a_booking_is_recorded(world, on_host, in_schema, booking):
    manager = on_host(world.inst_a, world.manager_a)
    queue = manager.get("/facilities/manage/").content.decode()
    assert "홍*동" in queue and "홍길동" not in queue
    detail = manager.get(f"/facilities/manage/bookings/{booking.pk}/", REMOTE_ADDR="203.0.113.7")
    assert detail.status_code == 200 and "010-4321-8765" in detail.content.decode()
    with in_schema(world.inst_a):
        record = AccessRecord.objects.get(target=f"facility_booking.reservation:{booking.pk}")
        assert record.actor_id == world.manager_a.pk and record.subject_id == world.resident.pk
        assert record.action == "view" and record.ip_address == "203.0.113.7"
        assert record.purpose and record.at <= timezone.now()
    # A refused look is not recorded: another institution's manager gets 404.
    other = on_host(world.inst_a, world.manager_b).get(f"/facilities/manage/bookings/{booking.pk}/")
    assert other.status_code == 404
    with in_schema(world.inst_a):
        assert not AccessRecord.objects.filter(actor_id=world.manager_b.pk).exists()


def test_searching_applicants_is_recorded(world, on_host, in_schema, booking):
    on_host(world.inst_a, world.manager_a).get("/facilities/manage/?q=홍")
    with in_schema(world.inst_a):
        assert AccessRecord.objects.filter(action="search", actor_id=world.manager_a.pk).exists()


def test_chain_verifies_and_the_database_refuses_changes(world, in_schema):
    with in_schema(world.inst_a):
        for n in range(3):
            access_log.record(
                actor=world.manager_a, action="view", target=f"x:{n}", purpose="점검", subject_id=1
            )
        report = access_log.verify_chain()
        assert report.intact and report.checked >= 3
        row = AccessRecord.objects.order_by("-seq").first()
        for statement in (
            f"UPDATE privacy_accessrecord SET purpose = 'x' WHERE id = {row.pk}",
            f"DELETE FROM privacy_accessrecord WHERE id = {row.pk}",
            "TRUNCATE privacy_accessrecord",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)


def test_a_tampered_row_breaks_the_chain(world, in_schema):
    with in_schema(world.inst_a):
        for n in range(3):
            access_log.record(actor=world.manager_a, action="view", target=f"t:{n}", purpose="점검")
        middle = AccessRecord.objects.order_by("-seq")[1]
        with connection.cursor() as cursor:
            # Someone with database rights switches the guard off (rolled back with the test).
            cursor.execute("ALTER TABLE privacy_accessrecord DISABLE TRIGGER privacy_access_guard")
            cursor.execute(
                "UPDATE privacy_accessrecord SET actor_id = %s WHERE id = %s",
                [world.staff_a.pk, middle.pk],
            )
            cursor.execute("ALTER TABLE privacy_accessrecord ENABLE TRIGGER privacy_access_guard")
        report = access_log.verify_chain()
        assert not report.intact and report.broken_at == middle.seq


def test_large_exports_are_flagged(world, in_schema, settings):
    settings.PRIVACY_LARGE_EXPORT_ROWS = 500
    with in_schema(world.inst_a):
        small = access_log.record(
            actor=world.manager_a, action="export", target="r", purpose="p", row_count=10
        )
        large = access_log.record(
            actor=world.manager_a, action="export", target="r", purpose="p", row_count=500
        )
        assert not small.flagged and large.flagged


def test_admin_searches_the_log_and_downloads_the_monthly_report(
    world, on_host, in_schema, booking
):
    on_host(world.inst_a, world.manager_a).get(f"/facilities/manage/bookings/{booking.pk}/")
    admin = on_host(world.inst_a, world.admin_a)
    page = admin.get("/manage/privacy/access/", {"actor": "시설에이"})
    body = page.content.decode()
    assert page.status_code == 200 and world.manager_a.name in body
    assert f"facility_booking.reservation:{booking.pk}" in body and "무결성 정상" in body
    none = admin.get("/manage/privacy/access/", {"actor": "직원비"}).content.decode()
    assert f"facility_booking.reservation:{booking.pk}" not in none
    month = timezone.localdate().strftime("%Y-%m")
    report = admin.get("/manage/privacy/access/report.csv", {"month": month})
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert any(world.manager_a.name in " ".join(r) for r in rows)
    with in_schema(world.inst_a):
        assert AccessRecord.objects.filter(
            action="download", actor_id=world.admin_a.pk, target__startswith="privacy.access_report"
        ).exists()
    bad = admin.get("/manage/privacy/access/report.csv", {"month": "2026-13"})
    assert bad.status_code == 400 and "2026-11 형식" in bad.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/manage/privacy/",
        "/manage/privacy/access/",
        "/manage/privacy/policy/",
        "/manage/privacy/retention/",
        "/manage/privacy/destructions/",
    ],
)
def test_privacy_admin_pages_are_for_this_institutions_admin(world, on_host, path):
    assert on_host(world.inst_a).get(path).status_code == 302  # anonymous → log-in
    assert on_host(world.inst_a, world.resident).get(path).status_code == 404
    assert on_host(world.inst_a, world.admin_b).get(path).status_code == 404
    assert on_host(world.inst_a, world.manager_a).get(path).status_code == 403
    assert on_host(world.inst_a, world.admin_a).get(path).status_code == 200


def test_console_privacy_pages_are_for_the_operator(world, apex):
    assert apex().get("/console/privacy/").status_code == 302
    assert apex(world.admin_a).get("/console/privacy/").status_code == 403
    assert apex(world.resident).get("/console/privacy/access/").status_code == 403
    assert apex(world.operator).get("/console/privacy/").status_code == 200
    body = apex(world.operator).get("/console/privacy/retention/").content.decode()
    assert "휴면 계정" in body


def test_staff_api_reads_are_recorded_too(world, on_host, in_schema, booking):
    manager = on_host(world.inst_a, world.manager_a)
    assert manager.get("/api/v1/reservations/").status_code == 200
    assert manager.get(f"/api/v1/reservations/{booking.pk}/").status_code == 200
    mine = on_host(world.inst_a, world.resident)
    assert mine.get(f"/api/v1/reservations/{booking.pk}/").status_code == 200
    with in_schema(world.inst_a):
        assert AccessRecord.objects.filter(actor_id=world.manager_a.pk, action="search").exists()
        assert AccessRecord.objects.filter(
            actor_id=world.manager_a.pk, action="view", subject_id=world.resident.pk
        ).exists()
        assert not AccessRecord.objects.filter(actor_id=world.resident.pk).exists()


def test_program_roster_is_masked_and_full_views_and_exports_are_recorded(
    world, on_host, in_schema
):
    from programs.services import application_apply
    from tests.programs.conftest import make_program

    with in_schema(world.inst_a):
        program = make_program()
        application_apply(
            applicant=world.resident,
            institution=world.inst_a,
            program=program,
            birth_date=__import__("datetime").date(1950, 3, 1),
            phone="010-7777-8888",
        )
    manager = on_host(world.inst_a, world.manager_a)
    masked = manager.get(f"/programs/manage/{program.pk}/roster/").content.decode()
    assert "010-****-8888" in masked and "010-7777-8888" not in masked
    full = manager.get(f"/programs/manage/{program.pk}/roster/?full=1").content.decode()
    assert "010-7777-8888" in full
    export = manager.get(f"/programs/manage/{program.pk}/roster.csv").content.decode("utf-8-sig")
    assert "010-****-8888" in export and "1950. **. **." in export and "010-7777-8888" not in export
    export_full = manager.get(f"/programs/manage/{program.pk}/roster.csv?full=1")
    assert "010-7777-8888" in export_full.content.decode("utf-8-sig")
    with in_schema(world.inst_a):
        actions = list(
            AccessRecord.objects.filter(actor_id=world.manager_a.pk)
            .order_by("seq")
            .values_list("action", "target")
        )
    assert ("unmask", f"programs.program:{program.pk}:roster") in actions
    assert ("export", f"programs.program:{program.pk}:roster") in actions
    assert ("export", f"programs.program:{program.pk}:roster:full") in actions


def test_access_logged_decorator_records_only_answers_that_succeeded(world, in_schema, rf):
    from django.http import HttpResponse, HttpResponseNotFound

    from privacy.public import access_logged

    @access_logged(
        action="export", target="demo.export:{pk}", purpose="점검", rows=lambda r, resp: 42
    )
    def ok_view(request, pk):
        return HttpResponse("ok")

    @access_logged(action="view", target="demo.view:{pk}", purpose="점검")
    def missing_view(request, pk):
        return HttpResponseNotFound("no")

    with in_schema(world.inst_a):
        request = rf.get("/x", REMOTE_ADDR="192.0.2.1")
        request.user = world.manager_a
        ok_view(request, pk=7)
        missing_view(request, pk=8)
        record = AccessRecord.objects.get(target="demo.export:7")
        assert record.row_count == 42 and record.ip_address == "192.0.2.1"
        assert not AccessRecord.objects.filter(target="demo.view:8").exists()
