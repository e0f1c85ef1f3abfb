"""Bad input and the delegation table: clear Korean errors, nothing stored."""

import pytest
from django.core.exceptions import ValidationError

from groupware.approval import services
from groupware.approval.errors import MESSAGES
from groupware.approval.models import Document, Step
from tests.groupware.approval.conftest import line, make_draft


def _refused(org, code_fragment, **kwargs):
    before = (Document.objects.count(), Step.objects.count())
    with pytest.raises(ValidationError) as caught:
        make_draft(org, **kwargs)
    assert str(code_fragment) in str(caught.value)
    assert (Document.objects.count(), Step.objects.count()) == before


def test_empty_title(org):
    _refused(org, MESSAGES["title_required"], title="  ")


def test_no_final_approver(org):
    _refused(org, MESSAGES["line_no_final"], steps=line(org, ("review", org.reviewer)))
    _refused(org, MESSAGES["line_empty"], steps=[])


def test_final_not_last(org):
    _refused(
        org,
        MESSAGES["line_final_not_last"],
        steps=line(org, ("approve", org.head), ("review", org.reviewer)),
    )


def test_person_from_another_institution(org, world):
    _refused(org, "이 기관의 직원이 아니", steps=line(org, ("approve", world.staff_b)))
    _refused(org, "이 기관의 직원이 아니", steps=line(org, ("approve", world.resident)))


def test_line_breaking_the_delegation_table(org):
    # 지출결의서 needs 본부장 or above; 팀장 is not enough
    _refused(
        org,
        "위임전결 규정",
        form="expense",
        steps=line(org, ("approve", org.reviewer)),
    )


def test_delegated_position_is_marked_and_higher_is_allowed(org):
    doc = make_draft(org, form="expense", steps=line(org, ("approve", org.director)))
    assert doc.current_steps().get().delegated
    doc = make_draft(org, form="expense", steps=line(org, ("approve", org.head)))
    assert not doc.current_steps().get().delegated


def test_parallel_cooperation_only(org):
    steps = [
        {"user": org.reviewer, "role": "review", "order": 1},
        {"user": org.director, "role": "review", "order": 1},
        {"user": org.head, "role": "approve", "order": 2},
    ]
    _refused(org, MESSAGES["line_parallel_not_cooperate"], steps=steps)
    steps[0]["role"] = steps[1]["role"] = "cooperate"
    doc = make_draft(org, steps=steps)
    assert [s.order for s in doc.current_steps()] == [1, 1, 2]


def test_drafter_and_duplicates_refused(org):
    _refused(org, MESSAGES["line_drafter"], steps=line(org, ("approve", org.drafter)))
    _refused(
        org,
        MESSAGES["line_duplicate"],
        steps=line(org, ("review", org.head), ("approve", org.head)),
    )


def test_submit_rechecks_the_table(org):
    from groupware.approval.models import DelegationRule

    doc = make_draft(org, form="general", steps=line(org, ("approve", org.reviewer)))
    DelegationRule.objects.create(form="general", position=org.positions["이사장"])
    with pytest.raises(ValidationError):
        services.document_submit(actor=org.drafter, institution=org.inst, document=doc)
    doc.refresh_from_db()
    assert doc.state == "draft" and doc.version == 0


def test_only_admins_set_the_table(org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.delegation_rule_set(
            actor=org.drafter, institution=org.inst, form="general", position=org.positions["팀장"]
        )
    rule = services.delegation_rule_set(
        actor=org.head, institution=org.inst, form="general", position=org.positions["팀장"]
    )
    assert rule.position.name == "팀장"
