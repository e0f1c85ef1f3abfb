"""Who may do what with internal rooms and vehicles."""

from accounts import access


def can_book_internal(user, institution) -> bool:
    """Any member books a meeting room or a vehicle (approval rules are the engine's)."""
    return access.can_use_workspace(user, institution)


def can_see_booking_requests(user, institution) -> bool:
    """The dashboard's "requests waiting" block: booking managers."""
    return access.can_manage_facilities(user, institution)
