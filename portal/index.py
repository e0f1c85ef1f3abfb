"""Publish to and withdraw from the portal index. Safe inside any transaction.

The index lives in the same database as the change that causes it, so the
write joins the caller's transaction: a rolled-back booking leaves no entry,
a committed one is findable at once. Hidden institutions (suspended,
archived) are filtered at read time, so suspension needs no re-indexing.
"""

from django.db.models import Q, QuerySet

from portal.models import PortalEntry
from tenants.models import Institution

PUBLIC_KINDS = ("facility", "notice")
PERSONAL_KINDS = ("booking",)


def publish(
    *,
    institution,
    kind: str,
    key,
    title: str,
    summary: str = "",
    url: str = "",
    owner=None,
    data=None,
) -> None:
    """Create or update the entry (institution, kind, key)."""
    PortalEntry.objects.update_or_create(
        institution=institution,
        kind=kind,
        key=str(key),
        defaults={
            "title": title[:200],
            "summary": summary,
            "url": url,
            "owner": owner,
            "data": data or {},
        },
    )


def withdraw(*, institution, kind: str, key) -> None:
    """Remove the entry if present."""
    PortalEntry.objects.filter(institution=institution, kind=kind, key=str(key)).delete()


def _visible() -> QuerySet:
    return PortalEntry.objects.filter(institution__status=Institution.Status.ACTIVE).select_related(
        "institution"
    )


def search(
    query: str = "", *, kind: str | None = None, institution_slug: str | None = None
) -> QuerySet:
    """Public entries of active institutions matching every word of ``query``."""
    entries = _visible().filter(owner__isnull=True, kind__in=PUBLIC_KINDS)
    if kind:
        entries = entries.filter(kind=kind)
    if institution_slug:
        entries = entries.filter(institution__slug=institution_slug)
    for word in query.split()[:8]:
        entries = entries.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(institution__name__icontains=word)
        )
    return entries


def personal(user, *, kind: str = "booking") -> QuerySet:
    """A person's own entries across every active institution."""
    if not getattr(user, "is_authenticated", False):
        return PortalEntry.objects.none()
    return _visible().filter(owner=user, kind=kind)
