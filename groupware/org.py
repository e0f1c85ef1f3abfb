"""Read helpers over the org chart that other parts (approval, dashboard) share."""

from django.utils import timezone

from groupware.models import Absence, StaffProfile


def profile_of(user) -> StaffProfile | None:
    """The person's profile in the current institution's schema, or None."""
    return (
        StaffProfile.objects.select_related("department", "position", "rank")
        .filter(user=user)
        .first()
    )


def absence_at(user, when=None) -> Absence | None:
    """The absence covering ``when`` (default now), if any."""
    when = when or timezone.now()
    return (
        Absence.objects.filter(user=user, starts_at__lte=when, ends_at__gt=when)
        .order_by("-starts_at")
        .first()
    )


def acting_deputy(user, when=None):
    """Who acts for ``user`` now (대결): the deputy of a current absence, or None."""
    absence = absence_at(user, when)
    return absence.deputy if absence and absence.deputy_id else None
