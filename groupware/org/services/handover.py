"""인계인수: hand a leaver's pending work to a successor in one recorded action."""

import importlib
import inspect

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from groupware import access as gw_access
from groupware.models import Absence, StaffProfile
from institution.audit import audit_record


def _optional_hook(module_name: str, func_name: str):
    """A function another app may provide; None when it does not (yet) exist."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, func_name, None)


def _call_hook(func, **offered):
    """Call a hook with the keywords it accepts (all of them if it takes **kwargs)."""
    params = inspect.signature(func).parameters
    if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
        offered = {k: v for k, v in offered.items() if k in params}
    return func(**offered)


def _hook_count(result) -> int | dict | None:
    """What a hook reports, reduced to something the audit row can store as JSON."""
    if isinstance(result, bool):
        return int(result)
    if isinstance(result, int):
        return result
    if isinstance(result, dict):
        return {str(k): _hook_count(v) if not isinstance(v, str) else v for k, v in result.items()}
    if result is None:
        return None
    try:
        return len(result)
    except TypeError:
        return None


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

    Moves: pending approval steps (groupware.approval's own hook), pending
    calendar invitations, future events they organise, their future events in
    shared calendars, deputy designations on future absences, and the contact of
    their facility bookings (facility_booking's hook). Board posts keep their
    author: authorship is history.
    """
    from groupware.schedule.models import Attendee, Calendar, Event

    if not gw_access.can_handover(actor, institution):
        raise PermissionDenied
    errors = {}
    if from_user is None:
        errors["from_user"] = _("인계자를 선택해 주세요.")
    if to_user is None:
        errors["to_user"] = _("인수자를 선택해 주세요.")
    elif from_user is not None and from_user.pk == to_user.pk:
        errors["to_user"] = _("인계자와 인수자가 같을 수 없습니다.")
    elif not access.is_member(to_user, institution):
        errors["to_user"] = _("인수자는 이 기관의 재직 구성원이어야 합니다.")
    if errors:
        raise ValidationError(errors)
    if not StaffProfile.objects.filter(user=from_user).exists() and not (
        access.is_member(from_user, institution)
    ):
        raise ValidationError({"from_user": _("이 기관의 구성원이 아닙니다.")})

    now = timezone.now()
    moved: dict = {}

    # 1. approval steps: groupware/approval owns them (built in parallel).
    approval_hook = _optional_hook("groupware.approval.services", "handover")
    if approval_hook is not None:
        moved["approval"] = _hook_count(
            _call_hook(
                approval_hook,
                from_user=from_user,
                to_user=to_user,
                actor=actor,
                institution=institution,
                reason=reason,
            )
        )
    else:
        moved["approval"] = None

    # 2. calendar: pending invitations go to the successor unless already invited.
    from groupware.schedule.occurrences import still_running  # lazy, like the models above

    # a weekly meeting that began weeks ago still has meetings to come
    pending = Attendee.objects.select_for_update().filter(
        still_running(now, "event__"), user=from_user, status=Attendee.Status.PENDING
    )
    already = set(
        Attendee.objects.filter(user=to_user, event_id__in=pending.values("event_id")).values_list(
            "event_id", flat=True
        )
    )
    moved_invitations = pending.exclude(event_id__in=already).update(user=to_user)
    pending.filter(event_id__in=already).delete()
    moved["invitations"] = moved_invitations

    # Events they organise in shared (department/institution) calendars, still to come.
    moved["events"] = (
        Event.objects.filter(still_running(now), created_by=from_user)
        .exclude(calendar__kind=Calendar.Kind.PERSONAL)
        .update(created_by=to_user)
    )
    # Upcoming events in the leaver's personal calendar move to the successor's.
    personal = Calendar.objects.filter(kind=Calendar.Kind.PERSONAL, owner=from_user).first()
    if personal is not None:
        from groupware.schedule.services import personal_calendar

        target = personal_calendar(to_user)
        moved["personal_events"] = personal.events.filter(still_running(now)).update(
            calendar=target, created_by=to_user
        )
    else:
        moved["personal_events"] = 0

    # 3. deputy designations (대결자) on absences not yet over.
    moved["deputies"] = (
        Absence.objects.filter(deputy=from_user, ends_at__gt=now)
        .exclude(user=to_user)
        .update(deputy=to_user)
    )

    # 4. facility bookings they are the contact for (facility_booking owns them).
    booking_hook = _optional_hook("facility_booking.services", "handover")
    if booking_hook is not None:
        moved["facility_bookings"] = _hook_count(
            _call_hook(
                booking_hook,
                from_user=from_user,
                to_user=to_user,
                actor=actor,
                institution=institution,
                reason=reason,
            )
        )
    else:
        moved["facility_bookings"] = None

    # 5. the org chart: the successor takes the department-head flag.
    profile = StaffProfile.objects.select_for_update().filter(user=from_user).order_by("pk").first()
    if profile is not None:
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
