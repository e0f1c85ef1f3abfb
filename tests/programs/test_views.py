"""Program pages on the institution's host: browse, apply, my applications, cancel; the
staff pages (edit, publish, roster and its exports). For each: anonymous → log-in,
wrong role → 403, another institution → 404, bad input → a Korean error next to the
field with nothing stored."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from programs import services
from programs.models import Application, Program
from tests.programs.conftest import make_program

# The required consent to collecting the applicant's data (privacy.consents "program").
CONSENT = {"consent_program_required": "on"}


@pytest.fixture
def programs_a(world):
    with schema_context(world.inst_a.schema_name):
        open_ = make_program(title="시민 합창단", audience="all", capacity=2, waitlist_limit=1)
        senior = make_program(age_min=65)
        draft = make_program(title="준비 중인 강좌", status="draft", published_at=None)
    return open_, senior, draft


def test_browsing_and_a_draft_only_for_staff(world, programs_a, on_host):
    open_, senior, draft = programs_a
    anonymous = on_host(world.inst_a)
    listing = anonymous.get("/programs/").content.decode()
    assert "시민 합창단" in listing and "준비 중인 강좌" not in listing
    assert anonymous.get(f"/programs/{open_.pk}/").status_code == 200
    assert anonymous.get(f"/programs/{draft.pk}/").status_code == 404
    assert on_host(world.inst_a, world.resident).get(f"/programs/{draft.pk}/").status_code == 404
    assert on_host(world.inst_a, world.manager_a).get(f"/programs/{draft.pk}/").status_code == 200
    # another institution's host does not know the program
    assert on_host(world.inst_b).get(f"/programs/{open_.pk}/").status_code == 404
    assert anonymous.get("/programs/", {"audience": "nonsense", "page": "x"}).status_code == 200


def test_apply_needs_login_and_refuses_bad_input_with_nothing_stored(world, programs_a, on_host):
    open_, senior, draft = programs_a
    anonymous = on_host(world.inst_a).post(f"/programs/{open_.pk}/apply/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    resident = on_host(world.inst_a, world.resident)
    assert resident.get(f"/programs/{open_.pk}/apply/").status_code == 405
    refused = resident.post(f"/programs/{senior.pk}/apply/", CONSENT)
    assert refused.status_code == 400
    assert "생년월일을 입력해 주세요" in refused.content.decode()
    too_young = resident.post(
        f"/programs/{senior.pk}/apply/", {"birth_date": "2000-01-01", **CONSENT}
    )
    assert too_young.status_code == 400 and "만 65세 이상" in too_young.content.decode()
    assert resident.post(f"/programs/{draft.pk}/apply/").status_code == 404
    with schema_context(world.inst_a.schema_name):
        assert not Application.objects.filter(applicant_id=world.resident.pk).exists()
    # the other institution's host: no such program there
    assert (
        on_host(world.inst_b, world.resident).post(f"/programs/{open_.pk}/apply/").status_code
        == 404
    )


def test_apply_then_waiting_list_then_full_and_my_page_and_cancel(world, programs_a, on_host):
    open_, _senior, _draft = programs_a
    first = on_host(world.inst_a, world.resident)
    assert first.post(f"/programs/{open_.pk}/apply/", CONSENT).status_code == 302
    again = first.post(f"/programs/{open_.pk}/apply/", CONSENT)
    assert again.status_code == 400 and "이미 신청하셨습니다" in again.content.decode()
    on_host(world.inst_a, world.resident2).post(f"/programs/{open_.pk}/apply/", CONSENT)
    with schema_context(world.inst_a.schema_name):
        mine = Application.objects.get(program=open_, applicant_id=world.resident.pk)
        theirs = Application.objects.get(program=open_, applicant_id=world.resident2.pk)
        assert (mine.status, theirs.status) == ("confirmed", "confirmed")
    my_page = first.get("/programs/my/").content.decode()
    assert "시민 합창단" in my_page
    assert on_host(world.inst_a).get("/programs/my/").status_code == 302
    # someone else's application: the same 404 as a missing one
    assert first.post(f"/programs/my/{theirs.pk}/cancel/").status_code == 404
    assert first.post("/programs/my/999999/cancel/").status_code == 404
    assert first.post(f"/programs/my/{mine.pk}/cancel/").status_code == 302
    with schema_context(world.inst_a.schema_name):
        mine.refresh_from_db()
        theirs.refresh_from_db()
    assert mine.status == "cancelled" and theirs.status == "confirmed"


STAFF_PAGES = ("/programs/manage/", "/programs/manage/new/")


def test_staff_pages_answer_login_403_404(world, programs_a, on_host):
    open_, _senior, _draft = programs_a
    pages = [
        *STAFF_PAGES,
        f"/programs/manage/{open_.pk}/",
        f"/programs/manage/{open_.pk}/roster/",
        f"/programs/manage/{open_.pk}/roster.csv",
        f"/programs/manage/{open_.pk}/roster.xlsx",
    ]
    for path in pages:
        anonymous = on_host(world.inst_a).get(path)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], path
        assert on_host(world.inst_a, world.resident).get(path).status_code == 404, path
        assert on_host(world.inst_a, world.staff_a).get(path).status_code == 403, path
        assert on_host(world.inst_a, world.admin_b).get(path).status_code == 404, path
        assert on_host(world.inst_a, world.manager_a).get(path).status_code == 200, path
    for path in (
        f"/programs/manage/{open_.pk}/publish/",
        f"/programs/manage/{open_.pk}/unpublish/",
        f"/programs/manage/{open_.pk}/cancel/",
    ):
        assert on_host(world.inst_a, world.resident).post(path).status_code == 404, path
        assert on_host(world.inst_a, world.admin_b).post(path).status_code == 404, path
    with schema_context(world.inst_a.schema_name):
        open_.refresh_from_db()
    assert open_.status == "published"


def test_roster_exports_and_staff_cancel_need_a_reason(world, programs_a, on_host):
    open_, _senior, _draft = programs_a
    with schema_context(world.inst_a.schema_name):
        application = services.application_apply(
            applicant=world.resident, institution=world.inst_a, program=open_
        )
    manager = on_host(world.inst_a, world.manager_a)
    csv = manager.get(f"/programs/manage/{open_.pk}/roster.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "attachment" in csv["Content-Disposition"]
    body = csv.content.decode("utf-8-sig")
    assert world.resident.name not in body  # masked unless the full list is asked for
    xlsx = manager.get(f"/programs/manage/{open_.pk}/roster.xlsx")
    assert xlsx.content[:2] == b"PK"
    refused = manager.post(f"/programs/manage/applications/{application.pk}/cancel/", {})
    assert refused.status_code == 302
    with schema_context(world.inst_a.schema_name):
        application.refresh_from_db()
        assert application.status == "confirmed"
    manager.post(f"/programs/manage/applications/{application.pk}/cancel/", {"reason": "중복 신청"})
    with schema_context(world.inst_a.schema_name):
        application.refresh_from_db()
        assert application.status == "cancelled_by_staff"


def test_program_form_refuses_bad_input_next_to_the_field(world, on_host):
    manager = on_host(world.inst_a, world.manager_a)
    today = timezone.localdate()
    now = timezone.localtime()
    data = {
        "title": "가족 목공 체험",
        "category": "program",
        "start_date": (today + dt.timedelta(days=20)).isoformat(),
        "end_date": (today + dt.timedelta(days=10)).isoformat(),  # before the start
        "start_time": "10:00",
        "end_time": "12:00",
        "audience": "family",
        "fee": 0,
        "capacity": 10,
        "waitlist_limit": 2,
        "applications_open_at": now.strftime("%Y-%m-%dT%H:%M"),
        "applications_close_at": (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = manager.post("/programs/manage/new/", data)
    assert response.status_code == 400
    assert "종료일은 시작일과 같거나 뒤여야 합니다" in response.content.decode()
    bad_capacity = manager.post("/programs/manage/new/", {**data, "capacity": "0"})
    assert bad_capacity.status_code == 400
    with schema_context(world.inst_a.schema_name):
        assert not Program.objects.filter(title="가족 목공 체험").exists()
    data["end_date"] = (today + dt.timedelta(days=40)).isoformat()
    assert manager.post("/programs/manage/new/", {**data, "publish": "1"}).status_code == 302
    with schema_context(world.inst_a.schema_name):
        assert Program.objects.get(title="가족 목공 체험").status == "published"
