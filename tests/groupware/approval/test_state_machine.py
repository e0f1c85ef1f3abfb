"""The transition map: allowed moves happen, illegal moves raise and change nothing."""

import pytest

from groupware.approval import services
from groupware.approval.errors import ApprovalConflict
from groupware.approval.models import Action, Document, DocumentEvent, State, StepStatus
from groupware.approval.workflow import TRANSITIONS, can_start, transition
from tests.groupware.approval.conftest import approve_all, make_draft, submitted


def test_map_covers_every_state_as_a_source_or_target():
    states = set()
    for sources, targets in TRANSITIONS.values():
        states |= sources | targets
    assert states == set(State.values)


def test_approved_is_terminal():
    assert not any(
        State.APPROVED in sources
        for a, (sources, _) in TRANSITIONS.items()
        if a not in (Action.CIRCULATE, Action.REDRAFT)
    )


def test_transition_raises_on_illegal_move():
    doc = Document(state=State.DRAFT)
    with pytest.raises(ApprovalConflict):
        transition(doc, Action.APPROVE, State.APPROVED)
    assert doc.state == State.DRAFT
    assert can_start(State.DRAFT, Action.SUBMIT)
    assert not can_start(State.APPROVED, Action.RETURN)


def test_full_path_draft_to_approved_writes_history(org):
    doc = approve_all(org, submitted(org))
    doc.refresh_from_db()
    assert doc.state == State.APPROVED
    assert doc.number == "문화예술팀-1"
    actions = list(doc.events.values_list("action", "actor_id", "role", "version"))
    assert [a for a, *_ in actions] == ["create", "submit", "approve", "approve", "final_approve"]
    assert actions[-1][1:] == (org.head.pk, "approve", 1)


def test_submit_twice_is_a_conflict_and_changes_nothing(org):
    doc = submitted(org)
    before = DocumentEvent.objects.filter(document=doc).count()
    with pytest.raises(ApprovalConflict):
        services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    assert DocumentEvent.objects.filter(document=doc).count() == before


def test_hold_and_resume(org):
    doc = submitted(org)
    services.document_hold(
        actor=org.reviewer, institution=org.inst, document=doc, note="예산 확인 중"
    )
    doc.refresh_from_db()
    assert doc.state == State.ON_HOLD
    assert doc.current_steps()[0].status == StepStatus.HELD
    services.document_resume(actor=org.reviewer, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert doc.state == State.IN_APPROVAL
    assert doc.current_steps()[0].status == StepStatus.PENDING


def test_approve_from_hold_moves_on(org):
    doc = submitted(org)
    services.document_hold(actor=org.reviewer, institution=org.inst, document=doc, note="확인")
    services.document_approve(actor=org.reviewer, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert doc.state == State.IN_APPROVAL
    assert [s.status for s in doc.current_steps()] == ["approved", "pending", "waiting"]


def test_draft_cannot_be_recalled_or_held(org):
    doc = make_draft(org)
    with pytest.raises(ApprovalConflict):
        services.document_recall(actor=org.drafter, institution=org.inst, document=doc)
    with pytest.raises(ApprovalConflict):
        services.document_hold(actor=org.reviewer, institution=org.inst, document=doc, note="x")
