"""인계인수 of 전자결재: a leaver's pending approval steps go to their successor.

Takes part in the org chart's handover (``accounts.handover.handover_participants``),
inside its transaction, or runs on its own. What moves: the leaver's steps not yet acted on in
the current round of documents in approval or on hold (waiting, pending, held),
and their steps on editable lines (임시저장·반려·회수). What never moves: acted
steps, earlier rounds, approved documents (frozen, triggers forbid it anyway),
history rows, and authorship — the leaver's own drafts stay theirs, as the
workspace contract says (authorship is history).

Besides the line: the leaver's unacknowledged 사후보고 are reported to the
successor too, their unread 참조·공람 reach the successor (the leaver's rows stay
as history, except an unread 참조 on a line still being edited, which is
replaced), and other people's favourite lines name the successor instead.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.handover import Handover, handover_check
from groupware.approval.models import (
    Action,
    DelegationRule,
    DocumentEvent,
    FavouriteLine,
    PostReport,
    Reader,
    State,
    Step,
    StepRole,
    StepStatus,
)
from groupware.approval.services.acting import advance
from groupware.approval.services.common import deputies_of, lock_document, person_of
from groupware.approval.services.notices import notify
from groupware.approval.workflow import step_move
from groupware.models import Position
from groupware.public import profile_of
from institution.audit import audit_record

OPEN = (State.IN_APPROVAL, State.ON_HOLD)
EDITABLE = (State.DRAFT, State.RETURNED, State.RECALLED)
NOT_ACTED = (StepStatus.WAITING, StepStatus.PENDING, StepStatus.HELD)

# why a step stayed with the leaver (kept in the audit row for the admin)
LEFT_DRAFTER = "successor_is_drafter"  # nobody signs their own draft
LEFT_FINAL_TAKEN = "successor_already_on_line"  # their own box is earlier; the final cannot merge
LEFT_DELEGATION = "successor_below_delegation"  # 위임전결 규정 forbids them the final approval


def _label(user) -> str:
    return user.name or user.email


def _delegated_for(document, user) -> bool | None:
    """The 전결 mark ``user`` would carry as final approver; None if the table forbids them."""
    rule = DelegationRule.objects.select_related("position").filter(form=document.form).first()
    if rule is None:
        return False
    profile = profile_of(user)
    position = profile.position if profile is not None else None
    if position is None or position.level > rule.position.level:
        return None
    top = Position.objects.order_by("level").values_list("level", flat=True).first()
    return position.level == rule.position.level and rule.position.level != top


def _is_turn(document, step) -> bool:
    """Whether the step may act now (a held document waits for its held box only)."""
    if document.state == State.ON_HOLD:
        return step.status == StepStatus.HELD
    return document.state == State.IN_APPROVAL and step.status == StepStatus.PENDING


def _event(document, *, actor, step, opinion: str, from_state: str) -> DocumentEvent:
    return DocumentEvent.objects.create(
        document=document,
        action=Action.HANDOVER,
        actor=actor,
        actor_name=_label(actor),
        role="",
        step=step,
        round=document.round,
        version=document.version,
        opinion=opinion,
        from_state=from_state,
        to_state=document.state,
    )


@transaction.atomic
def handover(*, actor, institution, from_user, to_user, reason: str = "") -> int:
    """Give ``from_user``'s pending approval steps to ``to_user``; returns how many steps moved.

    Institution admins only (PermissionDenied); the successor must be another,
    active member here (Korean ValidationError, nothing changed). Each document
    touched gets a 인계인수 history row by ``actor``; the successor is notified
    where the document now waits for them. Where the successor already sits on
    the same line, the leaver's 검토·협조 box is closed as 생략 (인계인수) and the
    successor signs in their own box; a step that cannot move (the successor
    drafted the document, or would become a final approver the line or the
    delegation table does not allow) stays and is listed in the audit row.
    """
    handover_check(actor=actor, institution=institution, from_user=from_user, to_user=to_user)
    text = f"인계인수: {_label(from_user)} → {_label(to_user)}"
    if (reason or "").strip():
        text = f"{text} ({reason.strip()})"
    text = text[:1000]

    candidate_ids = sorted(
        set(
            Step.objects.filter(approver=from_user, status__in=NOT_ACTED)
            .filter(document__state__in=OPEN + EDITABLE)
            .values_list("document_id", flat=True)
        )
    )
    moved, merged, left = [], [], []
    for document_id in candidate_ids:  # lock order: documents by id, as everywhere
        outcome = _hand_over_line(
            lock_document(document_id),
            actor=actor,
            institution=institution,
            from_user=from_user,
            to_user=to_user,
            text=text,
        )
        if outcome == MOVED:
            moved.append(document_id)
        elif outcome == MERGED:
            merged.append(document_id)
        elif outcome is not None:
            left.append({"document": document_id, "reason": outcome})

    reports = _hand_over_post_reports(
        actor=actor, institution=institution, from_user=from_user, to_user=to_user, text=text
    )
    readers = _hand_over_readers(
        actor=actor, institution=institution, from_user=from_user, to_user=to_user, text=text
    )
    favourites = _hand_over_favourites(from_user=from_user, to_user=to_user)

    count = len(moved) + len(merged)
    if count or left or reports or readers or favourites:
        audit_record(
            actor=actor,
            action="approval.handover",
            summary=text[:200],
            reason=reason or "",
            data={
                "from_user": from_user.pk,
                "to_user": to_user.pk,
                "moved": moved,
                "merged": merged,
                "left": left,
                "post_reports": reports,
                "readers": readers,
                "favourite_lines": favourites,
            },
        )
    return count


MOVED, MERGED = "moved", "merged"


def _hand_over_line(document, *, actor, institution, from_user, to_user, text) -> str | None:
    """The leaver's open box on one locked document: MOVED to the successor, MERGED into the
    successor's own box, a LEFT_* reason when it must stay, None when there is none."""
    if document.state not in OPEN + EDITABLE:
        return None
    steps = list(document.current_steps())
    step = next((s for s in steps if s.approver_id == from_user.pk and s.status in NOT_ACTED), None)
    open_doc = document.state in OPEN
    if step is None or (not open_doc and step.status != StepStatus.WAITING):
        return None  # an editable line has only waiting boxes; anything else is not ours
    from_state = document.state
    if document.drafter_id == to_user.pk:
        return LEFT_DRAFTER
    if any(s.approver_id == to_user.pk for s in steps):
        if step.role == StepRole.APPROVE:
            return LEFT_FINAL_TAKEN
        _merge_into_successor(document, step, actor, institution, text, from_state)
        return MERGED
    fields = ["approver", "approver_name", "approver_position", "approver_department"]
    if step.role == StepRole.APPROVE:
        delegated = _delegated_for(document, to_user)
        if delegated is None:
            return LEFT_DELEGATION
        step.delegated = delegated
        fields.append("delegated")
    step.approver = to_user
    step.approver_name, step.approver_position, step.approver_department = person_of(to_user)
    step.save(update_fields=fields)
    # a line still being edited is rewritten by its drafter: the row must not pin the box
    _event(
        document, actor=actor, step=step if open_doc else None, opinion=text, from_state=from_state
    )
    if _is_turn(document, step):
        notify(
            users=[to_user, *deputies_of([step])],
            kind="turn",
            document=document,
            institution=institution,
        )
    return MOVED


def _merge_into_successor(document, step, actor, institution, text, from_state) -> None:
    """The successor already has a box on the line: the leaver's box closes."""
    if document.state in OPEN:
        # as for an absent reviewer: 생략 (인계인수), and the line moves on if it was its turn
        was_current = _is_turn(document, step)
        step_move(step, StepStatus.SKIPPED)
        step.skip_reason = "인계인수"
        step.acted_at = timezone.now()
        step.save(update_fields=["status", "skip_reason", "acted_at"])
        if was_current:
            advance(document, actor, institution, from_state)  # notifies the next stage
        _event(document, actor=actor, step=step, opinion=text, from_state=from_state)
    else:
        # an editable line not yet sent: the leaver's box simply leaves it
        step.delete()
        _event(document, actor=actor, step=None, opinion=text, from_state=from_state)


def _hand_over_post_reports(*, actor, institution, from_user, to_user, text) -> list[int]:
    """The leaver's unacknowledged 사후보고 go to the successor, who now answers for the post.

    The leaver's item stays as it is (rows are stamped once, never rewritten); the
    successor gets their own item for the same 대결 box. A 대결 the successor
    signed themselves is not reported back to them. Returns the documents.
    """
    out = []
    rows = (
        PostReport.objects.filter(user=from_user, acknowledged_at__isnull=True)
        .filter(PostReport.STANDS)
        .exclude(deputy=to_user)
        .order_by("document_id", "pk")
    )
    for report in rows:
        if PostReport.objects.filter(step_id=report.step_id, user=to_user).exists():
            continue
        document = report.document
        try:
            with transaction.atomic():  # savepoint: a refusal leaves the rest of the handover
                PostReport.objects.create(
                    document=document,
                    step_id=report.step_id,
                    user=to_user,
                    deputy_id=report.deputy_id,
                )
        except IntegrityError:
            # databases built from an early 0001 still carry UNIQUE(step_id) on
            # 사후보고; there the item simply stays with the leaver
            continue
        _event(
            document,
            actor=actor,
            step=None,
            opinion=f"{text} · 사후보고"[:1000],
            from_state=document.state,
        )
        notify(users=[to_user], kind="post_report", document=document, institution=institution)
        out.append(document.pk)
    return out


def _hand_over_readers(*, actor, institution, from_user, to_user, text) -> list[int]:
    """Unread 참조·공람 of the leaver reach the successor too.

    On a submitted document the leaver's row stays (who was meant to read it is
    history) and the successor is added as a reader of the same kind (공람 on an
    approved document, whose 참조 list is frozen with it); on a line
    still being edited (임시저장·반려·회수) the leaver's 참조 is replaced. Nobody is
    made a reader of their own draft. Returns the documents touched.
    """
    out = []
    rows = (
        Reader.objects.filter(user=from_user, read_at__isnull=True)
        .select_related("document")
        .order_by("document_id", "pk")
    )
    for row in rows:
        document = row.document
        if document.drafter_id == from_user.pk:
            continue  # the leaver's own drafts keep their own lists
        editable = document.state in EDITABLE
        if editable:
            document = lock_document(document.pk)  # its drafter may be rewriting the 참조 list
        added = False
        # an approved document's 참조 list is frozen with it: the successor reads it by 공람
        kind = Reader.Kind.CIRCULATION if document.state == State.APPROVED else row.kind
        if (
            document.drafter_id != to_user.pk
            and not Reader.objects.filter(document=document, user=to_user, kind=kind).exists()
        ):
            Reader.objects.create(
                document=document,
                user=to_user,
                user_name=_label(to_user),
                kind=kind,
                added_by=actor,
            )
            added = True
        if editable:
            row.delete()  # the trigger allows it: an unread 참조 on a line still being edited
        elif not added:
            continue
        _event(
            document,
            actor=actor,
            step=None,
            opinion=f"{text} · {row.get_kind_display()}"[:1000],
            from_state=document.state,
        )
        if added and document.state != State.DRAFT:
            notify(
                users=[to_user],
                kind="circulated" if kind == Reader.Kind.CIRCULATION else "cc",
                document=document,
                institution=institution,
            )
        out.append(document.pk)
    return out


def _hand_over_favourites(*, from_user, to_user) -> list[int]:
    """Other people's saved lines name the successor where they named the leaver.

    Where the successor is already on that line (or owns it) the leaver's entry is
    dropped instead; the leaver's own favourites stay theirs. Returns the lines changed.
    """
    out = []
    lines = FavouriteLine.objects.exclude(owner=from_user).filter(
        Q(steps__contains=[{"user": from_user.pk}]) | Q(cc__contains=[from_user.pk])
    )
    for favourite in lines.select_for_update().order_by("pk"):
        present = {e.get("user") for e in favourite.steps if isinstance(e, dict)}
        steps = []
        for entry in favourite.steps:
            if isinstance(entry, dict) and entry.get("user") == from_user.pk:
                if to_user.pk in present or to_user.pk == favourite.owner_id:
                    continue
                entry = {**entry, "user": to_user.pk}
            steps.append(entry)
        cc = []
        for pk in favourite.cc:
            pk = to_user.pk if pk == from_user.pk else pk
            if pk not in cc and pk != favourite.owner_id:
                cc.append(pk)
        favourite.steps, favourite.cc = steps, cc
        favourite.save(update_fields=["steps", "cc"])
        out.append(favourite.pk)
    return out


def handover_participant(request: Handover) -> int:
    """accounts.handover participant: the checked request, inside the caller's transaction."""
    return handover(
        actor=request.actor,
        institution=request.institution,
        from_user=request.from_user,
        to_user=request.to_user,
        reason=request.reason,
    )
