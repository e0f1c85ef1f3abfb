"""Reads over the org chart (other apps use them through groupware.public)."""

from django.utils import timezone

from groupware.org.models import Absence, Department, StaffProfile
from suite.request_cache import memo


def profile_of(user) -> StaffProfile | None:
    """The person's profile in the current institution's schema, or None. Read once per
    read-only request (suite.request_cache): the navigation and every permission ask it."""
    if getattr(user, "pk", None) is None:
        return None
    return memo(
        ("profile_of", user.pk),
        lambda: (
            StaffProfile.objects.select_related("department", "position", "rank")
            .filter(user=user)
            .first()
        ),
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


def department_chain_of(user) -> list[int]:
    """The person's department and every department above it (cached on the user for the
    request: boards and calendars ask for every object they check)."""
    cache = user.__dict__.setdefault("_gw_dept_chain", {})
    if "chain" not in cache:
        profile = profile_of(user)
        cache["chain"] = (
            chain_up(profile.department_id) if profile and profile.department_id else []
        )
    return cache["chain"]


# --- tree and directory reads (the departments table is small: read it whole) ---


def department_parents() -> dict[int, int | None]:
    """{department id: parent id} for every department (one query)."""
    return dict(Department.objects.values_list("id", "parent_id"))


def chain_up(department_id: int | None, parents: dict[int, int | None] | None = None) -> list[int]:
    """The department and all its ancestors, nearest first (cycle-safe)."""
    parents = department_parents() if parents is None else parents
    chain: list[int] = []
    node = department_id
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return chain


def subtree_ids(department_id: int, parents: dict[int, int | None] | None = None) -> set[int]:
    """The department and every department below it."""
    parents = department_parents() if parents is None else parents
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, todo = set(), [department_id]
    while todo:
        node = todo.pop()
        if node in found:
            continue
        found.add(node)
        todo.extend(children.get(node, []))
    return found


def member_user_ids(institution):
    """Subquery of the user ids with an active membership in the institution."""
    from accounts.models import Membership

    return Membership.objects.filter(institution=institution, is_active=True).values("user_id")


def directory_profiles(institution):
    """Active profiles of current members, with department, position and rank."""
    return StaffProfile.objects.filter(
        is_active=True, user_id__in=member_user_ids(institution)
    ).select_related("user", "department", "position", "rank")


def department_tree() -> tuple[list[Department], dict[int, Department]]:
    """Roots with ``tree_children`` and ``tree_members`` filled in (two queries)."""
    departments = list(Department.objects.filter(is_active=True))
    by_id = {d.pk: d for d in departments}
    for d in departments:
        # display-only attributes the templates walk (not model fields)
        d.tree_children, d.tree_members = [], []  # type: ignore[attr-defined]
    roots: list[Department] = []
    for d in departments:
        parent = by_id.get(d.parent_id) if d.parent_id is not None else None
        (parent.tree_children if parent else roots).append(d)  # type: ignore[attr-defined]
    return roots, by_id


def away_on(day_start, day_end, user_ids=None):
    """Absences overlapping [day_start, day_end), optionally for some people only."""
    rows = Absence.objects.filter(starts_at__lt=day_end, ends_at__gt=day_start)
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    return rows.select_related("user", "deputy").order_by("starts_at")
