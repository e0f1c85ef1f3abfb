"""Retention settings per institution with defaults, the daily destruction (with records
and no content), dormant accounts warned 30 days ahead, and the versioned 처리방침
linked in every footer."""

import datetime as dt

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from facility_booking import services as fb
from facility_booking.models import Reservation
from privacy import retention
from privacy.models import DestructionRecord, PolicyVersion, RetentionSetting
from tests.facility_booking.conftest import make_facility, request_kwargs


def _old_booking(world, in_schema, *, ended_days_ago: int):
    with in_schema(world.inst_a):
        facility = make_facility()
        r = fb.reservation_request(
            **request_kwargs(facility, world.resident, contact_phone="010-5555-6666")
        )
        fb.reservation_cancel(actor=world.resident, reservation=r, reason="사정")
        end = timezone.now() - dt.timedelta(days=ended_days_ago)
        Reservation.objects.filter(pk=r.pk).update(
            start=end - dt.timedelta(hours=2),
            end=end,
            hold_start=end - dt.timedelta(hours=2),
            hold_end=end,
        )
        return r.pk


def test_applicant_data_is_destroyed_after_the_period_with_a_record(world, in_schema):
    due = _old_booking(world, in_schema, ended_days_ago=3 * 365 + 2)
    kept = _old_booking(world, in_schema, ended_days_ago=30)
    with in_schema(world.inst_a):
        done = retention.destroy_due()
        assert done["booking_applicant"] >= 1
        gone = Reservation.objects.get(pk=due)
        assert gone.applicant_id is None and gone.contact_phone == "" and gone.applicant_email == ""
        assert gone.total_amount == Reservation.objects.get(pk=due).total_amount
        still = Reservation.objects.get(pk=kept)
        assert still.contact_phone == "010-5555-6666"
        record = DestructionRecord.objects.get(kind="booking_applicant")
        assert record.count >= 1 and record.cutoff and "3년" in record.reason
        # The record says what and how many, never whose.
        assert world.resident.name not in record.reason + record.label
        assert retention.destroy_due()["booking_applicant"] == 0  # nothing twice


def test_an_institution_sets_its_own_period_not_below_the_minimum(world, on_host, in_schema):
    admin = on_host(world.inst_a, world.admin_a)
    page = admin.get("/manage/privacy/retention/").content.decode()
    assert "대관 신청자 정보" in page and "1095" in page
    bad = admin.post("/manage/privacy/retention/", {"days_booking_applicant": "3"})
    assert bad.status_code == 400 and "30일 이상" in bad.content.decode()
    junk = admin.post("/manage/privacy/retention/", {"days_booking_applicant": "abc"})
    assert junk.status_code == 400
    with in_schema(world.inst_a):
        assert not RetentionSetting.objects.exists()
    ok = admin.post("/manage/privacy/retention/", {"days_booking_applicant": "730"})
    assert ok.status_code == 302
    with in_schema(world.inst_a):
        assert retention.days_for("booking_applicant") == 730
    with in_schema(world.inst_b):
        assert retention.days_for("booking_applicant") == 365 * 3
    access = admin.post("/manage/privacy/retention/", {"days_access_records": "100"})
    assert access.status_code == 400  # access records: two years at least


def test_destroy_command_visits_every_schema(world, in_schema):
    _old_booking(world, in_schema, ended_days_ago=4 * 365)
    from io import StringIO

    out = StringIO()
    call_command("destroy_expired_data", stdout=out)
    text = out.getvalue()
    assert world.inst_a.schema_name in text and "public" in text
    with in_schema(world.inst_a):
        assert DestructionRecord.objects.filter(kind="booking_applicant").exists()


def test_dormant_accounts_are_warned_then_destroyed(world, django_capture_on_commit_callbacks):
    sleeper = User.objects.create_user(
        email="sleeper@test.kr", password="x-pass-long-1", name="잠든주민"
    )
    User.objects.filter(pk=sleeper.pk).update(last_login=timezone.now() - dt.timedelta(days=340))
    with django_capture_on_commit_callbacks(execute=True):
        retention.destroy_due()
    sleeper.refresh_from_db()
    assert sleeper.dormant_notified_at is not None and sleeper.deleted_at is None
    assert any("휴면" in m.subject and "sleeper@test.kr" in m.to for m in mail.outbox)
    # Staff are never dormant-destroyed; the operator neither.
    for person in (world.staff_a, world.operator):
        User.objects.filter(pk=person.pk).update(last_login=timezone.now() - dt.timedelta(days=800))
    later = timezone.now() + dt.timedelta(days=31)
    retention.destroy_due(now=later)
    sleeper.refresh_from_db()
    assert sleeper.deleted_at is not None and sleeper.email != "sleeper@test.kr"
    world.staff_a.refresh_from_db()
    world.operator.refresh_from_db()
    assert world.staff_a.deleted_at is None and world.operator.deleted_at is None
    assert DestructionRecord.objects.filter(kind="dormant_account", count=1).exists()


def test_signing_in_cancels_the_dormant_notice(world, apex):
    from tests.factories import PASSWORD

    User.objects.filter(pk=world.resident.pk).update(dormant_notified_at=timezone.now())
    apex().post("/accounts/login/", {"email": "resident@test.kr", "password": PASSWORD})
    world.resident.refresh_from_db()
    assert world.resident.dormant_notified_at is None


def test_policy_default_then_versions_per_institution(world, apex, on_host, in_schema):
    page = on_host(world.inst_a).get("/privacy/").content.decode()
    assert "개인정보 처리방침" in page and world.inst_a.name in page and "대관 신청자 정보" in page
    admin = on_host(world.inst_a, world.admin_a)
    past = admin.post(
        "/manage/privacy/policy/",
        {"title": "처리방침", "body": "본문", "effective_on": "2000-01-01"},
    )
    assert past.status_code == 400
    with in_schema(world.inst_a):
        assert not PolicyVersion.objects.exists()
    today = timezone.localdate().isoformat()
    for body in ("첫 판 본문", "둘째 판 본문"):
        response = admin.post(
            "/manage/privacy/policy/",
            {"title": "가나 처리방침", "body": body, "summary": "변경", "effective_on": today},
        )
        assert response.status_code == 302
    current = on_host(world.inst_a).get("/privacy/").content.decode()
    assert "둘째 판 본문" in current and "제2판" in current
    first = on_host(world.inst_a).get("/privacy/v1/").content.decode()
    assert "첫 판 본문" in first
    assert on_host(world.inst_a).get("/privacy/v9/").status_code == 404
    # Institution B and the platform keep their own.
    assert "둘째 판 본문" not in on_host(world.inst_b).get("/privacy/").content.decode()
    assert "둘째 판 본문" not in apex().get("/privacy/").content.decode()


def test_every_footer_links_the_policy(world, apex, on_host):
    for client, path in [
        (apex(), "/"),
        (apex(world.resident), "/accounts/profile/"),
        (on_host(world.inst_a), "/"),
        (on_host(world.inst_a, world.staff_a), "/staff/"),
    ]:
        body = client.get(path).content.decode()
        assert 'href="/privacy/"' in body, path


def test_booking_asks_its_consent_on_submit_and_stores_it_in_the_institution(
    world, on_host, in_schema
):
    from privacy.models import Consent
    from tests.facility_booking.conftest import at

    with in_schema(world.inst_a):
        facility = make_facility()
    client = on_host(world.inst_a, world.resident)
    form = client.get(f"/facilities/{facility.pk}/apply/").content.decode()
    assert "[필수] 대관 신청 개인정보 수집·이용 동의" in form and "이용일로부터 3년" in form
    data = {
        "date": at(3, 0).date().isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "purpose": "모임",
        "headcount": "5",
        "contact_phone": "010-2222-3333",
    }
    preview = client.post(f"/facilities/{facility.pk}/apply/", {**data, "action": "preview"})
    assert preview.status_code == 200  # the price is shown without the tick
    refused = client.post(f"/facilities/{facility.pk}/apply/", {**data, "action": "submit"})
    assert refused.status_code == 400 and "필수 동의 항목" in refused.content.decode()
    with in_schema(world.inst_a):
        assert not Reservation.objects.filter(applicant_id=world.resident.pk).exists()
    done = client.post(
        f"/facilities/{facility.pk}/apply/",
        {**data, "action": "submit", "consent_booking_required": "on"},
    )
    assert done.status_code == 302
    with in_schema(world.inst_a):
        booking = Reservation.objects.get(applicant_id=world.resident.pk)
        consent = Consent.objects.get(user_id=world.resident.pk, key="booking.required")
        assert consent.granted and consent.context == f"booking:{booking.pk}"
        assert consent.version and "3년" in consent.retention


def test_program_applicant_data_is_destroyed_after_the_program(world, in_schema):
    from programs.models import Application
    from programs.services import application_apply
    from tests.programs.conftest import make_program

    with in_schema(world.inst_a):
        program = make_program()
        application = application_apply(
            applicant=world.resident,
            institution=world.inst_a,
            program=program,
            birth_date=dt.date(1950, 3, 1),
            phone="010-3333-4444",
        )
        later = timezone.now() + dt.timedelta(days=3 * 365 + 120)
        done = retention.destroy_due(now=later)
        assert done["program_applicant"] == 1
        application.refresh_from_db()
        assert application.phone == "" and application.birth_date is None
        assert application.status == "confirmed"  # the count of places stays right
        assert DestructionRecord.objects.filter(kind="program_applicant", count=1).exists()
        assert Application.objects.filter(program=program).count() == 1
