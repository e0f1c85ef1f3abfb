"""Host name → institution, cached in the shared cache for every web process.

Every request on an institution host needs its institution (suite.middleware). Looking
it up is a join of ``tenants_domain`` and ``tenants_institution`` — the same answer for
hours — so the answer is kept in the platform cache (``CACHES["platform"]``, the shared
``CACHE_URL`` in production: Redis, memcached or PostgreSQL's cache table).

Invalidation is by **generation**: every entry carries the generation it was read under,
and any change to a domain or an institution (its status above all: a suspension must
answer 503 at once, in every process) draws a new generation, which makes every entry
stale in one write. The generation is read *before* the database is asked, so a change
that commits while a request is filling the cache leaves that entry already stale.

Changes are seen by:
- ``post_save`` / ``post_delete`` of ``Institution`` and ``Domain`` (connected in
  ``TenantsConfig.ready``);
- ``hosts_changed()``, called by code that writes them with ``QuerySet.update()``
  (``tenants.services._move``: suspend, reactivate, archive).

Each bumps the generation at once and again after the transaction commits: at once so
the writing process itself never serves the old row, after commit so that a request of
another process that read the old row in between does not keep it.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django_tenants.utils import get_public_schema_name, schema_context

CACHE_ALIAS = "platform"
GENERATION_KEY = "hosts:generation"


def _cache():
    return caches[CACHE_ALIAS]


def _timeout() -> int:
    return int(getattr(settings, "SUITE_HOST_CACHE_SECONDS", 600))


def _entry_key(hostname: str) -> str:
    # Host names are validated by Django before they get here, but a key is kept short
    # and free of anything a memcached key may not hold.
    return "hosts:" + hashlib.blake2s(hostname.encode(), digest_size=16).hexdigest()


def _generation(cache) -> str:
    """The current generation; a new one when the cache has none (first use, eviction)."""
    drawn = secrets.token_hex(8)
    if cache.add(GENERATION_KEY, drawn, timeout=None):
        return drawn
    return cache.get(GENERATION_KEY) or drawn


@contextlib.contextmanager
def _in_public():
    """The public schema for the lookup, whatever the connection was left on."""
    if connection.schema_name == get_public_schema_name() and connection.include_public_schema:
        yield
        return
    with schema_context(get_public_schema_name()):
        yield


def institution_for_host(hostname: str):
    """The institution answering on ``hostname`` (already lower case, without ``www.``),
    or None. One cache round trip when cached; otherwise one query, then cached."""
    from tenants.models import Domain

    cache = _cache()
    key = _entry_key(hostname)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    entry = found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    if generation is None:
        generation = _generation(cache)
    with _in_public():
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        if domain is None:
            return None  # unknown hosts are not cached: anyone can send any Host header
        institution = domain.tenant
        # Its domains travel with it: primary_host / absolute_url cost no query later.
        prefetch_related_objects([institution], "domains")
    cache.set(key, (generation, institution), timeout=_timeout())
    return institution


def _new_generation() -> None:
    _cache().set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def hosts_changed() -> None:
    """A domain or an institution changed: every cached host is stale, now and after
    the surrounding transaction (if any) commits."""
    _new_generation()
    transaction.on_commit(_new_generation, robust=True)


def _on_change(sender, **kwargs) -> None:
    hosts_changed()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from tenants.models import Domain, Institution

    for model in (Institution, Domain):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"hosts-{model.__name__}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"hosts-{model.__name__}-delete")
