"""Approval lines: validation against membership and the delegation table, favourites, the table itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts import access
from accounts.models import User
from groupware.approval.errors import invalid
from groupware.approval.models import DelegationRule, FavouriteLine, Form, LineTemplate, StepRole
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


def validate_line(
    *, institution, drafter, form: str, line, amount: int | None = None
) -> list[PlannedStep]:
    """Check an approval line and return it in order; raise ValidationError (Korean) if broken.

    ``line`` is a list of {"user": User or id, "role": 검토/협조/결재 value, "order": optional}.
    Steps sharing an order run in parallel and must all be 협조. Exactly one 결재,
    alone at the end. Everyone a member here. The final approver's position meets
    the delegation table for the form and ``amount``; at exactly the delegated position
    below the top it is 전결.
    """
    planned = _renumbered(_parsed(line))
    _check_people(planned, institution=institution, drafter=drafter)
    _check_shape(planned)
    profiles = _place_in_org_chart(planned)
    _apply_delegation(planned[-1], profiles, form=form, amount=amount)
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


def top_level() -> int | None:
    return Position.objects.order_by("level").values_list("level", flat=True).first()


def required_authority(
    form: str, amount: int | None
) -> tuple[Position | None, DelegationRule | None]:
    """위임전결 규정 for ``form`` and ``amount``: (the lowest position that may give final
    approval, the rule that says so). (None, None) when the form has no rule; above every
    limit, the top position and no rule (the head of the institution approves)."""
    rules = list(
        DelegationRule.objects.select_related("position")
        .filter(form=form)
        .order_by(F("max_amount").asc(nulls_last=True))
    )
    if not rules:
        return None, None
    for rule in rules:
        if rule.max_amount is None or amount is None or amount <= rule.max_amount:
            return rule.position, rule
    top = Position.objects.order_by("level").first()
    return top, None


def _apply_delegation(final: PlannedStep, profiles: dict, *, form: str, amount: int | None) -> None:
    """위임전결 규정: the final approver's position is high enough for the form (and its
    amount); at the delegated position (below the top) the box shows 전결."""
    required, rule = required_authority(form, amount)
    if required is None:
        return
    profile = profiles[final.user.pk]
    position = profile.position if profile is not None else None
    if position is None:
        raise invalid("delegation_no_position", "line", name=final.user.name)
    if position.level > required.level:
        if amount is not None and rule is None:
            code = "delegation_above_limits"
        elif amount is not None and rule is not None and rule.max_amount is not None:
            code = "delegation_amount_breach"
        else:
            code = "delegation_breach"
        raise invalid(
            code,
            "line",
            form=_form_name(form),
            position=required.name,
            name=final.user.name,
            actual=position.name,
            amount=f"{amount:,}" if amount is not None else "",
            limit=f"{rule.max_amount:,}" if rule is not None and rule.max_amount else "",
        )
    final.delegated = (
        rule is not None and position.level == required.level and (required.level != top_level())
    )


def _form_name(code: str) -> str:
    from groupware.approval.models import FormTemplate, form_label

    name = FormTemplate.objects.filter(code=code).values_list("name", flat=True).first()
    return name or form_label(code)


# --- a line proposed from the org chart -----------------------------------------------


def propose_line(*, institution, drafter, form: str, amount: int | None = None) -> list[dict]:
    """결재선 제안: up the drafter's department chain, each head a 검토 until one whose
    position meets the delegation rule for ``form`` and ``amount`` — they give the final
    approval (전결 at the delegated position). Without a rule the line goes up to the head
    of the institution. [] when the org chart has nobody to propose."""
    from groupware.models import StaffProfile
    from groupware.public import chain_up, profile_of

    required, _rule = required_authority(form, amount)
    needed = required.level if required is not None else top_level()
    # heads and the top holder below all have a position (filtered in the queries)
    profile = profile_of(drafter)
    chain = chain_up(profile.department_id) if profile and profile.department_id else []
    heads = {
        p.department_id: p
        for p in StaffProfile.objects.filter(
            department_id__in=chain, is_department_head=True, is_active=True, position__isnull=False
        )
        .exclude(user_id=drafter.pk)
        .select_related("position", "user")
        .order_by("-position__level")  # the highest-ranking head of a department wins
    }
    line: list[dict] = []
    seen: set[int] = set()
    for department_id in chain:
        head = heads.get(department_id)
        if head is None or head.user_id in seen or not access.is_member(head.user, institution):
            continue
        seen.add(head.user_id)
        if needed is not None and head.position is not None and head.position.level <= needed:
            line.append({"user": head.user_id, "role": StepRole.APPROVE})
            return line
        line.append({"user": head.user_id, "role": StepRole.REVIEW})
    # nobody high enough in the chain: the holder of the top position approves
    top = (
        StaffProfile.objects.filter(is_active=True, position__isnull=False)
        .exclude(user_id=drafter.pk)
        .exclude(user_id__in=seen)
        .select_related("position", "user")
        .order_by("position__level", "user_id")
        .first()
    )
    high_enough = (
        top is not None
        and top.position is not None
        and (needed is None or top.position.level <= needed)
    )
    if top is not None and high_enough and access.is_member(top.user, institution):
        line.append({"user": top.user_id, "role": StepRole.APPROVE})
        return line
    if line:
        line[-1]["role"] = StepRole.APPROVE
        return line
    return []


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


def _check_form(form: str) -> None:
    from groupware.approval.models import FormTemplate

    if not FormTemplate.objects.filter(code=form).exists():
        raise invalid("form_invalid", "form")


@transaction.atomic
def delegation_rule_set(
    *, actor, institution, form: str, position, max_amount: int | None = None, note: str = ""
) -> DelegationRule:
    """Set which position gives final approval for ``form`` up to ``max_amount`` won (None:
    any amount). Institution admins only."""
    from groupware.approval.permissions import can_manage_delegation

    if not can_manage_delegation(actor, institution):
        raise PermissionDenied
    _check_form(form)
    if position is None:
        raise invalid("delegation_position_required", "position")
    if max_amount is not None and not 0 < max_amount <= 10**13:
        raise invalid("delegation_amount_invalid", "max_amount")
    try:
        with transaction.atomic():
            rule, _ = DelegationRule.objects.update_or_create(
                form=form,
                max_amount=max_amount,
                defaults={"position": position, "note": (note or "").strip()[:200]},
            )
    except IntegrityError:  # pragma: no cover - concurrent edit of the same limit
        raise invalid("delegation_position_required", "position") from None
    limit = f" ({max_amount:,}원 이하)" if max_amount else ""
    audit_record(
        actor=actor,
        action="approval.delegation_set",
        summary=f"위임전결 규정: {_form_name(form)}{limit} → {position.name}",
        target=rule,
    )
    return rule


@transaction.atomic
def delegation_rule_delete(*, actor, institution, form: str, rule_id: int | None = None) -> None:
    """Remove one limit (``rule_id``) or every rule of ``form``. Institution admins only."""
    from groupware.approval.permissions import can_manage_delegation

    if not can_manage_delegation(actor, institution):
        raise PermissionDenied
    rows = DelegationRule.objects.filter(form=form)
    if rule_id is not None:
        rows = rows.filter(pk=rule_id)
    deleted, _ = rows.delete()
    if deleted:
        audit_record(
            actor=actor,
            action="approval.delegation_delete",
            summary=f"위임전결 규정 삭제: {_form_name(form)}",
        )


# --- department line templates ------------------------------------------------------


@transaction.atomic
def line_template_save(
    *, actor, institution, department, name: str, line, cc=(), form: str = ""
) -> LineTemplate:
    """Save (or replace) a department's shared line. Its head or an institution admin."""
    from groupware.approval.permissions import can_manage_line_templates

    if department is None or not can_manage_line_templates(actor, institution, department):
        raise PermissionDenied
    name = (name or "").strip()[:60]
    if not name:
        raise invalid("favourite_name_required", "name")
    if form:
        _check_form(form)
    planned = _renumbered(_parsed(line))
    _check_people(planned, institution=institution, drafter=_Nobody())
    _check_shape(planned)
    cc_ids = []
    for value in cc or ():
        pk = value.pk if isinstance(value, User) else int(value)
        if not access.is_member(User.objects.filter(pk=pk).first(), institution):
            raise invalid("cc_outsider", "cc", name=str(pk))
        cc_ids.append(pk)
    template, _ = LineTemplate.objects.update_or_create(
        department=department,
        name=name,
        defaults={
            "form": form,
            "steps": [{"user": p.user.pk, "role": p.role, "order": p.order} for p in planned],
            "cc": cc_ids,
            "created_by": actor,
            "created_by_name": actor.name or actor.email,
        },
    )
    audit_record(
        actor=actor,
        action="approval.line_template_save",
        summary=f"부서 결재선 저장: {department.name} · {name}",
        target=template,
    )
    return template


@transaction.atomic
def line_template_delete(*, actor, institution, template: LineTemplate) -> None:
    from groupware.approval.permissions import can_manage_line_templates

    if not can_manage_line_templates(actor, institution, template.department):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="approval.line_template_delete",
        summary=f"부서 결재선 삭제: {template.name}",
    )
    template.delete()


class _Nobody:
    """A drafter no one is (a template has no drafter yet)."""

    pk = None
