"""Departments, staff profiles and absences. Atomic, audited, Korean errors per field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from groupware.org import permissions as gw_access
from groupware.org.models import Absence, Department, Position, Rank, StaffProfile
from institution.audit import audit_record

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ERRORS = {
    "cycle": gettext_lazy("부서를 자기 자신이나 그 하위 부서 아래로 옮길 수 없습니다."),
    "duplicate_name": gettext_lazy("같은 상위 부서 아래에 같은 이름의 부서가 이미 있습니다."),
    "name_required": gettext_lazy("부서명을 입력해 주세요."),
    "ends_before_start": gettext_lazy("종료 시각은 시작 시각보다 늦어야 합니다."),
    "deputy_self": gettext_lazy("본인을 대결자로 지정할 수 없습니다."),
    "not_member": gettext_lazy("이 기관의 구성원이 아닙니다."),
    "overlap": gettext_lazy("이미 등록된 부재 기간과 겹칩니다."),
    "has_members": gettext_lazy("구성원이나 하위 부서가 있는 부서는 사용 중지할 수 없습니다."),
}


def _require_org_admin(actor, institution) -> None:
    if not gw_access.can_manage_org(actor, institution):
        raise PermissionDenied


def _lock_departments() -> None:
    """Serialise tree changes: every move re-checks the tree under this lock."""
    list(Department.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def _ensure_no_cycle(department: Department, parent: Department | None) -> None:
    from groupware.org.selectors import chain_up

    if parent is None:
        return
    if department.pk is not None and department.pk in chain_up(parent.pk):
        raise ValidationError({"parent": ERRORS["cycle"]}, code="cycle")


@transaction.atomic
def department_create(
    *,
    actor,
    institution,
    name: str,
    parent: Department | None = None,
    kind: str = Department.Kind.TEAM,
    short_name: str = "",
    order: int = 0,
    phone: str = "",
) -> Department:
    """Add a department under ``parent`` (or at the root)."""
    _require_org_admin(actor, institution)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ERRORS["name_required"]})
    if kind not in Department.Kind.values:
        raise ValidationError({"kind": _("알 수 없는 부서 구분입니다.")})
    _lock_departments()
    if Department.objects.filter(parent=parent, name=name).exists():
        raise ValidationError({"name": ERRORS["duplicate_name"]})
    department = Department.objects.create(
        name=name,
        parent=parent,
        kind=kind,
        short_name=(short_name or "").strip(),
        order=order,
        phone=phone,
    )
    audit_record(
        actor=actor,
        action="department.create",
        target=department,
        summary=_("부서 생성: %(name)s") % {"name": department.name},
        data={"parent": parent.pk if parent else None},
    )
    return department


@transaction.atomic
def department_move(*, actor, institution, department: Department, parent: Department | None):
    """Put ``department`` under ``parent``; refuses to make a department its own ancestor."""
    _require_org_admin(actor, institution)
    _lock_departments()
    department = Department.objects.get(pk=department.pk)
    if parent is not None:
        parent = Department.objects.get(pk=parent.pk)
    _ensure_no_cycle(department, parent)
    if Department.objects.filter(parent=parent, name=department.name).exclude(pk=department.pk):
        raise ValidationError({"parent": ERRORS["duplicate_name"]})
    old_parent = department.parent_id
    department.parent = parent
    department.save(update_fields=["parent"])
    audit_record(
        actor=actor,
        action="department.move",
        target=department,
        summary=_("부서 이동: %(name)s → %(parent)s")
        % {"name": department.name, "parent": parent.name if parent else _("최상위")},
        data={"from": old_parent, "to": parent.pk if parent else None},
    )
    return department


@transaction.atomic
def department_update(*, actor, institution, department: Department, **changes) -> Department:
    """Rename / reorder / (de)activate a department; a move goes through department_move."""
    _require_org_admin(actor, institution)
    allowed = {"name", "short_name", "kind", "order", "phone", "is_active", "is_document_office"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {unknown}")
    department = Department.objects.select_for_update().get(pk=department.pk)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise ValidationError({"name": ERRORS["name_required"]})
        if (
            Department.objects.filter(parent_id=department.parent_id, name=changes["name"])
            .exclude(pk=department.pk)
            .exists()
        ):
            raise ValidationError({"name": ERRORS["duplicate_name"]})
    if changes.get("is_active") is False and (
        department.children.filter(is_active=True).exists()
        or department.members.filter(is_active=True).exists()
    ):
        raise ValidationError({"is_active": ERRORS["has_members"]})
    for field, value in changes.items():
        setattr(department, field, value)
    department.save()
    audit_record(
        actor=actor,
        action="department.update",
        target=department,
        summary=_("부서 정보 변경: %(name)s") % {"name": department.name},
        data={k: str(v) for k, v in changes.items()},
    )
    return department


ADMIN_PROFILE_FIELDS = {
    "department",
    "position",
    "rank",
    "is_department_head",
    "annual_leave_days",
    "hire_date",
    "is_active",
}
SELF_PROFILE_FIELDS = {"extension", "duties", "photo", "signature"}


@transaction.atomic
def staff_profile_update(*, actor, institution, user, **changes) -> StaffProfile:
    """Create or change a member's place in the org chart.

    Admins may change every field; members only their own contact fields.
    """
    if not access.is_member(user, institution):
        raise ValidationError({"user": ERRORS["not_member"]})
    profile, _created = StaffProfile.objects.select_for_update().get_or_create(user=user)
    if not gw_access.can_edit_profile(actor, institution, profile):
        raise PermissionDenied
    unknown = set(changes) - ADMIN_PROFILE_FIELDS - SELF_PROFILE_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {unknown}")
    if not gw_access.can_manage_org(actor, institution) and set(changes) - SELF_PROFILE_FIELDS:
        raise PermissionDenied
    for key, model in (("department", Department), ("position", Position), ("rank", Rank)):
        value = changes.get(key)
        if value is not None and not isinstance(value, model):
            raise ValueError(f"{key} must be a {model.__name__}")
    for field, value in changes.items():
        setattr(profile, field, value)
    profile.save()
    audit_record(
        actor=actor,
        action="staff_profile.update",
        target=profile,
        summary=_("직원 정보 변경: %(name)s") % {"name": user.name or user.email},
        data={k: str(v) for k, v in changes.items()},
    )
    return profile


def _member_or_error(user, institution, field: str) -> None:
    if user is not None and not access.is_member(user, institution):
        raise ValidationError({field: ERRORS["not_member"]})


@transaction.atomic
def absence_create(
    *,
    actor,
    institution,
    user,
    kind: str,
    starts_at,
    ends_at,
    deputy=None,
    reason: str = "",
) -> Absence:
    """Record a period away with an optional deputy (대결자)."""
    if not gw_access.can_manage_absence(actor, institution, user.pk):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    if kind not in Absence.Kind.values:
        errors["kind"] = _("부재 구분을 선택해 주세요.")
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        errors["ends_at"] = ERRORS["ends_before_start"]
    elif not (1900 <= starts_at.year <= 2200 and 1900 <= ends_at.year <= 2200):
        errors["starts_at"] = gettext_lazy("1900년부터 2200년 사이의 일시를 입력해 주세요.")
    if deputy is not None and deputy.pk == user.pk:
        errors["deputy"] = ERRORS["deputy_self"]
    if errors:
        raise ValidationError(errors)
    _member_or_error(user, institution, "user")
    _member_or_error(deputy, institution, "deputy")
    # one lock per person so two overlapping requests cannot both pass the check
    StaffProfile.objects.select_for_update().get_or_create(user=user)
    if Absence.objects.filter(user=user, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError({"starts_at": ERRORS["overlap"]})
    try:
        with transaction.atomic():
            absence = Absence.objects.create(
                user=user,
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                deputy=deputy,
                reason=(reason or "").strip(),
            )
    except IntegrityError as error:  # the check constraints, should the above miss one
        raise ValidationError({"ends_at": ERRORS["ends_before_start"]}) from error
    audit_record(
        actor=actor,
        action="absence.create",
        target=absence,
        summary=_("부재 등록: %(name)s %(kind)s")
        % {"name": user.name or user.email, "kind": absence.get_kind_display()},
        data={"deputy": deputy.pk if deputy else None},
    )
    return absence


@transaction.atomic
def absence_delete(*, actor, institution, absence: Absence) -> None:
    """Cancel a recorded absence."""
    if not gw_access.can_manage_absence(actor, institution, absence.user_id):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="absence.delete",
        target=absence,
        summary=_("부재 취소: %(absence)s") % {"absence": absence},
    )
    absence.delete()


def _named(model, name: str, *, required: StrOrPromise, taken: StrOrPromise) -> str:
    """A stripped, unused name for a 직위 or 직급 (Korean error on ``name`` otherwise)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": required})
    if model.objects.filter(name=name).exists():
        raise ValidationError({"name": taken})
    return name


@transaction.atomic
def position_create(*, actor, institution, name: str, level: int) -> Position:
    """Add a 직위; a lower level is higher in the hierarchy (이사장 1 … 사원 9)."""
    _require_org_admin(actor, institution)
    name = _named(
        Position,
        name,
        required=gettext_lazy("직위 이름을 입력해 주세요."),
        taken=gettext_lazy("같은 이름의 직위가 이미 있습니다."),
    )
    position = Position.objects.create(name=name, level=level)
    audit_record(
        actor=actor,
        action="position.create",
        target=position,
        summary=_("직위 추가: %(name)s (서열 %(level)s)") % {"name": name, "level": level},
    )
    return position


@transaction.atomic
def rank_create(*, actor, institution, name: str, order: int) -> Rank:
    """Add a 직급 with its order."""
    _require_org_admin(actor, institution)
    name = _named(
        Rank,
        name,
        required=gettext_lazy("직급 이름을 입력해 주세요."),
        taken=gettext_lazy("같은 이름의 직급이 이미 있습니다."),
    )
    rank = Rank.objects.create(name=name, order=order)
    audit_record(
        actor=actor,
        action="rank.create",
        target=rank,
        summary=_("직급 추가: %(name)s") % {"name": name},
    )
    return rank
