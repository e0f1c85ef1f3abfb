"""Links inside stored text: never an absolute URL in the database.

Text that is kept and sent or shown later — a queued e-mail, a message as it was sent —
holds each of the platform's own links as a token naming the host (the apex, or an
institution by its slug) and the path: ``[[suite-link:culture:/facilities/my/3/]]``.
``expand`` turns the tokens into absolute URLs with the scheme, host and port configured
*now* (``tenants.models.host_url``), when the text leaves (an e-mail sent, a message
handed to the provider) or is shown (the outboxes). A host or port change therefore
leaves no stale link behind (DESIGN: links are built when shown).

``collapse`` does the reverse for text rendered with absolute links (templates receive
``institution.absolute_url(...)`` as everywhere else): links to the apex or to an
institution's host, on any port, become tokens; links elsewhere stay as they are.
"""

from __future__ import annotations

import re

from django.conf import settings

TOKEN = re.compile(r"\[\[suite-link:(?P<slug>[a-z0-9-]*):(?P<path>/[^\]\s]*)\]\]")
URL = re.compile(r"https?://(?P<host>[A-Za-z0-9.-]+)(?::\d+)?(?P<path>/[^\s<>\"')\]]*)?")


def token(path: str, institution=None) -> str:
    """The stored form of a link to ``path`` on the apex or on ``institution``'s host."""
    slug = getattr(institution, "slug", "") or ""
    return f"[[suite-link:{slug}:{path or '/'}]]"


def _hosts() -> dict[str, str]:
    """Host name → institution slug ("" for the apex) of every host of the platform."""
    from tenants.models import Domain

    hosts = {host.lower(): "" for host in (settings.SUITE_DOMAIN, *settings.SUITE_APEX_ALIASES)}
    for domain, slug in Domain.objects.values_list("domain", "tenant__slug"):
        hosts[domain.lower()] = slug
    return hosts


def collapse(text: str) -> str:
    """Links to the platform's own hosts (any scheme, any port) as tokens."""
    if not text or "://" not in text:
        return text
    hosts = _hosts()

    def replace(match: re.Match) -> str:
        host = match.group("host").lower()
        if host not in hosts:
            return match.group(0)
        return f"[[suite-link:{hosts[host]}:{match.group('path') or '/'}]]"

    return URL.sub(replace, text)


def expand(text: str) -> str:
    """Tokens as absolute URLs on the hosts and port configured now."""
    if not text or "[[suite-link:" not in text:
        return text
    from tenants.models import Institution, apex_url

    slugs = {m.group("slug") for m in TOKEN.finditer(text)} - {""}
    institutions = {i.slug: i for i in Institution.objects.filter(slug__in=slugs)}

    def replace(match: re.Match) -> str:
        institution = institutions.get(match.group("slug"))
        path = match.group("path")
        return institution.absolute_url(path) if institution else apex_url(path)

    return TOKEN.sub(replace, text)
