"""인계인수 of 전자결재: a leaver's pending steps go to the successor; history and
approved documents stay as they are; refusals change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Membership, Role, User
from groupware.approval import services
from groupware.approval.errors import ApprovalForbidden
from groupware.approval.models import (
    Document,
    DocumentEvent,
    Form,
    Notification,
    State,
    Step,
    StepStatus,
)
from groupware.models import StaffProfile
from institution.models import AuditEvent
from tests.groupware.approval.conftest import approve_all, line, make_draft, submitted


def _member(org, email, name, position, *, active=True):
    user = User.objects.create_user(email=email, password="test-pass-1234", name=name)
    Membership.objects.create(user=user, institution=org.inst, role=Role.STAFF, is_active=active)
    StaffProfile.objects.create(user=user, department=org.team, position=org.positions[position])
    return user


@pytest.fixture
def successor(org):
    """A new 본부장 taking over from the director (manager_a)."""
    return _member(org, "successor.a@test.kr", "후임본부장", "본부장")


def _handover(org, successor, **kw):
    kw.setdefault("actor", org.head)
    kw.setdefault("from_user", org.director)
    return services.handover(institution=org.inst, to_user=successor, **kw)


def _step_of(doc, user):
    return doc.current_steps().get(approver=user)


def _snapshot():
    return list(
        Step.objects.order_by("pk").values_list("pk", "approver_id", "status", "approver_name")
    )


def test_pending_steps_move_history_stays(org, successor):
    """Pending, waiting and draft-line steps move; acted steps and approved documents don't."""
    current = submitted(org, title="차례가 온 문서")
    services.document_approve(actor=org.reviewer, institution=org.inst, document=current)
    later = submitted(org, title="아직 차례가 아닌 문서")
    done = approve_all(org, submitted(org, title="결재 완료 문서"))
    draft = make_draft(org, title="임시저장 문서")
    acted_before = _step_of(done, org.director)

    moved = _handover(org, successor, reason="전보")

    assert moved == 3
    step = _step_of(current, successor)
    assert step.status == StepStatus.PENDING
    assert (step.approver_name, step.approver_position) == ("후임본부장", "본부장")
    assert _step_of(later, successor).status == StepStatus.WAITING
    assert _step_of(draft, successor).status == StepStatus.WAITING
    assert not Step.objects.filter(
        document__in=[current, later, draft], approver=org.director
    ).exists()
    # the approved document and the acted box are history
    done.refresh_from_db()
    assert done.state == State.APPROVED
    kept = Step.objects.get(pk=acted_before.pk)
    assert kept.approver_id == org.director.pk and kept.acted_by_id == org.director.pk
    assert not done.events.filter(action="handover").exists()
    # one history row per document touched, by the admin
    for doc in (current, later, draft):
        event = doc.events.get(action="handover")
        assert event.actor_id == org.head.pk
        assert event.opinion == "인계인수: 시설에이 → 후임본부장 (전보)"
        assert event.get_action_display() == "인계인수"
    # only the document now waiting for the successor notifies them
    notices = Notification.objects.filter(user=successor, kind="approval.turn")
    assert [n.url for n in notices] == [f"/staff/approval/{current.pk}/"]
    audit = AuditEvent.objects.get(action="approval.handover")
    assert sorted(audit.data["moved"]) == sorted([current.pk, later.pk, draft.pk])
    assert audit.data["left"] == []
    # authorship is history: the drafter's documents stay theirs
    assert set(
        Document.objects.filter(pk__in=[current.pk, later.pk, draft.pk]).values_list(
            "drafter_id", flat=True
        )
    ) == {org.drafter.pk}


def test_successor_acts_and_the_leaver_no_longer_can(org, successor, on_host):
    doc = submitted(org)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    _handover(org, successor)

    with pytest.raises(ApprovalForbidden):
        services.document_approve(actor=org.director, institution=org.inst, document=doc)
    page = on_host(org.inst, org.director).post(f"/staff/approval/{doc.pk}/approve/", {})
    assert page.status_code == 404  # off the line: the document is no longer theirs to see
    assert _step_of(doc, successor).status == StepStatus.PENDING

    response = on_host(org.inst, successor).post(f"/staff/approval/{doc.pk}/approve/", {})
    assert response.status_code == 302
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert doc.state == State.APPROVED
    assert _step_of(doc, successor).acted_by_id == successor.pk


def test_a_held_document_waits_for_the_successor(org, successor):
    doc = submitted(org)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    services.document_hold(actor=org.director, institution=org.inst, document=doc, note="검토 중")

    assert _handover(org, successor) == 1

    doc.refresh_from_db()
    assert doc.state == State.ON_HOLD
    assert _step_of(doc, successor).status == StepStatus.HELD
    assert Notification.objects.filter(user=successor, kind="approval.turn").count() == 1
    services.document_approve(actor=successor, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert doc.state == State.IN_APPROVAL
    assert _step_of(doc, org.head).status == StepStatus.PENDING


def test_a_drafted_line_can_be_submitted_to_the_successor(org, successor):
    draft = make_draft(org)
    _handover(org, successor)
    services.document_submit(actor=org.drafter, institution=org.inst, document=draft)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=draft)
    assert _step_of(draft, successor).status == StepStatus.PENDING


def test_successor_already_on_the_line_signs_in_their_own_box(org):
    """The leaver's 협조 box closes as 생략 (인계인수) and the line moves on."""
    doc = submitted(org)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    draft = make_draft(org, title="임시저장")

    moved = _handover(org, org.reviewer)

    assert moved == 2
    step = doc.current_steps().get(approver=org.director)
    assert step.status == StepStatus.SKIPPED and step.skip_reason == "인계인수"
    assert _step_of(doc, org.head).status == StepStatus.PENDING
    assert Notification.objects.filter(
        user=org.head, kind="approval.turn", url=f"/staff/approval/{doc.pk}/"
    ).exists()
    assert doc.events.filter(action="handover").count() == 1
    # the editable line simply loses the leaver's box
    assert list(draft.current_steps().values_list("approver_id", flat=True)) == [
        org.reviewer.pk,
        org.head.pk,
    ]
    services.document_approve(actor=org.head, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert doc.state == State.APPROVED


def test_final_approval_follows_the_delegation_table(org):
    """The successor of a final approver gets the 전결 mark the table gives them, or the
    step stays (and is reported) when the table does not allow them."""
    director_level = _member(org, "new.director@test.kr", "새본부장", "본부장")
    clerk = _member(org, "new.clerk@test.kr", "새주임", "주임")
    expense = submitted(
        org,
        title="지출결의",
        form=Form.EXPENSE,
        steps=line(org, ("review", org.reviewer), ("approve", org.head)),
    )
    before = _snapshot()

    assert _handover(org, clerk, from_user=org.head) == 0
    assert _snapshot() == before
    left = AuditEvent.objects.get(action="approval.handover").data["left"]
    assert left == [{"document": expense.pk, "reason": "successor_below_delegation"}]

    assert _handover(org, director_level, from_user=org.head) == 1
    step = _step_of(expense, director_level)
    assert step.delegated is True


def test_steps_stay_when_the_successor_drafted_the_document(org):
    doc = submitted(org)
    before = _snapshot()
    assert _handover(org, org.drafter) == 0
    assert _snapshot() == before
    assert not doc.events.filter(action="handover").exists()


def test_refusals_change_nothing(org, world, successor):
    doc = submitted(org)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    make_draft(org, title="임시저장")
    inactive = _member(org, "gone@test.kr", "퇴직자", "팀장", active=False)
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        _handover(org, successor, actor=org.reviewer)
    with pytest.raises(PermissionDenied):
        _handover(org, successor, actor=world.admin_b)
    for to_user, message in (
        (org.director, "같을 수 없습니다"),
        (world.staff_b, "재직 구성원"),
        (inactive, "재직 구성원"),
        (None, "인수자를 선택"),
    ):
        with pytest.raises(ValidationError) as caught:
            _handover(org, to_user)
        assert message in str(caught.value.message_dict["to_user"])

    assert _snapshot() == before
    assert not DocumentEvent.objects.filter(action="handover").exists()
    assert not Notification.objects.filter(user=successor).exists()
    assert not AuditEvent.objects.filter(action="approval.handover").exists()


def test_through_the_workspace_handover_page(org, world, successor, on_host):
    """End to end: the workspace's page calls this app's real hook inside its transaction."""
    doc = submitted(org)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    done = approve_all(org, submitted(org, title="완료"))

    client = on_host(org.inst, org.head)
    response = client.post(
        "/staff/org/handover/",
        {"from_user": org.director.pk, "to_user": successor.pk, "reason": "퇴직"},
    )

    assert response.status_code == 200 and "옮긴 항목" in response.content.decode()
    assert _step_of(doc, successor).status == StepStatus.PENDING
    assert _step_of(done, org.director).acted_by_id == org.director.pk
    event = AuditEvent.objects.get(action="handover")
    assert event.data["moved"]["approval"] == 1
    assert doc.events.get(action="handover").actor_id == org.head.pk
    assert Notification.objects.filter(user=successor, kind="approval.turn").count() == 1


def test_the_workspace_service_refusal_rolls_everything_back(org, world, successor):
    """A refused workspace handover leaves approval untouched too."""
    from groupware.org import services as workspace

    doc = submitted(org)
    before = _snapshot()
    with pytest.raises(ValidationError):
        workspace.handover(
            actor=org.head, institution=org.inst, from_user=org.director, to_user=world.staff_b
        )
    assert _snapshot() == before
    assert not doc.events.filter(action="handover").exists()


def test_no_turn_notice_while_a_parallel_peer_holds_the_document(org, successor):
    """협조 in parallel: the moved box waits until the holder resumes; no premature notice."""
    peer = _member(org, "peer@test.kr", "협조팀장", "팀장")
    steps = [
        {"user": org.reviewer, "role": "review", "order": 1},
        {"user": org.director, "role": "cooperate", "order": 2},
        {"user": peer, "role": "cooperate", "order": 2},
        {"user": org.head, "role": "approve", "order": 3},
    ]
    doc = submitted(org, steps=steps)
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    services.document_hold(actor=peer, institution=org.inst, document=doc, note="확인 중")

    assert _handover(org, successor) == 1

    assert _step_of(doc, successor).status == StepStatus.PENDING
    assert not Notification.objects.filter(user=successor).exists()
    services.document_resume(actor=peer, institution=org.inst, document=doc)
    services.document_approve(actor=successor, institution=org.inst, document=doc)
    services.document_approve(actor=peer, institution=org.inst, document=doc)
    assert _step_of(doc, org.head).status == StepStatus.PENDING


def _away(user, deputy):
    import datetime

    from django.utils import timezone

    from groupware.models import Absence

    now = timezone.now()
    return Absence.objects.create(
        user=user,
        kind=Absence.Kind.BUSINESS_TRIP,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=2),
        deputy=deputy,
    )


def test_unacknowledged_post_reports_reach_the_successor(org, successor):
    """The leaver's open 사후보고 is reported to the successor; acknowledged ones and the
    leaver's own row stay as they are."""
    from groupware.approval import selectors
    from groupware.approval.models import PostReport

    open_doc = submitted(org, title="대결 문서", steps=line(org, ("approve", org.director)))
    seen_doc = submitted(org, title="확인한 대결 문서", steps=line(org, ("approve", org.director)))
    _away(org.director, org.head)
    services.document_approve(actor=org.head, institution=org.inst, document=open_doc)
    services.document_approve(actor=org.head, institution=org.inst, document=seen_doc)
    seen = PostReport.objects.get(document=seen_doc)
    services.post_report_acknowledge(actor=org.director, report=seen)

    _handover(org, successor)
    _handover(org, successor)  # twice: still one item each

    mine = PostReport.objects.get(document=open_doc, user=successor)
    assert mine.deputy_id == org.head.pk and mine.acknowledged_at is None
    assert not PostReport.objects.filter(document=seen_doc, user=successor).exists()
    kept = PostReport.objects.get(document=open_doc, user=org.director)
    assert kept.acknowledged_at is None
    assert Notification.objects.filter(user=successor, kind="approval.post_report").count() == 1
    assert open_doc.events.filter(action="handover", opinion__contains="사후보고").count() == 1
    audit = AuditEvent.objects.filter(action="approval.handover").order_by("pk").first()
    assert audit.data["post_reports"] == [open_doc.pk]
    # the successor can open it and acknowledge it
    assert selectors.document_for(successor, open_doc.pk) == open_doc
    services.post_report_acknowledge(actor=successor, report=mine)


def test_unread_cc_and_circulation_reach_the_successor(org, successor):
    """Unread 참조·공람 get a row for the successor; the leaver's rows stay as history,
    a read row is left alone, an unread 참조 on a draft is replaced."""
    from groupware.approval.models import Reader

    cc_doc = submitted(org, title="참조 문서", cc=[org.reviewer.pk, org.director.pk])
    done = approve_all(org, submitted(org, title="공람 문서"))
    services.document_circulate(
        actor=org.drafter, institution=org.inst, document=done, users=[org.director]
    )
    read_doc = submitted(org, title="읽은 참조 문서", cc=[org.director])
    services.document_mark_read(user=org.director, document=read_doc)
    draft = make_draft(org, title="참조가 있는 임시저장", cc=[org.director])
    cc_done = submitted(org, title="참조 후 결재 완료", cc=[org.director])
    approve_all(org, cc_done)  # the director signs as 협조 but never opened it as 참조

    _handover(org, successor)

    # approved: its 참조 list is frozen, so the successor reads it by 공람
    assert list(
        Reader.objects.filter(document=cc_done, user=successor).values_list("kind", flat=True)
    ) == ["circulation"]

    assert Reader.objects.filter(document=cc_doc, user=successor, kind="cc").exists()
    assert Reader.objects.filter(document=cc_doc, user=org.director, kind="cc").exists()
    assert Reader.objects.filter(document=done, user=successor, kind="circulation").exists()
    assert Reader.objects.filter(document=done, user=org.director, kind="circulation").exists()
    assert not Reader.objects.filter(document=read_doc, user=successor).exists()
    assert list(draft.readers.values_list("user_id", flat=True)) == [successor.pk]
    kinds = set(Notification.objects.filter(user=successor).values_list("kind", flat=True))
    assert {"approval.cc", "approval.circulated"} <= kinds
    audit = AuditEvent.objects.get(action="approval.handover")
    assert sorted(audit.data["readers"]) == sorted([cc_doc.pk, done.pk, draft.pk, cc_done.pk])


def test_other_peoples_favourite_lines_name_the_successor(org, successor):
    """Favourites naming the leaver name the successor; where the successor is already on
    the line the leaver's entry goes; the leaver's own favourites stay."""
    from groupware.approval.models import FavouriteLine

    plain = services.favourite_line_save(
        actor=org.drafter,
        institution=org.inst,
        name="본부장 결재",
        line=line(org, ("review", org.director), ("approve", org.head)),
        cc=[org.director],
    )
    both = services.favourite_line_save(
        actor=org.drafter,
        institution=org.inst,
        name="인수자도 있음",
        line=[
            {"user": org.director, "role": "review"},
            {"user": successor, "role": "review"},
            {"user": org.head, "role": "approve"},
        ],
    )
    own = services.favourite_line_save(
        actor=org.director,
        institution=org.inst,
        name="본인 결재선",
        line=line(org, ("approve", org.head)),
    )

    _handover(org, successor)

    plain.refresh_from_db()
    assert [e["user"] for e in plain.steps] == [successor.pk, org.head.pk]
    assert plain.cc == [successor.pk]
    both.refresh_from_db()
    assert [e["user"] for e in both.steps] == [successor.pk, org.head.pk]
    assert FavouriteLine.objects.get(pk=own.pk).owner_id == org.director.pk
    # the saved line still passes validation when the drafter uses it
    make_draft(org, steps=plain.steps)


def test_a_handed_over_draft_can_still_be_edited(org, successor):
    """The 인계인수 history row must not pin the draft's line: the drafter rewrites it freely."""
    draft = make_draft(org, title="인계 후 수정할 임시저장")
    _handover(org, successor)
    services.document_update_draft(
        actor=org.drafter,
        institution=org.inst,
        document=draft,
        title="고친 제목",
        line=line(org, ("review", org.reviewer), ("approve", org.head)),
    )
    draft.refresh_from_db()
    assert draft.title == "고친 제목"
    assert [s.approver_id for s in draft.current_steps()] == [org.reviewer.pk, org.head.pk]
    assert draft.events.filter(action="handover").exists()
