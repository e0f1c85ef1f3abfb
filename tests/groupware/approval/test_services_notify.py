"""Notices and e-mail after commit; deputies see what waits for the absent; parallel 협조."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, InternalError, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from groupware.approval import services
from groupware.approval.errors import ApprovalForbidden
from groupware.approval.models import Attachment, Notification, State, StepStatus
from groupware.approval.selectors import inbox_counts, waiting_for
from groupware.models import Absence, StaffProfile
from tests.groupware.approval.conftest import approve_all, line, make_draft, submitted


def test_my_turn_email_is_sent_only_after_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        doc = make_draft(org)
        services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
        assert mail.outbox == []  # nothing before commit
    assert callbacks
    # through notifications.public.notify (the person's channels; e-mail by default)
    assert [m.to for m in mail.outbox] == [[org.reviewer.email]]
    assert "결재할 문서" in mail.outbox[0].subject
    assert f"/staff/approval/{doc.pk}/" in mail.outbox[0].body
    from notifications.public import messages_about

    assert (
        messages_about(f"approval.document:{org.inst.schema_name}:{doc.pk}", institution=org.inst)
        .filter(event="document_to_approve", recipient=org.reviewer)
        .exists()
    )
    assert Notification.objects.filter(user=org.reviewer, kind="approval.turn").count() == 1


def test_approved_and_returned_notify_the_drafter(org):
    doc = submitted(org)
    services.document_return(actor=org.reviewer, institution=org.inst, document=doc, opinion="보완")
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    approve_all(org, doc)
    kinds = set(Notification.objects.filter(user=org.drafter).values_list("kind", flat=True))
    assert {"approval.returned", "approval.approved"} <= kinds
    services.notification_mark_read(user=org.drafter)
    assert inbox_counts(org.drafter)["notifications"] == 0


def test_deputy_sees_the_absent_approvers_queue(org):
    doc = submitted(org)
    now = timezone.now()
    assert not waiting_for(org.head).exists()
    Absence.objects.create(
        user=org.reviewer,
        kind=Absence.Kind.LEAVE,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=8),
        deputy=org.head,
    )
    assert list(waiting_for(org.head)) == [doc]
    assert inbox_counts(org.head)["waiting"] == 1
    # someone who is not the deputy still cannot act
    with pytest.raises(ApprovalForbidden):
        services.document_approve(actor=org.director, institution=org.inst, document=doc)
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    assert doc.current_steps()[0].acting


def test_parallel_cooperation_waits_for_the_whole_group(org):
    steps = [
        {"user": org.reviewer, "role": "cooperate", "order": 1},
        {"user": org.director, "role": "cooperate", "order": 1},
        {"user": org.head, "role": "approve", "order": 2},
    ]
    doc = submitted(org, steps=steps)
    assert [s.status for s in doc.current_steps()] == ["pending", "pending", "waiting"]
    services.document_approve(actor=org.director, institution=org.inst, document=doc)
    assert [s.status for s in doc.current_steps()] == ["pending", "approved", "waiting"]
    with pytest.raises(ApprovalForbidden):
        services.document_approve(actor=org.head, institution=org.inst, document=doc)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    assert doc.current_steps()[2].status == StepStatus.PENDING


def test_leave_approval_reaches_the_calendar(org, django_capture_on_commit_callbacks):
    StaffProfile.objects.filter(user=org.drafter).update(annual_leave_days=Decimal("5"))
    day = datetime.date(2026, 12, 8)
    doc = services.document_create_draft(
        actor=org.drafter,
        institution=org.inst,
        form="leave",
        title="휴가신청",
        line=line(org, ("approve", org.reviewer)),
        leave={"kind": "annual", "start_date": day, "end_date": day, "reason": "가족 행사"},
    )
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert doc.state == State.APPROVED
    # groupware.schedule's hook records the leave as an absence on the shared calendar
    assert Absence.objects.filter(user=org.drafter, kind=Absence.Kind.LEAVE).exists()


def test_attachments_of_an_approved_document_are_frozen(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    doc = make_draft(org, attachments=[SimpleUploadedFile("a.txt", b"x", "text/plain")])
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    approve_all(org, doc)
    attachment = doc.attachments.get()
    for change in (
        lambda: Attachment.objects.filter(pk=attachment.pk).update(name="b.txt"),
        lambda: Attachment.objects.filter(pk=attachment.pk).delete(),
    ):
        with pytest.raises((DatabaseError, IntegrityError, InternalError)), transaction.atomic():
            change()


def test_each_approver_is_told_once_when_their_turn_comes(org, django_capture_on_commit_callbacks):
    """submit → the first approver; their approval → the next; each hears once (a
    notifications.notify ``document_to_approve`` with one e-mail), and only after commit."""
    from notifications.public import messages_about

    doc = make_draft(org)
    ref = f"approval.document:{org.inst.schema_name}:{doc.pk}"
    turns = messages_about(ref, institution=org.inst).filter(event="document_to_approve")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    assert mail.outbox == [] and pending  # nothing sent inside the transaction
    for callback in pending:
        callback()
    assert list(turns.values_list("recipient_id", flat=True)) == [org.reviewer.pk]
    assert [m.to for m in mail.outbox] == [[org.reviewer.email]]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    assert sorted(turns.values_list("recipient_id", flat=True)) == sorted(
        [org.reviewer.pk, org.director.pk]
    )
    assert [m.to for m in mail.outbox] == [[org.director.email]]
    assert Notification.objects.filter(user=org.reviewer, kind="approval.turn").count() == 1
    assert Notification.objects.filter(user=org.director, kind="approval.turn").count() == 1


def test_a_rolled_back_submission_tells_no_one(org, django_capture_on_commit_callbacks):
    from notifications.public import messages_about

    doc = make_draft(org)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
        raise RuntimeError("the request failed after submitting")
    ref = f"approval.document:{org.inst.schema_name}:{doc.pk}"
    assert not messages_about(ref, institution=org.inst).exists()
    assert mail.outbox == []
    assert not Notification.objects.filter(user=org.reviewer, kind="approval.turn").exists()
