"""Return, recall, cancel approval, review edits, 대결 with post-report, skip, circulate, redraft."""

import datetime

import pytest
from django.utils import timezone

from groupware.approval import services
from groupware.approval.errors import ApprovalConflict, ApprovalForbidden
from groupware.approval.models import (
    DocumentVersion,
    Notification,
    PostReport,
    Reader,
    State,
    StepStatus,
)
from groupware.models import Absence
from tests.groupware.approval.conftest import approve_all, line, make_draft, submitted


def _away(user, deputy, kind=Absence.Kind.BUSINESS_TRIP):
    now = timezone.now()
    return Absence.objects.create(
        user=user,
        kind=kind,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(days=1),
        deputy=deputy,
    )


def test_return_keeps_the_round_and_opens_a_new_one(org):
    doc = submitted(org)
    services.document_return(
        actor=org.reviewer, institution=org.inst, document=doc, opinion="예산 근거 보완"
    )
    doc.refresh_from_db()
    assert doc.state == State.RETURNED and doc.round == 2
    old = list(doc.steps.filter(round=1))
    assert [s.status for s in old] == ["returned", "closed", "closed"]
    assert old[0].opinion == "예산 근거 보완"
    assert [s.status for s in doc.current_steps()] == ["waiting"] * 3
    assert Notification.objects.filter(user=org.drafter, kind="approval.returned").exists()
    # edit and resubmit: a new version, the returned one kept
    services.document_update_draft(
        actor=org.drafter, institution=org.inst, document=doc, body="보완한 본문"
    )
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert doc.version == 2
    assert list(DocumentVersion.objects.filter(document=doc).values_list("number", flat=True)) == [
        1,
        2,
    ]
    approve_all(org, doc)
    doc.refresh_from_db()
    assert doc.state == State.APPROVED


def test_return_requires_a_reason(org):
    doc = submitted(org)
    with pytest.raises(Exception) as caught:
        services.document_return(
            actor=org.reviewer, institution=org.inst, document=doc, opinion=" "
        )
    assert "반려 사유" in str(caught.value)
    doc.refresh_from_db()
    assert doc.state == State.IN_APPROVAL


def test_recall_only_before_the_current_stage_acts(org):
    doc = submitted(org)
    with pytest.raises(ApprovalForbidden):
        services.document_recall(actor=org.reviewer, institution=org.inst, document=doc)
    services.document_recall(actor=org.drafter, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert doc.state == State.RECALLED
    assert doc.events.filter(action="recall").exists()
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    services.document_hold(actor=org.reviewer, institution=org.inst, document=doc, note="검토 중")
    with pytest.raises(ApprovalConflict):
        services.document_recall(actor=org.drafter, institution=org.inst, document=doc)


def test_cancel_approval_until_the_next_step_acts(org):
    doc = submitted(org)
    services.document_approve(
        actor=org.reviewer, institution=org.inst, document=doc, opinion="동의"
    )
    services.document_cancel_approval(actor=org.reviewer, institution=org.inst, document=doc)
    steps = list(doc.current_steps())
    assert [s.status for s in steps] == ["pending", "waiting", "waiting"]
    assert doc.events.filter(action="cancel_approval", opinion="동의").exists()
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    services.document_approve(actor=org.director, institution=org.inst, document=doc)
    with pytest.raises(ApprovalConflict) as caught:
        services.document_cancel_approval(actor=org.reviewer, institution=org.inst, document=doc)
    assert caught.value.code == "cancel_too_late"
    with pytest.raises(ApprovalForbidden):
        services.document_cancel_approval(actor=org.head, institution=org.inst, document=doc)


def test_only_the_current_approver_acts(org):
    doc = submitted(org)
    for outsider in (org.drafter, org.director, org.head):
        with pytest.raises(ApprovalForbidden):
            services.document_approve(actor=outsider, institution=org.inst, document=doc)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    with pytest.raises(ApprovalConflict) as caught:  # the double click
        services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    assert caught.value.code == "already_acted"


def test_reviewer_edit_is_a_new_version_and_cooperator_cannot_edit(org):
    doc = submitted(org)
    services.document_approve(
        actor=org.reviewer, institution=org.inst, document=doc, body="<p>검토자가 고친 본문</p>"
    )
    doc.refresh_from_db()
    assert doc.version == 2
    version = DocumentVersion.objects.get(document=doc, number=2)
    assert version.role == "review" and version.edited_by_id == org.reviewer.pk
    assert doc.events.filter(action="edit", version=2).exists()
    with pytest.raises(Exception) as caught:
        services.document_approve(
            actor=org.director, institution=org.inst, document=doc, body="협조자가 고침"
        )
    assert "검토자만" in str(caught.value)
    assert doc.current_steps()[1].status == StepStatus.PENDING


def test_deputy_approves_marked_acting_with_post_report(org):
    doc = submitted(org, steps=line(org, ("review", org.reviewer), ("approve", org.head)))
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    _away(org.head, org.director)
    services.document_approve(
        actor=org.director, institution=org.inst, document=doc, opinion="대결함"
    )
    doc.refresh_from_db()
    assert doc.state == State.APPROVED
    final = doc.current_steps().last()
    assert (
        final.acting and final.acted_by_id == org.director.pk and final.approver_id == org.head.pk
    )
    event = doc.events.get(action="final_approve")
    assert (
        event.acting and event.on_behalf_of_id == org.head.pk and event.actor_id == org.director.pk
    )
    report = PostReport.objects.get(document=doc)
    assert report.user_id == org.head.pk
    services.post_report_acknowledge(actor=org.head, report=report)
    with pytest.raises(ApprovalConflict):
        services.post_report_acknowledge(actor=org.head, report=report)


def test_a_deputy_approval_taken_back_is_no_post_report(org, on_host):
    """대결 then 결재취소: the absent reviewer has nothing to acknowledge (count, box, page);
    the 대결 taken again is one item, not two."""
    from groupware.approval import selectors

    doc = submitted(org)  # 검토 reviewer → 협조 director → 결재 head
    _away(org.reviewer, org.head)
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    assert selectors.inbox_counts(org.reviewer)["post_reports"] == 1
    services.document_cancel_approval(actor=org.head, institution=org.inst, document=doc)

    assert selectors.inbox_counts(org.reviewer)["post_reports"] == 0
    assert list(selectors.post_reports_for(org.reviewer)) == []
    page = on_host(org.inst, org.reviewer).get(f"/staff/approval/{doc.pk}/")
    assert "사후보고를 확인해 주세요" not in page.content.decode()

    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    assert PostReport.objects.filter(document=doc).count() == 1
    assert selectors.inbox_counts(org.reviewer)["post_reports"] == 1


def test_delegated_final_approval_is_marked_jeongyeol(org):
    doc = submitted(
        org, form="expense", steps=line(org, ("review", org.reviewer), ("approve", org.director))
    )
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    services.document_approve(actor=org.director, institution=org.inst, document=doc)
    doc.refresh_from_db()
    final = doc.current_steps().last()
    assert doc.state == State.APPROVED and final.delegated
    assert doc.events.get(action="final_approve").delegated


def test_skip_an_absent_reviewer_records_the_reason(org):
    doc = submitted(org)
    _away(org.reviewer, None, kind=Absence.Kind.LEAVE)
    with pytest.raises(ApprovalForbidden):
        services.document_skip(
            actor=org.head, institution=org.inst, document=doc, step_id=doc.current_steps()[0].pk
        )
    services.document_skip(
        actor=org.drafter, institution=org.inst, document=doc, step_id=doc.current_steps()[0].pk
    )
    first = doc.current_steps()[0]
    assert first.status == StepStatus.SKIPPED and first.skip_reason == "휴가"
    assert doc.current_steps()[1].status == StepStatus.PENDING


def test_circulate_and_reads_are_recorded(org, world):
    doc = approve_all(org, submitted(org))
    services.document_circulate(
        actor=org.drafter, institution=org.inst, document=doc, departments=[org.team]
    )
    readers = Reader.objects.filter(document=doc, kind="circulation")
    assert readers.count() == 3  # the team, without the drafter who circulates it
    with pytest.raises(Exception) as caught:
        services.document_circulate(
            actor=org.drafter, institution=org.inst, document=doc, users=[world.staff_b]
        )
    assert "이 기관의 직원이 아니" in str(caught.value)
    services.document_mark_read(user=org.reviewer, document=doc)
    assert readers.get(user=org.reviewer).read_at is not None
    assert doc.events.filter(action="read", actor=org.reviewer).exists()


def test_redraft_copies_an_approved_document(org):
    doc = approve_all(org, submitted(org))
    new = services.document_redraft(actor=org.drafter, institution=org.inst, document=doc)
    assert new.state == State.DRAFT and new.redrafted_from_id == doc.pk
    assert new.title == doc.title and new.current_steps().count() == 3
    doc.refresh_from_db()
    assert doc.state == State.APPROVED


def test_draft_is_private_until_submitted(org):
    from django.http import Http404

    from groupware.approval.selectors import document_for

    doc = make_draft(org)
    with pytest.raises(Http404):
        document_for(org.reviewer, doc.pk)
    services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    assert document_for(org.reviewer, doc.pk) == doc


def test_inbox_counts_fixed_queries(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groupware.approval.selectors import inbox_counts, waiting_for

    submitted(org)
    make_draft(org, title="초안")
    with CaptureQueriesContext(connection) as queries:
        counts = inbox_counts(org.reviewer)
    # one statement for the seven counts (suite.queries.counts), deputies as a subquery
    assert len([q for q in queries if not q["sql"].startswith("SET ")]) == 1
    assert counts["waiting"] == 1
    drafter = inbox_counts(org.drafter)
    assert drafter["in_progress"] == 1 and drafter["drafts"] == 1
    assert list(waiting_for(org.reviewer).values_list("title", flat=True)) == [
        "2026년 문화행사 개최 계획"
    ]


def test_body_is_sanitised(org):
    doc = make_draft(
        org, body='<p onclick="x()">안녕</p><script>alert(1)</script><ol><li>항목</li></ol>'
    )
    assert "script" not in doc.body and "onclick" not in doc.body
    assert "<ol><li>항목</li></ol>" in doc.body
    plain = make_draft(org, body="첫 줄\n<b>둘째</b> 줄")
    assert "<script" not in plain.body


def test_plain_text_items_are_indented_by_level(org):
    """Typed 1. → 가. → 1) → 가) → (1) → (가) → ① → ㉮ lines get their level; a "<" in
    plain text stays text, and a <script> typed as text is shown, never run."""
    doc = make_draft(
        org,
        body="1. 목적\n  가. 예산 < 100만원\n    1) 세부\n가) 더\n(1) a\n(가) b\n① c\n㉮ d\n가나다 회의\n"
        "<script>alert(1)</script>",
    )
    assert doc.body.startswith(
        '<p class="item-0">1. 목적</p><p class="item-1">가. 예산 &lt; 100만원'
    )
    for level in range(8):
        assert f'class="item-{level}"' in doc.body
    assert "<p>가나다 회의</p>" in doc.body
    assert "<script" not in doc.body and "&lt;script&gt;" in doc.body
    forged = make_draft(org, body='<p class="item-2 evil">x</p>')
    assert forged.body == '<p class="item-2">x</p>'


def test_search_by_title_number_drafter_state_period(org):
    import datetime

    from groupware.approval.selectors import inbox

    approve_all(org, submitted(org, title="음향장비 구입"))
    submitted(org, title="홍보물 제작")
    box = "completed"
    assert [d.title for d in inbox(org.drafter, box, q="음향")] == ["음향장비 구입"]
    assert [d.title for d in inbox(org.drafter, box, number="문화예술팀-1")] == ["음향장비 구입"]
    assert inbox(org.drafter, box, drafter="직원에이").count() == 1
    assert inbox(org.drafter, box, drafter="없는사람").count() == 0
    assert inbox(org.drafter, "in_progress", state="in_approval").count() == 1
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert inbox(org.drafter, box, date_from=tomorrow).count() == 0


def test_the_drafter_never_signs_as_deputy(org):
    doc = submitted(org)
    _away(org.reviewer, org.drafter)
    with pytest.raises(ApprovalForbidden):
        services.document_approve(actor=org.drafter, institution=org.inst, document=doc)


def test_a_deputy_does_not_wait_on_their_own_draft(org):
    """The drafter deputising for an absent approver of their own document cannot sign it,
    so it is not in their 결재대기 either."""
    from groupware.approval.selectors import inbox_counts, waiting_for

    doc = submitted(org, steps=line(org, ("approve", org.head)))
    _away(org.head, org.drafter)
    assert list(waiting_for(org.drafter)) == []
    assert inbox_counts(org.drafter)["waiting"] == 0
    with pytest.raises(ApprovalForbidden):
        services.document_approve(actor=org.drafter, institution=org.inst, document=doc)
    other = services.document_submit(
        actor=org.reviewer,
        institution=org.inst,
        document=services.document_create_draft(
            actor=org.reviewer,
            institution=org.inst,
            title="팀장 기안",
            line=line(org, ("approve", org.head)),
        ),
    )
    assert list(waiting_for(org.drafter)) == [other]  # someone else's: theirs to sign as 대결
