"""The portal's search index and residents' summaries, in the public schema.

Each institution publishes what residents may find (facilities, programs,
notices, job postings, pages, disclosures, open documents, the institution
itself) and each person's own items (their bookings, their program
applications). The portal reads only these tables — never a UNION over
institution schemas — so it stays one query with many institutions and keeps
working when schemas move to other nodes.

Links are not stored: an entry keeps a route name and its arguments (or a path
on the institution's host) and the link is built when shown.
"""

import functools

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

TENANT_URLCONF = "suite.urls_tenant"


@functools.lru_cache(maxsize=4096)
def _tenant_path(route: str, args: tuple, script_prefix: str) -> str:
    """A route on an institution's host, reversed once per (route, args): the portal shows
    many entries per page and the URLconf does not change while the process runs."""
    return reverse(route, args=args, urlconf=TENANT_URLCONF)


class PortalEntry(models.Model):
    institution = models.ForeignKey(
        "tenants.Institution", on_delete=models.CASCADE, related_name="portal_entries"
    )
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # A path on the institution's host ("/facilities/3/"), for entries without a route.
    url = models.CharField(max_length=500, blank=True)
    route = models.CharField(max_length=80, blank=True)
    route_args = models.JSONField(default=list, blank=True)
    # Set for personal items (a person's booking): only that person sees them.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="portal_entries",
    )
    data = models.JSONField(default=dict, blank=True)
    # Search: weighted bigram lexemes (portal/korean.py), the title without spaces
    # for "exact title" ranking, and facets/filters as columns.
    search = SearchVectorField(null=True)
    # The title's lexemes alone (small, kept in the row): "is every word in the title" is
    # answered without reading the whole document's vector (portal/search.py).
    title_search = SearchVectorField(null=True)
    title_key = models.CharField(max_length=200, blank=True)
    # About one entry in ten (by a hash of its identity): the sample that estimates
    # counts and facets when a query matches more than the exact limit.
    sample = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    facility_kind = models.CharField(max_length=20, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    fee = models.PositiveIntegerField(null=True, blank=True)
    district = models.CharField(max_length=30, blank=True)
    audience = models.CharField(max_length=20, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    # Venues: the rules the "free on …" filter needs besides hours and busy periods.
    closes_on_holidays = models.BooleanField(default=False)
    book_ahead_days = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind", "key"], name="portal_entry_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "-updated_at"], name="portal_entry_kind_idx"),
            models.Index(fields=["owner", "kind"], name="portal_entry_owner_idx"),
            GinIndex(fields=["search"], name="portal_entry_search_gin"),
            GinIndex(fields=["title_search"], name="portal_entry_title_gin"),
            models.Index(fields=["title_key"], name="portal_entry_title_key_idx"),
            GinIndex(
                fields=["search"],
                name="portal_entry_sample_gin",
                condition=models.Q(sample=True),
            ),
            models.Index(
                fields=["kind", "capacity"],
                name="portal_entry_venue_idx",
                condition=models.Q(kind="facility"),
            ),
            models.Index(
                fields=["starts_at", "ends_at"],
                name="portal_entry_calendar_idx",
                condition=models.Q(starts_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.title}"

    @property
    def path(self) -> str:
        """The path on the institution's host (route resolved now)."""
        if self.route:
            from django.urls import get_script_prefix

            args = tuple(self.route_args or ())
            try:
                return _tenant_path(self.route, args, get_script_prefix())
            except TypeError:  # arguments that cannot be a cache key
                return reverse(self.route, args=args, urlconf=TENANT_URLCONF)
            except NoReverseMatch:
                return "/"
        if self.url.startswith("/"):
            return self.url
        # Entries written before links were built when shown held absolute URLs.
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    @property
    def is_open(self) -> bool:
        """Still taking applications (job postings, programs): the deadline is ahead."""
        from django.utils import timezone

        return self.closes_at is None or self.closes_at > timezone.now()

    @property
    def state_label(self) -> str:
        """Programs: where the application window stands now (the index keeps the counts)."""
        import datetime as dt

        from django.utils import timezone

        now = timezone.now()
        data = self.data or {}
        opens = data.get("opens_at")
        if opens and dt.datetime.fromisoformat(opens) > now:
            return str(_("접수 예정"))
        if self.closes_at is not None and self.closes_at <= now:
            return str(_("접수 마감"))
        if data.get("remaining", 0) > 0:
            return str(_("접수 중 (잔여 %(n)s명)") % {"n": data["remaining"]})
        if data.get("waitlist_left", 0) > 0:
            return str(_("대기 접수 중"))
        return str(_("정원 마감"))

    @property
    def link(self) -> str:
        """The absolute URL on the institution's current host and port."""
        return self.institution.absolute_url(self.path)


class VenueHours(models.Model):
    """Opening hours of a listed venue, per weekday (0 = Monday). No row: closed."""

    entry = models.ForeignKey(PortalEntry, on_delete=models.CASCADE, related_name="venue_hours")
    weekday = models.PositiveSmallIntegerField()
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "weekday"], name="portal_venue_hours_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class VenueBusy(models.Model):
    """A period a listed venue cannot start a new booking in (held, blocked, closed day).

    Held periods are stored widened by the venue's buffer before them, so "is
    [from, to) free" is one overlap test.
    """

    class Reason(models.TextChoices):
        HELD = "held", _("예약·사용 제한")
        CLOSED = "closed", _("휴관")

    entry = models.ForeignKey(PortalEntry, on_delete=models.CASCADE, related_name="venue_busy")
    period = DateTimeRangeField()
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.HELD)

    class Meta:
        indexes = [models.Index(fields=["entry"], name="portal_venue_busy_entry")]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.reason} {self.period}"
