"""Approved documents never change: the services refuse and the database refuses too."""

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import DatabaseError

from groupware.approval import services
from groupware.approval.errors import ApprovalConflict
from groupware.approval.models import (
    Document,
    DocumentEvent,
    DocumentVersion,
    Reader,
    State,
    Step,
)
from tests.groupware.approval.conftest import approve_all, submitted


@pytest.fixture
def approved(org):
    return approve_all(org, submitted(org))


def _refused(fn):
    with pytest.raises((DatabaseError, IntegrityError, InternalError)), transaction.atomic():
        fn()


def test_services_refuse_to_change_an_approved_document(org, approved):
    with pytest.raises(ApprovalConflict) as caught:
        services.document_update_draft(
            actor=org.drafter, institution=org.inst, document=approved, title="바꾼 제목"
        )
    assert caught.value.code == "frozen"
    for call in (
        lambda: services.document_return(
            actor=org.head, institution=org.inst, document=approved, opinion="x"
        ),
        lambda: services.document_cancel_approval(
            actor=org.head, institution=org.inst, document=approved
        ),
        lambda: services.document_recall(
            actor=org.drafter, institution=org.inst, document=approved
        ),
    ):
        with pytest.raises(ApprovalConflict):
            call()
    approved.refresh_from_db()
    assert approved.title == "2026년 문화행사 개최 계획"


def test_database_refuses_content_changes(approved):
    _refused(lambda: Document.objects.filter(pk=approved.pk).update(title="몰래 수정"))
    _refused(lambda: Document.objects.filter(pk=approved.pk).update(number="문화예술팀-999"))
    _refused(lambda: Document.objects.filter(pk=approved.pk).update(state=State.DRAFT))
    _refused(lambda: Document.objects.filter(pk=approved.pk).delete())
    approved.refresh_from_db()
    assert approved.title == "2026년 문화행사 개최 계획"
    assert approved.number == "문화예술팀-1"


def test_database_refuses_line_history_and_version_changes(approved):
    step = Step.objects.filter(document=approved).first()
    _refused(lambda: Step.objects.filter(pk=step.pk).update(opinion="나중에 쓴 의견"))
    _refused(lambda: Step.objects.filter(pk=step.pk).delete())
    _refused(
        lambda: Step.objects.create(
            document=approved, round=9, order=9, role="review", approver_id=step.approver_id
        )
    )
    event = DocumentEvent.objects.filter(document=approved).first()
    _refused(lambda: DocumentEvent.objects.filter(pk=event.pk).update(opinion="x"))
    _refused(lambda: DocumentEvent.objects.filter(pk=event.pk).delete())
    version = DocumentVersion.objects.filter(document=approved).first()
    _refused(lambda: DocumentVersion.objects.filter(pk=version.pk).update(body="x"))


def test_events_are_append_only_even_on_open_documents(org):
    doc = submitted(org)
    event = doc.events.first()
    _refused(lambda: DocumentEvent.objects.filter(pk=event.pk).update(actor_name="누군가"))


def test_pdf_may_be_stored_once(approved):
    assert Document.objects.filter(pk=approved.pk).update(pdf="private/x.pdf") == 1
    _refused(lambda: Document.objects.filter(pk=approved.pk).update(pdf="private/y.pdf"))


def test_read_stamp_only_once(org, approved):
    services.document_circulate(
        actor=org.drafter, institution=org.inst, document=approved, users=[org.reviewer]
    )
    reader = Reader.objects.get(document=approved, user=org.reviewer)
    assert services.document_mark_read(user=org.reviewer, document=approved)
    assert not services.document_mark_read(user=org.reviewer, document=approved)
    _refused(lambda: Reader.objects.filter(pk=reader.pk).update(read_at=None))
    _refused(lambda: Reader.objects.filter(pk=reader.pk).delete())


def test_triggers_exist_in_every_institution_schema(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgname LIKE 'approval_%%' "
            "AND NOT t.tgisinternal GROUP BY n.nspname"
        )
        counts = dict(cursor.fetchall())
    for institution in (world.inst_a, world.inst_b):
        assert counts.get(institution.schema_name) == 11  # 0002 (8) + 0006 (3)
