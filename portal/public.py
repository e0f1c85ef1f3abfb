"""The portal's contract with the apps that publish to it.

Two ways in:

- ``changed(kind=…, key=…)`` — the normal way. Call it inside the transaction
  that changed something public; after commit a background task
  (``portal.tasks.refresh_entries``) runs in the institution's schema, asks the
  kind's registered *source* what the item looks like now and writes (or
  removes) its entry. Idempotent: the source of truth is re-read every time,
  so out-of-order or repeated tasks converge on the current state.
- ``publish(…)`` / ``withdraw(…)`` — write an entry with the given content
  right now, joining the caller's transaction (the older contract; personal
  summaries such as bookings and applications use it so the resident sees the
  change at once). For public kinds a ``changed()`` follows, so the source's
  complete entry (facets, venue hours and busy periods) replaces it after commit.

Sources register in their app's ``AppConfig.ready`` with ``register_source``.
The resident's hub (``/my/``) shows the blocks apps add with ``register_hub_section``
(a ``HubSection``), also from ``AppConfig.ready``.
Hidden institutions (suspended, archived) are filtered when reading, so a
status change needs no re-indexing and takes effect at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import QuerySet

from portal import korean
from portal.models import PortalEntry, VenueBusy, VenueHours
from tenants.models import Institution

logger = logging.getLogger(__name__)

PERSONAL_KINDS = ("booking", "application")


@dataclass
class Venue:
    """What the "free on a date and time" filter needs to know about a facility."""

    hours: dict[int, tuple[dt.time, dt.time]]
    busy: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    closed: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    closes_on_holidays: bool = False
    book_ahead_days: int | None = None


@dataclass
class Doc:
    """One public item as a source describes it. ``keywords`` are searchable, never shown."""

    title: str
    summary: str = ""
    body: str = ""
    keywords: str = ""
    subtitle: str = ""  # searchable with weight B (a facility's place, a program's instructor)
    route: str = ""
    route_args: list = field(default_factory=list)
    published_at: dt.datetime | None = None
    facility_kind: str = ""
    capacity: int | None = None
    fee: int | None = None
    district: str = ""
    audience: str = ""
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    data: dict = field(default_factory=dict)
    venue: Venue | None = None


@dataclass
class Source:
    kind: str
    label: str
    # keys → {key: Doc or None (not public: withdraw)}; runs in the institution's schema
    load: Callable[[list[str]], dict[str, Doc | None]]
    # every key that is public now (for rebuilds); runs in the institution's schema
    all_keys: Callable[[], Iterable[str]]
    order: int = 50


_SOURCES: dict[str, Source] = {}


def register_source(
    kind: str, *, label, load, keys, order: int = 50
) -> None:  # called from AppConfig.ready
    _SOURCES[kind] = Source(kind=kind, label=label, load=load, all_keys=keys, order=order)


_DISTRICT_RESOLVER: list[Callable] = []


def register_district_resolver(resolver: Callable) -> None:
    """``resolver(institution) -> str``: the institution's district (구/군), read in its schema."""
    _DISTRICT_RESOLVER[:] = [resolver]


def district_resolver() -> Callable | None:
    return _DISTRICT_RESOLVER[0] if _DISTRICT_RESOLVER else None


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.kind))


def public_kinds() -> list[str]:
    return [s.kind for s in sources()]


def kind_label(kind: str) -> str:
    source = _SOURCES.get(kind)
    return str(source.label) if source else kind


# -- the resident's hub: sections other apps contribute ------------------------------------


@dataclass(frozen=True)
class HubSection:
    """A block of the resident's hub (``/my/``): ``items(user)`` → list of dicts the
    ``template`` renders."""

    key: str
    title: str
    items: Callable
    template: str
    order: int = 50


_HUB_SECTIONS: dict[str, HubSection] = {}


def register_hub_section(section: HubSection) -> None:
    """Called from an app's AppConfig.ready; the same key again replaces it."""
    _HUB_SECTIONS[section.key] = section


def hub_sections() -> list[HubSection]:
    return sorted(_HUB_SECTIONS.values(), key=lambda s: (s.order, s.key))


# -- writing -------------------------------------------------------------------------


def _vector(doc: Doc) -> str:
    return korean.tsvector_literal(
        [
            (doc.title, "A"),
            (doc.subtitle, "B"),
            (doc.summary, "C"),
            (doc.body, "C"),
            (doc.keywords, "D"),
        ]
    )


def search_extras(*, institution_id, kind: str, key, title: str, published_at) -> dict:
    """The derived search columns of a public entry: the title's lexemes and whether the
    entry is in the one-in-ten sample (a stable hash of its identity)."""
    import hashlib

    digest = hashlib.blake2b(f"{institution_id}:{kind}:{key}".encode(), digest_size=4).digest()
    return {
        "title_search": korean.tsvector_literal([(title, "A")]) or None,
        "sample": int.from_bytes(digest, "big") % 10 == 0,
    }


def _values(institution: Institution, kind: str, key: str, doc: Doc) -> dict:
    """The columns of a public entry as the source describes it."""
    return {
        "title": doc.title[:200],
        "summary": doc.summary,
        "url": "",
        "route": doc.route,
        "route_args": list(doc.route_args),
        "owner": None,
        "data": doc.data,
        "search": _vector(doc),
        "title_key": korean.compact(doc.title)[:200],
        "published_at": doc.published_at,
        "facility_kind": doc.facility_kind,
        "capacity": doc.capacity,
        "fee": doc.fee,
        "district": doc.district[:30],
        "audience": doc.audience,
        "starts_at": doc.starts_at,
        "ends_at": doc.ends_at,
        "closes_at": doc.closes_at,
        "closes_on_holidays": bool(doc.venue and doc.venue.closes_on_holidays),
        "book_ahead_days": doc.venue.book_ahead_days if doc.venue else None,
        **search_extras(
            institution_id=institution.pk,
            kind=kind,
            key=key,
            title=doc.title,
            published_at=doc.published_at,
        ),
    }


# Rows per INSERT … ON CONFLICT statement when writing many entries (a rebuild).
WRITE_BATCH = 500


def _write(institution: Institution, kind: str, key: str, doc: Doc) -> PortalEntry:
    return _write_many(institution, kind, [(key, doc)])[0]


def _write_many(
    institution: Institution, kind: str, docs: list[tuple[str, Doc]]
) -> list[PortalEntry]:
    """Create or update the entries of ``(key, doc)`` pairs and their venue summaries in a
    few statements per ``WRITE_BATCH`` rows (an upsert on the entry's identity, so ids and
    search rows stay stable), not one round trip per entry. Caller is in a transaction."""
    if not docs:
        return []
    entries = [
        PortalEntry(
            institution=institution, kind=kind, key=key, **_values(institution, kind, key, doc)
        )
        for key, doc in docs
    ]
    fields = [*_values(institution, kind, docs[0][0], docs[0][1]), "updated_at"]
    PortalEntry.objects.bulk_create(
        entries,
        batch_size=WRITE_BATCH,
        update_conflicts=True,
        unique_fields=["institution", "kind", "key"],
        update_fields=fields,
    )
    _write_venues([(entry, doc.venue) for entry, (_key, doc) in zip(entries, docs, strict=True)])
    return entries


def _write_venues(pairs: list[tuple[PortalEntry, Venue | None]]) -> None:
    """Replace the venue rows (hours, busy periods) of these entries, in batches."""
    ids = [entry.pk for entry, _venue in pairs]
    for start in range(0, len(ids), WRITE_BATCH):
        chunk = ids[start : start + WRITE_BATCH]
        VenueHours.objects.filter(entry_id__in=chunk).delete()
        VenueBusy.objects.filter(entry_id__in=chunk).delete()
    hours = []
    busy = []
    for entry, venue in pairs:
        if venue is None:
            continue
        hours.extend(
            VenueHours(entry=entry, weekday=day, opens=span[0], closes=span[1])
            for day, span in sorted(venue.hours.items())
        )
        busy.extend(
            VenueBusy(entry=entry, period=DateTimeTZRange(s, e, "[)"), reason=VenueBusy.Reason.HELD)
            for s, e in venue.busy
        )
        busy.extend(
            VenueBusy(
                entry=entry, period=DateTimeTZRange(s, e, "[)"), reason=VenueBusy.Reason.CLOSED
            )
            for s, e in venue.closed
        )
    VenueHours.objects.bulk_create(hours, batch_size=WRITE_BATCH * 4)
    VenueBusy.objects.bulk_create(busy, batch_size=WRITE_BATCH * 4)


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
    route: str = "",
    route_args=(),
) -> None:
    """Create or update the entry (institution, kind, key) now, in the caller's transaction.

    ``url`` may be a path or (older callers) an absolute URL: only its path is kept.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "") if url else ""
    doc = Doc(title=title, summary=summary)
    PortalEntry.objects.update_or_create(
        institution=institution,
        kind=kind,
        key=str(key),
        defaults={
            "title": title[:200],
            "summary": summary,
            "url": path,
            "route": route,
            "route_args": list(route_args),
            "owner": owner,
            "data": data or {},
            "search": None if owner is not None else _vector(doc),
            "title_key": korean.compact(title)[:200],
            **(
                {"title_search": None, "sample": False}
                if owner is not None
                else search_extras(
                    institution_id=institution.pk,
                    kind=kind,
                    key=str(key),
                    title=title,
                    published_at=None,
                )
            ),
        },
    )
    if owner is None and kind in _SOURCES:
        changed(kind=kind, key=key, institution=institution)


def withdraw(*, institution, kind: str, key) -> None:
    """Remove the entry if present (in the caller's transaction)."""
    PortalEntry.objects.filter(institution=institution, kind=kind, key=str(key)).delete()
    if kind in _SOURCES:
        changed(kind=kind, key=key, institution=institution)


# -- after commit: the background refresh --------------------------------------------


def _schema_of(institution) -> str:
    if institution is not None:
        return institution.schema_name
    return connection.schema_name


def changed(*, kind: str, key, institution=None) -> None:
    """Refresh this item's entry from its source after the current transaction commits."""
    schema = _schema_of(institution)
    if not schema or schema == "public" and kind != "institution":
        return
    pending = connection.__dict__.setdefault("_portal_pending", {})
    pending.setdefault(schema, set()).add((kind, str(key)))
    transaction.on_commit(_flush, robust=True)


def changed_all(*kinds: str, institution=None) -> None:
    """Refresh every public entry of these kinds (each registered source's keys) after
    commit — e.g. the district, a facet of facilities and notices, changed."""
    for kind in kinds:
        source = _SOURCES.get(kind)
        if source is None:
            continue
        for key in source.all_keys():
            changed(kind=kind, key=key, institution=institution)


def institution_doc(institution, *, about: str = "") -> Doc:
    """The institution's own entry (name, address, phone, district); the site's source
    adds its greeting as ``about``."""
    from portal.sources import institution_doc as build

    return build(institution, about=about)


def _flush() -> None:
    pending = connection.__dict__.pop("_portal_pending", {})
    from portal.tasks import refresh_entries

    for schema, items in pending.items():
        refresh_entries.enqueue(schema_name=schema, items=sorted([list(i) for i in items]))


def refresh(schema_name: str, items: Iterable[tuple[str, str]]) -> dict:
    """Bring the entries of (kind, key) items up to date with their sources. Returns counts."""
    from django_tenants.utils import schema_context, schema_exists

    institution = Institution.objects.filter(schema_name=schema_name).first()
    counts = {"written": 0, "withdrawn": 0}
    if institution is None or not schema_exists(schema_name):
        return counts
    by_kind: dict[str, list[str]] = {}
    for kind, key in items:
        by_kind.setdefault(kind, []).append(str(key))
    for kind, keys in by_kind.items():
        source = _SOURCES.get(kind)
        if source is None:
            continue
        with schema_context(schema_name):
            docs = source.load(keys) if institution.status != Institution.Status.ARCHIVED else {}
            with transaction.atomic():
                gone = [key for key in keys if docs.get(key) is None]
                if gone:
                    deleted, per_model = PortalEntry.objects.filter(
                        institution=institution, kind=kind, key__in=gone, owner__isnull=True
                    ).delete()
                    counts["withdrawn"] += per_model.get(PortalEntry._meta.label, 0)
                present = [
                    (key, doc) for key in dict.fromkeys(keys) if (doc := docs.get(key)) is not None
                ]
                _write_many(institution, kind, present)
                counts["written"] += len(present)
    return counts


def rebuild(institution: Institution) -> dict:
    """Re-create every public entry of one institution from its sources; drop the rest.

    Personal summaries (bookings, applications) are left alone.
    """
    from django_tenants.utils import schema_context

    counts = {"written": 0, "withdrawn": 0}
    with schema_context(institution.schema_name), transaction.atomic():
        seen: set[tuple[str, str]] = set()
        if institution.status != Institution.Status.ARCHIVED:
            for source in sources():
                keys = list(dict.fromkeys(str(k) for k in source.all_keys()))
                for start in range(0, len(keys), WRITE_BATCH):
                    chunk = keys[start : start + WRITE_BATCH]
                    docs = source.load(chunk)
                    present = [(key, doc) for key in chunk if (doc := docs.get(key)) is not None]
                    _write_many(institution, source.kind, present)
                    seen.update((source.kind, key) for key, _doc in present)
                    counts["written"] += len(present)
        stale = [
            pk
            for pk, kind, key in PortalEntry.objects.filter(
                institution=institution, owner__isnull=True
            ).values_list("pk", "kind", "key")
            if (kind, key) not in seen
        ]
        for start in range(0, len(stale), WRITE_BATCH * 10):
            PortalEntry.objects.filter(pk__in=stale[start : start + WRITE_BATCH * 10]).delete()
        counts["withdrawn"] = len(stale)
    return counts


# -- reading -------------------------------------------------------------------------


def visible() -> QuerySet:
    """Entries of active institutions only (suspended and archived ones vanish at once).

    Each entry's ``link`` is on its institution's host: the institutions' domains come
    in one more query for the whole list, not one per entry."""
    return (
        PortalEntry.objects.filter(institution__status=Institution.Status.ACTIVE)
        .select_related("institution")
        .prefetch_related("institution__domains")
    )


def personal(user, *, kind: str = "booking", include_suspended: bool = False) -> QuerySet:
    """A person's own entries of one kind across every active institution; with
    ``include_suspended`` those of suspended institutions too (the hub keeps a resident's
    bookings there in sight, marked, while the institution's own pages are closed)."""
    if not getattr(user, "is_authenticated", False):
        return PortalEntry.objects.none()
    if not include_suspended:
        return visible().filter(owner=user, kind=kind)
    return (
        PortalEntry.objects.filter(
            owner=user,
            kind=kind,
            institution__status__in=(Institution.Status.ACTIVE, Institution.Status.SUSPENDED),
        )
        .select_related("institution")
        .prefetch_related("institution__domains")
    )
