"""인계인수 — the contract: one request, one input check, the apps that take part.

The org chart's handover page (``groupware.org.services.handover``) checks the
request once with ``handover_check`` and then sends a ``Handover`` to every
participant registered in ``handover_participants`` (each app registers in its
``AppConfig.ready``: approval moves pending steps, the calendar invitations and
events, facility booking the bookings a leaver is in charge of). A participant
returns what it moved (a count, or a dict of counts) for the audit row and the page.
Everything runs in the caller's transaction: one failure undoes the whole handover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import access
from suite.registry import Registry

MESSAGES = {
    "handover_from_required": _("인계자를 선택해 주세요."),
    "handover_to_required": _("인수자를 선택해 주세요."),
    "handover_same_person": _("인계자와 인수자가 같을 수 없습니다."),
    "handover_successor_outsider": _("인수자는 이 기관의 재직 구성원이어야 합니다."),
}

Moved = int | dict[str, Any] | None


@dataclass(frozen=True)
class Handover:
    """A checked request: ``from_user``'s pending work goes to ``to_user``."""

    actor: Any
    institution: Any
    from_user: Any
    to_user: Any
    reason: str = ""


def can_handover(user, institution) -> bool:
    """Institution admins hand a leaver's work over."""
    return access.is_institution_admin(user, institution)


def handover_check(*, actor, institution, from_user, to_user) -> None:
    """Raise PermissionDenied (not an admin) or a Korean ValidationError (bad pair)."""
    if not can_handover(actor, institution):
        raise PermissionDenied
    errors = {}
    if from_user is None:
        errors["from_user"] = ValidationError(MESSAGES["handover_from_required"], code="required")
    if to_user is None:
        errors["to_user"] = ValidationError(MESSAGES["handover_to_required"], code="required")
    elif from_user is not None and from_user.pk == to_user.pk:
        errors["to_user"] = ValidationError(MESSAGES["handover_same_person"], code="same_person")
    elif not access.is_member(to_user, institution):
        errors["to_user"] = ValidationError(
            MESSAGES["handover_successor_outsider"], code="successor_outsider"
        )
    if errors:
        raise ValidationError(errors)


def summarise(result: Any) -> Moved:
    """What a participant reports, reduced to JSON the audit row can keep."""
    if isinstance(result, bool):
        return int(result)
    if isinstance(result, int):
        return result
    if isinstance(result, dict):
        return {str(k): v if isinstance(v, str) else summarise(v) for k, v in result.items()}
    if result is None:
        return None
    return len(result)


handover_participants: Registry[Handover, Moved] = Registry("accounts.handover")
