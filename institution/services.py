"""The write path for an institution's members and profile. Each change is audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Membership, Role
from accounts.services import password_setup_path, user_get_or_invite
from institution.audit import audit_record
from suite.notify import email_on_commit
from tenants.models import Institution


def _require_admin(actor, institution: Institution) -> None:
    if not access.can_manage_members(actor, institution):
        raise PermissionDenied


@transaction.atomic
def member_invite(
    *, actor, institution: Institution, email: str, role: str, name: str = ""
) -> Membership:
    """Add a person (new or existing) with a role and e-mail them a link."""
    _require_admin(actor, institution)
    if role not in Role.values:
        raise ValidationError({"role": _("알 수 없는 역할입니다.")})
    user, created = user_get_or_invite(email=email, name=name)
    membership, made = Membership.objects.get_or_create(
        user=user, institution=institution, defaults={"role": role}
    )
    if not made:
        if membership.is_active:
            raise ValidationError({"email": _("이미 이 기관의 구성원입니다.")})
        membership.is_active, membership.role = True, role
        membership.save(update_fields=["is_active", "role", "updated_at"])
    link = (
        institution.absolute_url(password_setup_path(user))
        if not user.has_usable_password()
        else institution.absolute_url("/")
    )
    email_on_commit(
        to=user.email,
        subject=_("[%(name)s] 초대장이 도착했습니다") % {"name": institution.name},
        template="email/member_invite",
        context={
            "institution": institution,
            "user": user,
            "link": link,
            "role": Role(role).label,
            "new_user": created,
        },
    )
    audit_record(
        actor=actor,
        action="member.invite",
        target=membership,
        summary=_("%(email)s 초대 (%(role)s)") % {"email": user.email, "role": Role(role).label},
    )
    return membership


def _member_for_update(institution: Institution, membership_id: int) -> Membership:
    try:
        return (
            Membership.objects.select_for_update()
            .select_related("user")
            .get(pk=membership_id, institution=institution)
        )
    except Membership.DoesNotExist:
        raise ValidationError({"member": _("구성원을 찾을 수 없습니다.")}) from None


def _refuse_last_admin(institution: Institution, membership: Membership) -> None:
    if membership.role != Role.INSTITUTION_ADMIN or not membership.is_active:
        return
    others = Membership.objects.filter(
        institution=institution, role=Role.INSTITUTION_ADMIN, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            {"role": _("마지막 기관 관리자는 변경하거나 비활성화할 수 없습니다.")}
        )


@transaction.atomic
def member_change_role(
    *, actor, institution: Institution, membership_id: int, role: str, reason: str = ""
) -> Membership:
    _require_admin(actor, institution)
    if role not in Role.values:
        raise ValidationError({"role": _("알 수 없는 역할입니다.")})
    membership = _member_for_update(institution, membership_id)
    if membership.role == role:
        return membership
    if role != Role.INSTITUTION_ADMIN:
        _refuse_last_admin(institution, membership)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=actor,
        action="member.role",
        target=membership,
        reason=reason,
        summary=_("%(email)s 역할 변경: %(old)s → %(new)s")
        % {"email": membership.user.email, "old": Role(old).label, "new": Role(role).label},
        data={"old": old, "new": role},
    )
    return membership


@transaction.atomic
def member_set_active(
    *, actor, institution: Institution, membership_id: int, active: bool, reason: str = ""
) -> Membership:
    _require_admin(actor, institution)
    membership = _member_for_update(institution, membership_id)
    if membership.is_active == active:
        return membership
    if not active:
        _refuse_last_admin(institution, membership)
    membership.is_active = active
    membership.save(update_fields=["is_active", "updated_at"])
    action = "member.reactivate" if active else "member.deactivate"
    summary = _("%(email)s 재활성화") if active else _("%(email)s 비활성화")
    audit_record(
        actor=actor,
        action=action,
        target=membership,
        reason=reason,
        summary=summary % {"email": membership.user.email},
    )
    return membership


PROFILE_FIELDS = (
    "name",
    "short_name",
    "head_title",
    "address",
    "postal_code",
    "phone",
    "fax",
    "email",
    "homepage",
    "logo",
)


@transaction.atomic
def institution_update_profile(*, actor, institution: Institution, **changes) -> Institution:
    """Edit the institution's names, contact and logo (not slug or status)."""
    if not access.can_edit_institution_profile(actor, institution):
        raise PermissionDenied
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({f: _("바꿀 수 없는 항목입니다.") for f in unknown})
    before = {f: str(getattr(institution, f)) for f in changes}
    if "name" in changes:
        from tenants.services import lock_names, name_taken

        lock_names()
        taken = name_taken(changes["name"], exclude_pk=institution.pk)
        if taken:
            raise ValidationError(
                {"name": _("같은 이름의 기관(%(name)s)이 이미 있습니다.") % {"name": taken}}
            )
    for field, value in changes.items():
        setattr(institution, field, value)
    institution.full_clean(exclude=["schema_name", "slug"])
    institution.save(update_fields=[*changes, "updated_at"])
    changed = {
        f: [before[f], str(getattr(institution, f))]
        for f in changes
        if before[f] != str(getattr(institution, f))
    }
    audit_record(
        actor=actor,
        action="institution.profile",
        target=None,
        summary=_("기관 정보 수정: %(fields)s") % {"fields": ", ".join(changed) or "-"},
        data=changed,
    )
    return institution
