"""인계인수: hand a leaver's pending work to a successor in one recorded action.

The request is checked once (``accounts.handover.handover_check``); then every app
registered in ``accounts.handover.handover_participants`` moves its own part inside this
transaction (approval: pending steps; the calendar: invitations and events; facility
booking: the bookings the leaver is in charge of). The org chart's own part — deputy
designations and the department-head flag — is done here.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.handover import Handover, handover_check, handover_participants, summarise
from groupware.org.models import Absence, StaffProfile
from institution.audit import audit_record


def _move_org_roles(from_user, to_user, *, deactivate_profile: bool, moved: dict):
    """Deputy designations still to come, and the department-head flag. Returns the profile."""
    moved["deputies"] = (
        Absence.objects.filter(deputy=from_user, ends_at__gt=timezone.now())
        .exclude(user=to_user)
        .update(deputy=to_user)
    )
    profile = StaffProfile.objects.select_for_update().filter(user=from_user).order_by("pk").first()
    if profile is None:
        return None
    if profile.is_department_head:
        successor, _new = StaffProfile.objects.get_or_create(user=to_user)
        successor.is_department_head = True
        if successor.department_id is None:
            successor.department_id = profile.department_id
        successor.save(update_fields=["is_department_head", "department", "updated_at"])
        profile.is_department_head = False
        moved["department_head"] = True
    if deactivate_profile:
        profile.is_active = False
    profile.save()
    return profile


@transaction.atomic
def handover(
    *,
    actor,
    institution,
    from_user,
    to_user,
    reason: str = "",
    deactivate_profile: bool = False,
) -> dict:
    """Reassign ``from_user``'s pending work to ``to_user``; returns what moved, per kind.

    Admins only (PermissionDenied); a bad pair is a Korean ValidationError and nothing
    moves. Board posts keep their author: authorship is history.
    """
    handover_check(actor=actor, institution=institution, from_user=from_user, to_user=to_user)
    if not StaffProfile.objects.filter(user=from_user).exists() and not (
        access.is_member(from_user, institution)
    ):
        raise ValidationError({"from_user": _("이 기관의 구성원이 아닙니다.")})
    request = Handover(
        actor=actor, institution=institution, from_user=from_user, to_user=to_user, reason=reason
    )
    moved: dict = {}
    for key, result in handover_participants.send(request).items():
        report = summarise(result)
        if isinstance(report, dict):  # a participant moving several kinds reports each
            moved.update(report)
        else:
            moved[key] = report
    profile = _move_org_roles(
        from_user, to_user, deactivate_profile=deactivate_profile, moved=moved
    )
    audit_record(
        actor=actor,
        action="handover",
        target=profile,
        summary=_("인계인수: %(from)s → %(to)s")
        % {"from": from_user.name or from_user.email, "to": to_user.name or to_user.email},
        reason=reason,
        data={"from_user": from_user.pk, "to_user": to_user.pk, "moved": moved},
    )
    return moved
