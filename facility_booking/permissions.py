"""Who may do what with facilities and bookings: named capabilities, one table.

Views, DRF permission classes and services call these; none look at roles.
Built on accounts.access (``can_manage_facilities`` = institution admin or
facility manager).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts import access

MANAGERS_ONLY = _("대관 관리는 기관 관리자와 시설 담당자만 할 수 있습니다.")


def can_manage_bookings(user, institution) -> bool:
    """Run the queue: approve, reject, record payments, cancel, block time, reports."""
    return access.can_manage_facilities(user, institution)


def can_edit_facilities(user, institution) -> bool:
    return access.can_manage_facilities(user, institution)


def can_see_facility(user, institution, facility) -> bool:
    """Public active facilities: everyone. Internal ones: members only. Inactive: managers."""
    if not facility.is_active and not can_manage_bookings(user, institution):
        return False
    if facility.is_public:
        return True
    return access.is_member(user, institution)


def can_book_facility(user, institution, facility) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and facility.is_active
        and (can_see_facility(user, institution, facility))
    )


def can_view_reservation(user, institution, reservation) -> bool:
    """The applicant, or the institution's booking managers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return reservation.applicant_id == user.pk or can_manage_bookings(user, institution)


def can_cancel_reservation(user, institution, reservation) -> bool:
    return reservation.applicant_id == getattr(user, "pk", None) or can_manage_bookings(
        user, institution
    )


def can_book_on_behalf(user, institution) -> bool:
    return can_manage_bookings(user, institution)


# The one door to the booking managers' pages and API (accounts.access): anonymous →
# log-in / 401; residents and other institutions' staff → 404 (the page does not exist for
# them); a member who is not a booking manager → 403 saying who may.
manager_page = access.staff_page(can_manage_bookings, reason=MANAGERS_ONLY)
ManagerPermission = access.StaffPermission.requiring(can_manage_bookings, reason=MANAGERS_ONLY)
