"""Approval lines: validation against membership and the delegation table, favourites, the table itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts import access
from accounts.models import User
from groupware.approval.errors import invalid
from groupware.approval.models import DelegationRule, FavouriteLine, Form, StepRole
from groupware.models import Position
from groupware.public import profile_of
from institution.audit import audit_record

MAX_STEPS = 12


@dataclass
class PlannedStep:
    user: User
    role: str
    order: int
    position: str = ""
    department: str = ""
    delegated: bool = False


def _user_of(value, users_by_id):
    if isinstance(value, User):
        return value
    try:
        return users_by_id.get(int(value))
    except (TypeError, ValueError):
        return None


def validate_line(*, institution, drafter, form: str, line) -> list[PlannedStep]:
    """Check an approval line and return it in order; raise ValidationError (Korean) if broken.

    ``line`` is a list of {"user": User or id, "role": 검토/협조/결재 value, "order": optional}.
    Steps sharing an order run in parallel and must all be 협조. Exactly one 결재,
    alone at the end. Everyone a member here. The final approver's position meets
    the delegation table for the form; at exactly the delegated position below the
    top it is 전결.
    """
    planned = _renumbered(_parsed(line))
    _check_people(planned, institution=institution, drafter=drafter)
    _check_shape(planned)
    profiles = _place_in_org_chart(planned)
    _apply_delegation(planned[-1], profiles, form=form)
    return planned


def _parsed(line) -> list[PlannedStep]:
    """The entries as steps, in the order given; unknown people or roles refused."""
    line = list(line or [])
    if not line:
        raise invalid("line_empty", "line")
    if len(line) > MAX_STEPS:
        raise invalid("line_too_long", "line")
    if not all(isinstance(entry, dict) for entry in line):
        raise invalid("line_role_invalid", "line")
    ids = [e["user"].pk if isinstance(e.get("user"), User) else e.get("user") for e in line]
    users_by_id = {
        u.pk: u for u in User.objects.filter(pk__in=[i for i in ids if str(i).isdigit()])
    }
    planned = []
    for index, entry in enumerate(line, start=1):
        if entry.get("role") not in StepRole.values:
            raise invalid("line_role_invalid", "line")
        user = _user_of(entry.get("user"), users_by_id)
        if user is None:
            raise invalid("line_unknown_person", "line")
        planned.append(PlannedStep(user=user, role=entry["role"], order=_order(entry, index)))
    return planned


def _order(entry: dict, index: int) -> int:
    try:
        return int(entry.get("order") or index)
    except (TypeError, ValueError):
        return index


def _renumbered(planned: list[PlannedStep]) -> list[PlannedStep]:
    """Sorted by order and renumbered 1..n, parallel groups kept together."""
    planned.sort(key=lambda p: p.order)
    stage, last = 0, None
    for p in planned:
        if p.order != last:
            stage += 1
            last = p.order
        p.order = stage
    return planned


def _check_people(planned: list[PlannedStep], *, institution, drafter) -> None:
    """Active members here, not the drafter, each once."""
    seen = set()
    for p in planned:
        if not p.user.is_active or not access.is_member(p.user, institution):
            raise invalid("line_outsider", "line", name=p.user.name or p.user.email)
        if p.user.pk == drafter.pk:
            raise invalid("line_drafter", "line")
        if p.user.pk in seen:
            raise invalid("line_duplicate", "line")
        seen.add(p.user.pk)


def _check_shape(planned: list[PlannedStep]) -> None:
    """One 결재, alone in the last stage; parallel stages are 협조 only."""
    finals = [p for p in planned if p.role == StepRole.APPROVE]
    if not finals:
        raise invalid("line_no_final", "line")
    last = planned[-1]
    if len(finals) > 1 or last.role != StepRole.APPROVE:
        raise invalid("line_final_not_last", "line")
    if sum(1 for p in planned if p.order == last.order) > 1:
        raise invalid("line_final_not_last", "line")
    for order in {p.order for p in planned}:
        group = [p for p in planned if p.order == order]
        if len(group) > 1 and any(p.role != StepRole.COOPERATE for p in group):
            raise invalid("line_parallel_not_cooperate", "line")


def _place_in_org_chart(planned: list[PlannedStep]) -> dict:
    """Each signer's 직위 and 부서 as the box will show them; {user id: profile or None}."""
    profiles = {}
    for p in planned:
        profile = profiles[p.user.pk] = profile_of(p.user)
        if profile is not None:
            p.position = profile.position.name if profile.position else ""
            p.department = profile.department.name if profile.department else ""
    return profiles


def _apply_delegation(final: PlannedStep, profiles: dict, *, form: str) -> None:
    """위임전결 규정: the final approver's position is high enough; at the delegated
    position (below the top) the box shows 전결."""
    rule = DelegationRule.objects.select_related("position").filter(form=form).first()
    if rule is None:
        return
    profile = profiles[final.user.pk]
    position = profile.position if profile is not None else None
    if position is None:
        raise invalid("delegation_no_position", "line", name=final.user.name)
    if position.level > rule.position.level:
        raise invalid(
            "delegation_breach",
            "line",
            form=Form(form).label,
            position=rule.position.name,
            name=final.user.name,
            actual=position.name,
        )
    top = Position.objects.order_by("level").values_list("level", flat=True).first()
    final.delegated = position.level == rule.position.level and rule.position.level != top


def line_of_steps(steps) -> list[dict]:
    """The line as validate_line input, from existing steps."""
    return [{"user": s.approver_id, "role": s.role, "order": s.order} for s in steps]


# --- favourites -------------------------------------------------------------


@transaction.atomic
def favourite_line_save(*, actor, institution, name: str, line, cc=()) -> FavouriteLine:
    """Save (or replace) the actor's favourite line under ``name``."""
    name = (name or "").strip()[:60]
    if not name:
        raise invalid("favourite_name_required", "name")
    planned = validate_line(institution=institution, drafter=actor, form=Form.GENERAL, line=line)
    steps = [{"user": p.user.pk, "role": p.role, "order": p.order} for p in planned]
    cc_ids = [u.pk if isinstance(u, User) else int(u) for u in cc]
    favourite, _created = FavouriteLine.objects.update_or_create(
        owner=actor, name=name, defaults={"steps": steps, "cc": cc_ids}
    )
    return favourite


def favourite_line_delete(*, actor, favourite: FavouriteLine) -> None:
    if favourite.owner_id != actor.pk:
        raise PermissionDenied
    favourite.delete()


# --- the delegation table (위임전결 규정) -------------------------------------------


@transaction.atomic
def delegation_rule_set(*, actor, institution, form: str, position) -> DelegationRule:
    """Set which position gives final approval for ``form``. Institution admins only."""
    from groupware.approval.permissions import can_manage_delegation

    if not can_manage_delegation(actor, institution):
        raise PermissionDenied
    if form not in Form.values:
        raise invalid("form_invalid", "form")
    if position is None:
        raise invalid("delegation_position_required", "position")
    try:
        rule, _ = DelegationRule.objects.update_or_create(
            form=form, defaults={"position": position}
        )
    except IntegrityError:  # pragma: no cover - concurrent edit of the same form
        raise invalid("delegation_position_required", "position") from None
    audit_record(
        actor=actor,
        action="approval.delegation_set",
        summary=f"위임전결 규정: {Form(form).label} → {position.name}",
        target=rule,
    )
    return rule


@transaction.atomic
def delegation_rule_delete(*, actor, institution, form: str) -> None:
    from groupware.approval.permissions import can_manage_delegation

    if not can_manage_delegation(actor, institution):
        raise PermissionDenied
    deleted, _ = DelegationRule.objects.filter(form=form).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="approval.delegation_delete",
            summary=f"위임전결 규정 삭제: {Form(form).label}",
        )
