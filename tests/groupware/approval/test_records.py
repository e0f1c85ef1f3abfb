"""The department register, the department box, the year-end review: 폐기 keeps the row and
destroys the text and files; 연장 lengthens the retention; who may do what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, transaction

from groupware.approval import services
from groupware.approval.errors import ApprovalConflict
from groupware.approval.models import Document, DocumentVersion, RegisterEntry
from groupware.models import StaffProfile
from tests.groupware.approval.conftest import approve_all, receipt, submitted


def _due(entry, year):
    """Make a register row fall due (its retention ended): only allowed columns change."""
    RegisterEntry.objects.filter(pk=entry.pk).update(retention_until=year)
    entry.refresh_from_db()
    return entry


def test_disposal_destroys_the_text_and_keeps_the_row(org, django_capture_on_commit_callbacks):
    doc = approve_all(org, submitted(org, attachments=[receipt()]))
    doc.refresh_from_db()
    from groupware.approval.pdf import ensure_pdf

    ensure_pdf(doc.pk)
    doc.refresh_from_db()
    pdf_name, attachment_name = doc.pdf.name, doc.attachments.get().file.name
    storage = doc.pdf.storage
    entry = _due(doc.register_entry, datetime.date.today().year)
    with pytest.raises(PermissionDenied):  # 주임 is not the department's head
        services.register_decide(
            actor=org.drafter,
            institution=org.inst,
            entry=entry,
            decision="dispose",
            reason="기간 경과",
        )
    with pytest.raises(ValidationError):
        services.register_decide(
            actor=org.head, institution=org.inst, entry=entry, decision="dispose", reason=""
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.register_decide(
            actor=org.head,
            institution=org.inst,
            entry=entry,
            decision="dispose",
            reason="보존기간 경과",
        )
    entry.refresh_from_db()
    doc.refresh_from_db()
    assert entry.disposed_at and entry.number == doc.number and entry.title == doc.title
    assert doc.disposed_at and doc.body == "" and not doc.pdf
    assert not DocumentVersion.objects.filter(document=doc).exclude(body="").exists()
    assert not storage.exists(pdf_name) and not storage.exists(attachment_name)
    assert entry.decisions.get().decided_by_name == org.head.name
    with pytest.raises(ApprovalConflict):
        services.register_decide(
            actor=org.head, institution=org.inst, entry=entry, decision="dispose", reason="다시"
        )


def test_extension_needs_a_longer_retention(org):
    doc = approve_all(org, submitted(org))
    entry = _due(RegisterEntry.objects.get(document=doc), datetime.date.today().year)
    with pytest.raises(ValidationError):
        services.register_decide(
            actor=org.head,
            institution=org.inst,
            entry=entry,
            decision="extend",
            reason="소송 중",
            retention="1y",
        )
    services.register_decide(
        actor=org.head,
        institution=org.inst,
        entry=entry,
        decision="extend",
        reason="소송 중",
        retention="10y",
    )
    entry.refresh_from_db()
    assert entry.retention == "10y" and entry.retention_until == entry.year + 10


def test_a_record_not_due_is_not_decided(org):
    doc = approve_all(org, submitted(org))
    with pytest.raises(ValidationError) as error:
        services.register_decide(
            actor=org.head,
            institution=org.inst,
            entry=doc.register_entry,
            decision="dispose",
            reason="미리",
        )
    assert "보존기간이 끝나지 않은" in str(error.value)


def test_the_database_keeps_register_rows(org):
    doc = approve_all(org, submitted(org))
    entry = RegisterEntry.objects.get(document=doc)
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        RegisterEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        RegisterEntry.objects.filter(pk=entry.pk).update(title="고친 제목")
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(body="", disposed_at=None, title="x")


def test_the_department_box_opens_by_openness_and_role(org, on_host):
    public = approve_all(org, submitted(org, title="행사 결과 보고"))
    closed = approve_all(
        org, submitted(org, title="인사 심의 결과", disclosure="closed", disclosure_ground=5)
    )
    # a colleague of the same department who was on neither line
    from accounts.models import Membership, Role, User

    colleague = User.objects.create_user(
        email="colleague@test.kr", password="x-pass-12345", name="동료"
    )
    Membership.objects.create(user=colleague, institution=org.inst, role=Role.STAFF)
    StaffProfile.objects.create(user=colleague, department=org.team)
    client = on_host(org.inst, colleague)
    box = client.get("/staff/approval/records/box/").content.decode()
    assert "행사 결과 보고" in box and "인사 심의 결과" in box and "열람 제한" in box
    assert client.get(f"/staff/approval/{public.pk}/").status_code == 200
    assert client.get(f"/staff/approval/{closed.pk}/").status_code == 404
    StaffProfile.objects.filter(user=colleague).update(is_department_head=True)
    assert on_host(org.inst, colleague).get(f"/staff/approval/{closed.pk}/").status_code == 200
    # another department's member sees neither
    from groupware.models import Department

    StaffProfile.objects.filter(user=colleague).update(
        department=Department.objects.create(name="홍보팀"), is_department_head=False
    )
    client = on_host(org.inst, colleague)
    assert client.get(f"/staff/approval/{public.pk}/").status_code == 404
    assert "행사 결과 보고" not in client.get("/staff/approval/records/box/").content.decode()


def test_register_pages_filters_and_scope(org, on_host):
    approve_all(org, submitted(org, title="첫 문서"))
    approve_all(org, submitted(org, title="둘째 문서", retention="1y"))
    client = on_host(org.inst, org.drafter)
    page = client.get("/staff/approval/records/").content.decode()
    assert "문화예술팀-1" in page and "문화예술팀-2" in page
    page = client.get("/staff/approval/records/?retention=1y").content.decode()
    assert "문화예술팀-2" in page and "문화예술팀-1" not in page
    from groupware.models import Department

    other = Department.objects.create(name="홍보팀")
    assert client.get(f"/staff/approval/records/?department={other.pk}").status_code == 404
    admin = on_host(org.inst, org.head)
    assert admin.get(f"/staff/approval/records/?department={other.pk}").status_code == 200
    assert client.get("/staff/approval/records/?format=xlsx").status_code == 200
    assert client.get("/staff/approval/records/retention/").status_code == 403
    assert admin.get("/staff/approval/records/retention/").status_code == 200
    # a register row's review by someone who may not decide it: 404, nothing recorded
    entry = RegisterEntry.objects.first()
    response = client.post(f"/staff/approval/records/retention/{entry.pk}/decide/", {})
    assert response.status_code == 403
    response = admin.post(
        f"/staff/approval/records/retention/{entry.pk}/decide/",
        {"decision": "dispose", "reason": "미리"},
    )
    assert response.status_code == 302
    assert not RegisterEntry.objects.get(pk=entry.pk).disposed_at
