"""Who may do what in 전자결재: named capabilities, one place.

Views, DRF permissions and services call these. Reading a document is decided
by ``can_view_document`` (selectors answer the same 404 for "missing" and
"not yours"); acting on a step by ``actable_step``.
"""

from __future__ import annotations

from django.utils import timezone

from accounts import access
from groupware.approval.models import Document, State, Step, StepRole, StepStatus
from groupware.models import Absence
from suite.request_cache import memo

ACTED = (StepStatus.APPROVED, StepStatus.SKIPPED, StepStatus.RETURNED)


def can_use_approval(user, institution) -> bool:
    """Any active member of the institution drafts and approves."""
    return access.can_use_workspace(user, institution)


def can_manage_delegation(user, institution) -> bool:
    """The delegation table (위임전결 규정) is kept by institution admins."""
    return access.is_institution_admin(user, institution)


def deputised_user_ids(user, when=None) -> list[int]:
    """People for whom ``user`` is the acting deputy right now (대결)."""
    if not getattr(user, "is_authenticated", False):
        return []

    def read(at):
        return list(
            Absence.objects.filter(deputy=user, starts_at__lte=at, ends_at__gt=at).values_list(
                "user_id", flat=True
            )
        )

    if when is not None:
        return read(when)
    # "now": once per read-only request (the navigation, the page and its permissions ask)
    return memo(("deputised", user.pk), lambda: read(timezone.now()))


def current_stage(document: Document, steps=None) -> list[Step]:
    """The steps of the current round whose turn it is (several for a parallel 협조 group)."""
    steps = list(steps if steps is not None else document.current_steps())
    open_steps = [s for s in steps if s.status in (StepStatus.PENDING, StepStatus.HELD)]
    if not open_steps:
        return []
    order = min(s.order for s in open_steps)
    return [s for s in steps if s.order == order]


def actable_step(user, document: Document, institution, steps=None) -> tuple[Step | None, bool]:
    """The step ``user`` may act on now, and whether as deputy (대결). (None, False) if none.

    The approver acts on their own step; while they are away with a designated
    deputy who is a member here, that deputy acts too.
    """
    if document.state not in (State.IN_APPROVAL, State.ON_HOLD):
        return None, False
    wanted = StepStatus.HELD if document.state == State.ON_HOLD else StepStatus.PENDING
    stage = [s for s in current_stage(document, steps) if s.status == wanted]
    for step in stage:
        if step.approver_id == user.pk:
            return step, False
    if user.pk == document.drafter_id:
        return None, False  # nobody signs their own draft, not even as a deputy
    deputised = set(deputised_user_ids(user))
    if deputised and access.is_member(user, institution):
        for step in stage:
            if step.approver_id in deputised:
                return step, True
    return None, False


def is_drafter(user, document: Document) -> bool:
    return document.drafter_id == user.pk


def can_view_document(user, document: Document) -> bool:
    """Drafter; anyone on the line, who acted, was cc'd, circulated or post-reported; the
    department box (box_opens) for approved documents. Nobody once disposed of."""
    if document.disposed_at is not None:
        return False
    if is_drafter(user, document):
        return True
    if document.state == State.APPROVED and box_opens(
        user, document.department_id, document.disclosure
    ):
        return True
    if document.state == State.DRAFT:
        return False
    if (
        document.steps.filter(approver=user).exists()
        or document.steps.filter(acted_by=user).exists()
    ):
        return True
    if (
        document.readers.filter(user=user).exists()
        or document.post_reports.filter(user=user).exists()
    ):
        return True
    deputised = deputised_user_ids(user)
    return (
        bool(deputised)
        and document.steps.filter(
            round=document.round,
            approver_id__in=deputised,
            status__in=(StepStatus.PENDING, StepStatus.HELD),
        ).exists()
    )


def can_edit(user, document: Document) -> bool:
    return is_drafter(user, document) and document.is_editable


def can_submit(user, document: Document) -> bool:
    return can_edit(user, document)


def can_recall(user, document: Document, steps=None) -> bool:
    """Drafter, while no one in the current stage has acted yet."""
    if not is_drafter(user, document) or document.state != State.IN_APPROVAL:
        return False
    return not any(s.status in ACTED for s in current_stage(document, steps))


def cancellable_step(user, document: Document, steps=None) -> Step | None:
    """The step ``user`` approved that they may still take back (결재취소)."""
    if document.state != State.IN_APPROVAL:
        return None
    steps = list(steps if steps is not None else document.current_steps())
    mine = [s for s in steps if s.status == StepStatus.APPROVED and s.acted_by_id == user.pk]
    if not mine:
        return None
    step = mine[-1]
    later = [s for s in steps if s.order > step.order]
    if any(s.status in ACTED or s.status == StepStatus.HELD for s in later):
        return None
    return step


def can_circulate(user, document: Document, steps=None) -> bool:
    """After approval, the drafter or anyone who signed circulates it (공람). ``steps``:
    the document's steps when the caller already read them (no query then)."""
    if document.state != State.APPROVED:
        return False
    if is_drafter(user, document):
        return True
    if steps is not None:
        return any(s.round == document.round and s.acted_by_id == user.pk for s in steps)
    return document.steps.filter(round=document.round, acted_by=user).exists()


def can_redraft(user, document: Document) -> bool:
    """재기안: the drafter copies an approved, returned or recalled document into a new draft."""
    return is_drafter(user, document) and document.state in (
        State.APPROVED,
        State.RETURNED,
        State.RECALLED,
    )


def skippable_steps(user, document: Document, steps=None) -> list[tuple[Step, Absence]]:
    """Pending 검토·협조 steps of absent people that the drafter may skip, with the absence."""
    if not is_drafter(user, document) or document.state != State.IN_APPROVAL:
        return []
    from groupware.public import absence_at

    out = []
    for step in current_stage(document, steps):
        if step.status == StepStatus.PENDING and step.role != StepRole.APPROVE:
            absence = absence_at(step.approver_id)
            if absence is not None:
                out.append((step, absence))
    return out


# --- forms, line templates, settings --------------------------------------------------


def can_manage_forms(user, institution) -> bool:
    """양식 (document forms and their fields) are kept by institution admins."""
    return access.is_institution_admin(user, institution)


def can_manage_settings(user, institution) -> bool:
    """전자결재 설정 (hourly leave unit, working hours) — institution admins."""
    return access.is_institution_admin(user, institution)


def department_of(user) -> int | None:
    """The person's department id in the org chart (None outside every department)."""
    from groupware.public import profile_of

    profile = profile_of(user)
    return profile.department_id if profile is not None and profile.is_active else None


def is_head_of(user, department_id: int | None) -> bool:
    from groupware.public import profile_of

    profile = profile_of(user)
    return (
        department_id is not None
        and profile is not None
        and profile.is_active
        and profile.is_department_head
        and profile.department_id == department_id
    )


def can_manage_line_templates(user, institution, department) -> bool:
    """A department's shared lines: its head, or an institution admin."""
    if access.is_institution_admin(user, institution):
        return True
    return is_head_of(user, getattr(department, "pk", department))


def can_use_line_template(user, template) -> bool:
    return department_of(user) == template.department_id


# --- registers, the department box, retention -----------------------------------------


def is_document_office(user, institution) -> bool:
    """문서과: a member of a department marked 문서과 (or, while none is marked, an
    institution admin) receives other institutions' documents and keeps the registers."""
    from groupware.models import Department

    if not access.is_member(user, institution):
        return False
    offices = memo(
        "document_offices",
        lambda: list(
            Department.objects.filter(is_document_office=True, is_active=True).values_list(
                "pk", flat=True
            )
        ),
    )
    if not offices:
        return access.is_institution_admin(user, institution)
    return department_of(user) in offices


def register_scope(user, institution) -> set[int | None] | None:
    """Departments whose register the user may read: None for all (문서과, admins), else
    their own department (a member outside every department reads none)."""
    if access.is_institution_admin(user, institution) or is_document_office(user, institution):
        return None
    department = department_of(user)
    return {department} if department is not None else set()


def can_read_register(user, institution, department_id: int | None) -> bool:
    scope = register_scope(user, institution)
    return scope is None or department_id in scope


def can_decide_disposal(user, institution, department_id: int | None) -> bool:
    """폐기·연장: the department's head, or an institution admin."""
    return access.is_institution_admin(user, institution) or is_head_of(user, department_id)


def box_opens(user, department_id: int | None, disclosure: str) -> bool:
    """The department box: members open 공개·부분공개 documents of their department; the
    head opens every one (비공개 too). Others open only what they took part in."""
    if department_id is None or department_of(user) != department_id:
        return False
    return disclosure != "closed" or is_head_of(user, department_id)
