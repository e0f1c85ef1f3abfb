"""The older name of the portal's write path, kept for existing callers.

``publish``/``withdraw``/``personal`` are ``portal.public``'s; ``search`` is the
plain ranked search as a QuerySet (pages and the API use ``portal.search``).
New code imports ``portal.public``.
"""

from django.db.models import QuerySet

from portal.public import PERSONAL_KINDS, personal, public_kinds, publish, withdraw
from portal.search import SearchParams, matching

__all__ = ["PERSONAL_KINDS", "personal", "publish", "public_kinds", "search", "withdraw"]


def search(
    query: str = "", *, kind: str | None = None, institution_slug: str | None = None
) -> QuerySet:
    """Public entries of active institutions matching every word of ``query``, best first."""
    params = SearchParams(
        q=query,
        types=[kind] if kind else [],
        institutions=[institution_slug] if institution_slug else [],
    )
    return matching(params)
