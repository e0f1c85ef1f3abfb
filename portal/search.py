"""One ranked search over everything every active institution publishes.

- Text: bigram lexemes (portal/korean.py) in a GIN-indexed tsvector, ranked
  with ``ts_rank_cd`` (title A > place B > body C > keywords D), then boosted:
  a title equal to / containing the query (spaces ignored) ×3 / ×2, recent
  notices above old ones, closed postings and finished programs lower.
- Filters: type, institution, facility kind, district, audience, capacity, fee,
  and "free from … to …" — answered from the venue summary (VenueHours,
  VenueBusy) in the same one query, whatever the number of institutions.
- Facets: counts per type, institution, facility kind and district (GROUPING SETS
  over the matching rows, or over the one-in-ten sample) in the same statement: a
  search with filters is two round trips (the page, count and facets; the entries), a
  search from the box one (a prepared statement that brings the entries too).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal import korean, public
from portal.interpret import DEFAULT_SPAN, interpret
from portal.models import PortalEntry, VenueBusy, VenueHours
from suite import dates, queries
from tenants.models import Institution

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_QUERY = 100
MAX_AHEAD_DAYS = 730

FACILITY_KINDS = {
    "hall": gettext_lazy("공연장·강당"),
    "gym": gettext_lazy("체육관"),
    "meeting_room": gettext_lazy("회의실"),
    "field": gettext_lazy("운동장"),
    "studio": gettext_lazy("연습실·스튜디오"),
    "classroom": gettext_lazy("강의실"),
    "other": gettext_lazy("기타"),
}
AUDIENCES = {
    "all": gettext_lazy("누구나"),
    "child": gettext_lazy("어린이"),
    "youth": gettext_lazy("청소년"),
    "adult": gettext_lazy("성인"),
    "senior": gettext_lazy("어르신"),
    "family": gettext_lazy("가족"),
    "disabled": gettext_lazy("장애인"),
}
KIND_PRIOR = {"institution": 1.3, "facility": 1.2, "program": 1.2, "page": 1.05, "job": 1.0}
DATED_KINDS = ("notice", "document", "disclosure", "job")

ERRORS = {
    "free_pair": gettext_lazy("시작과 종료 시각을 함께 입력해 주세요."),
    "free_format": gettext_lazy("날짜와 시각은 2026-12-05T14:00 형식으로 입력해 주세요."),
    "free_order": gettext_lazy("종료 시각은 시작 시각보다 뒤여야 합니다."),
    "free_same_day": gettext_lazy("하루 안의 시간대만 찾을 수 있습니다."),
    "free_past": gettext_lazy("지나간 시간은 찾을 수 없습니다."),
    "free_far": gettext_lazy("2년 안의 날짜만 찾을 수 있습니다."),
    "number": gettext_lazy("0 이상의 정수를 입력해 주세요."),
    "type": gettext_lazy("알 수 없는 종류입니다."),
    "kind": gettext_lazy("알 수 없는 시설 종류입니다."),
    "audience": gettext_lazy("알 수 없는 대상입니다."),
    "page": gettext_lazy("페이지 번호가 올바르지 않습니다."),
    "date": gettext_lazy("날짜는 2026-12-05 형식으로 입력해 주세요."),
    "time": gettext_lazy("시각은 14:00 형식으로 입력해 주세요."),
}


@dataclass
class SearchParams:
    q: str = ""
    types: list[str] = field(default_factory=list)
    institutions: list[str] = field(default_factory=list)
    facility_kinds: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    audience: str = ""
    capacity: int | None = None
    fee_max: int | None = None
    free_from: dt.datetime | None = None
    free_to: dt.datetime | None = None
    page: int = 1
    page_size: int = PAGE_SIZE
    interpret: bool = True
    # filled by prepare(): what the box said besides words
    chips: list[dict] = field(default_factory=list)
    text: str = ""

    @property
    def is_venue_search(self) -> bool:
        return self.free_from is not None or self.capacity is not None


# -- reading request parameters -----------------------------------------------------


def _int(value, errors, name, *, minimum=0, maximum=10**7):
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[name] = [str(ERRORS["number"])]
        return None
    if number < minimum or number > maximum:
        errors[name] = [str(ERRORS["number"])]
        return None
    return number


def _datetime(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _list(data, name) -> list[str]:
    getter = getattr(data, "getlist", None)
    values = getter(name) if getter else ([data[name]] if data.get(name) else [])
    out = []
    for value in values:
        out.extend(v.strip() for v in str(value).split(",") if v.strip())
    return list(dict.fromkeys(out))[:20]


def parse(data, *, now=None, strict: bool = True) -> tuple[SearchParams, dict[str, list[str]]]:
    """SearchParams from a query dict (page or API) and the errors per field, in Korean.

    Accepts ``free_from``/``free_to`` as ISO date-times, or the page's
    ``date`` + ``time_from`` + ``time_to``. Not ``strict`` (the page): unknown choices
    and page numbers from an edited address are dropped instead of refused.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    params = SearchParams(q=(data.get("q") or "").strip()[:MAX_QUERY])
    kinds = public.public_kinds()
    params.types = [t for t in _list(data, "type") + _list(data, "kind_of") if t]
    if any(t not in kinds for t in params.types):
        errors["type"] = [str(ERRORS["type"])]
        params.types = [t for t in params.types if t in kinds]
    params.institutions = _list(data, "institution")
    params.facility_kinds = _list(data, "kind")
    if any(k not in FACILITY_KINDS for k in params.facility_kinds):
        errors["kind"] = [str(ERRORS["kind"])]
        params.facility_kinds = [k for k in params.facility_kinds if k in FACILITY_KINDS]
    params.districts = _list(data, "district")
    audience = (data.get("audience") or "").strip()
    if audience and audience not in AUDIENCES:
        errors["audience"] = [str(ERRORS["audience"])]
    else:
        params.audience = audience
    params.capacity = _int(data.get("capacity"), errors, "capacity", maximum=100000)
    params.fee_max = _int(data.get("fee_max"), errors, "fee_max")
    page = _int(data.get("page"), errors, "page", minimum=1, maximum=10000)
    params.page = page or 1
    size = _int(data.get("page_size"), errors, "page_size", minimum=1, maximum=10**6)
    params.page_size = min(size or PAGE_SIZE, MAX_PAGE_SIZE)
    params.interpret = (data.get("interpret") or "1") not in ("0", "false", "no")

    free_from, free_to = data.get("free_from") or "", data.get("free_to") or ""
    day = (data.get("date") or "").strip()
    if day and not (free_from or free_to):
        try:
            day_value = dt.date.fromisoformat(day)
        except ValueError:
            errors["date"] = [str(ERRORS["date"])]
            day_value = None
        spans = []
        for name, default in (("time_from", DEFAULT_SPAN[0]), ("time_to", DEFAULT_SPAN[1])):
            raw = (data.get(name) or "").strip()
            try:
                spans.append(dt.time.fromisoformat(raw) if raw else default)
            except ValueError:
                errors[name] = [str(ERRORS["time"])]
                spans.append(default)
        if day_value is not None and "time_from" not in errors and "time_to" not in errors:
            free_from = dt.datetime.combine(day_value, spans[0]).isoformat()
            free_to = (
                dt.datetime.combine(day_value + dt.timedelta(days=1), dt.time(0))
                if spans[1] == dt.time(0)
                else dt.datetime.combine(day_value, spans[1])
            ).isoformat()
    if free_from or free_to:
        start, end = _datetime(free_from), _datetime(free_to)
        field_name = "free_from" if "date" not in data else "date"
        if not (free_from and free_to):
            errors["free_to" if free_from else field_name] = [str(ERRORS["free_pair"])]
        elif start is None or end is None:
            errors["free_from" if start is None else "free_to"] = [str(ERRORS["free_format"])]
        elif end <= start:
            errors["free_to" if "date" not in data else "time_to"] = [str(ERRORS["free_order"])]
        elif not _same_day(start, end):
            errors["free_to"] = [str(ERRORS["free_same_day"])]
        elif end <= now:
            errors[field_name] = [str(ERRORS["free_past"])]
        elif start > now + dt.timedelta(days=MAX_AHEAD_DAYS):
            errors[field_name] = [str(ERRORS["free_far"])]
        else:
            params.free_from, params.free_to = start, end
    if not strict:
        for name in ("type", "kind", "audience", "page", "page_size"):
            errors.pop(name, None)
    return params, errors


def _same_day(start: dt.datetime, end: dt.datetime) -> bool:
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() == end.date():
        return True
    return end.date() == start.date() + dt.timedelta(days=1) and end.time() == dt.time(0)


# -- interpreting the box -------------------------------------------------------------


def _weekday_label(day: dt.date) -> str:
    return dates.weekday_label(day.weekday())


def korean_date(value) -> str:
    """2026. 11. 25. (Nov 25, 2026 in English)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return _kdate(value, get_language())


@functools.lru_cache(maxsize=2048)
def _kdate(day: dt.date, language: str | None) -> str:
    """A date as the current language writes it, formatted once per (date, language): a
    page of hits shows two dates each (the item's, and the day of the search)."""
    return dates.kdate(day)


def prepare(params: SearchParams, *, now=None) -> SearchParams:
    """Read filter phrases out of the query text (once) and describe every filter as a chip."""
    now = now or timezone.now()
    params.text = params.q
    if params.interpret and params.q:
        reading = interpret(params.q, today=timezone.localtime(now).date())
        if reading.phrases:
            params.text = reading.text
            if reading.capacity is not None and params.capacity is None:
                params.capacity = reading.capacity
            window = reading.window()
            if (
                window
                and params.free_from is None
                and window[1] > now
                and window[0] <= now + dt.timedelta(days=MAX_AHEAD_DAYS)
            ):
                params.free_from, params.free_to = window
            if reading.free_only and params.fee_max is None:
                params.fee_max = 0
    if params.capacity is not None:
        params.chips.append(
            {"name": "capacity", "label": _("%(n)s명 이상") % {"n": f"{params.capacity:,}"}}
        )
    if params.free_from is not None:
        start, end = timezone.localtime(params.free_from), timezone.localtime(params.free_to)
        end_label = "24:00" if end.time() == dt.time(0) else f"{end:%H:%M}"
        params.chips.append(
            {
                "name": "free",
                "label": _("%(date)s (%(weekday)s) %(start)s–%(end)s 비어 있음")
                % {
                    "date": korean_date(start.date()),
                    "weekday": _weekday_label(start.date()),
                    "start": f"{start:%H:%M}",
                    "end": end_label,
                },
            }
        )
    if params.fee_max is not None:
        params.chips.append(
            {
                "name": "fee_max",
                "label": _("무료")
                if params.fee_max == 0
                else _("%(n)s원 이하") % {"n": f"{params.fee_max:,}"},
            }
        )
    return params


# -- the query ----------------------------------------------------------------------


def _base() -> QuerySet:
    """Public entries (personal ones have an owner) of active institutions. Hidden
    (suspended, archived) institutions are few: excluding their ids (a hashed subquery)
    costs less per row than joining every row to its institution."""
    hidden = Institution.objects.exclude(status=Institution.Status.ACTIVE).values("pk")
    return PortalEntry.objects.filter(owner__isnull=True).exclude(institution_id__in=hidden)


def _filtered(params: SearchParams, *, facets: bool = False) -> QuerySet:
    """Entries passing every filter; with ``facets`` the faceted dimensions are left open."""
    qs = _base()
    if not facets:
        if params.types:
            qs = qs.filter(kind__in=params.types)
        if params.institutions:
            ids = Institution.objects.filter(slug__in=params.institutions).values_list("pk")
            qs = qs.filter(institution_id__in=list(ids))
        if params.facility_kinds:
            qs = qs.filter(facility_kind__in=params.facility_kinds)
        if params.districts:
            qs = qs.filter(district__in=params.districts)
    if params.audience:
        qs = qs.filter(audience__in=[params.audience, "all"])
    if params.fee_max is not None:
        qs = qs.filter(fee__lte=params.fee_max)
    if params.capacity is not None:
        qs = qs.filter(kind="facility", capacity__gte=params.capacity)
    if params.free_from is not None:
        qs = free_between(qs, params.free_from, params.free_to)
    return qs


def free_between(qs: QuerySet, start: dt.datetime, end: dt.datetime) -> QuerySet:
    """Venues open for all of [start, end) (same day), not held, not closed, bookable that far ahead."""
    from facility_booking.public.for_portal import holiday_name

    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    day = local_start.date()
    closes = dt.time(23, 59, 59) if local_end.time() == dt.time(0) else local_end.time()
    hours = VenueHours.objects.filter(
        entry=OuterRef("pk"),
        weekday=day.weekday(),
        opens__lte=local_start.time(),
        closes__gte=closes,
    )
    busy = VenueBusy.objects.filter(
        entry=OuterRef("pk"), period__overlap=DateTimeTZRange(start, end, "[)")
    )
    days_ahead = (day - timezone.localdate()).days
    qs = (
        qs.filter(kind="facility")
        .filter(Exists(hours))
        .exclude(Exists(busy))
        .filter(Q(book_ahead_days__isnull=True) | Q(book_ahead_days__gte=days_ahead))
    )
    if holiday_name(day):
        qs = qs.filter(closes_on_holidays=False)
    return qs


def _query(text: str, mode: str) -> tuple[SearchQuery | None, list[korean.QueryWord]]:
    words = korean.query_words(text)
    if not words:
        return None, []
    text = korean.tsquery(words, mode=mode)
    query = SearchQuery(text, search_type="raw", config="simple")
    query.tsquery_text = text  # the search's own statements pass it as a parameter
    return query, words


def _factors(qs: QuerySet, query: SearchQuery | None, text: str, now) -> tuple:
    """The score's cheap factors (title, kind prior, age, finished): read from the row."""
    key = korean.compact(text)
    title = Case(
        When(title_key=key, then=Value(3.0)),
        When(title_key__contains=key, then=Value(2.0)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    prior = Case(
        *[When(kind=k, then=Value(v)) for k, v in KIND_PRIOR.items()],
        default=Value(0.9),
        output_field=FloatField(),
    )
    # Dated items fade with age: ×1 today, ×0.8 a month ago, about ×0.63 after a year —
    # recent notices above old ones, and a fresh notice never above the facility it names.
    recency = RawSQL(
        "CASE WHEN portal_portalentry.kind = ANY(%s) AND portal_portalentry.published_at IS NOT NULL"
        " THEN 0.6 + 0.4 / (1.0 + GREATEST(EXTRACT(EPOCH FROM (%s - portal_portalentry.published_at)), 0) / 2592000.0)"
        " ELSE 1.0 END",
        (list(DATED_KINDS), now),
        output_field=FloatField(),
    )
    finished = Case(
        When(closes_at__lt=now, kind="job", then=Value(0.5)),
        When(ends_at__lt=now, then=Value(0.5)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    return title, prior, recency, finished


def _ranked(qs: QuerySet, query: SearchQuery, text: str, now) -> QuerySet:
    """The full score: ``ts_rank_cd`` over the whole document × the cheap factors."""
    rank = SearchRank(
        F("search"), query, weights=[0.1, 0.2, 0.4, 1.0], cover_density=True, normalization=32
    )
    title, prior, recency, finished = _factors(qs, query, text, now)
    return qs.filter(search=query).annotate(score=rank * title * prior * recency * finished)


def _cheap(qs: QuerySet, query: SearchQuery, text: str, now) -> QuerySet:
    """An estimate of the score without reading the document's vector: the title's own
    lexemes (every word in the title ×1.5) stand in for ``ts_rank_cd``. Picks candidates."""
    title, prior, recency, finished = _factors(qs, query, text, now)
    in_title = Case(
        When(title_search=query, then=Value(1.5)), default=Value(1.0), output_field=FloatField()
    )
    return qs.annotate(cheap=title * in_title * prior * recency * finished)


def matching(params: SearchParams, *, now=None) -> QuerySet:
    """Entries matching the text and filters, best first (a QuerySet; no facets)."""
    now = now or timezone.now()
    qs = _filtered(params)
    text = params.text if params.chips or params.text else params.q
    query, _words = _query(text, "all")
    if query is None:
        return qs.order_by(F("published_at").desc(nulls_last=True), "title", "id")
    return _ranked(qs, query, text, now).order_by("-score", "-published_at", "id")


@dataclass
class Hit:
    entry: object
    type_label: str
    title_html: str
    snippet_html: str
    link: str
    permalink: str
    citation: str


@dataclass
class Result:
    params: SearchParams
    hits: list[Hit]
    count: int
    facets: dict[str, list[dict]]
    relaxed: bool = False  # no entry had every word: entries with any word are shown
    # More than EXACT_LIMIT matches: ``count`` (and facets when ``facets_estimated``) are
    # estimates from the one-in-ten sample, and only the best EXACT_LIMIT can be paged to.
    estimated: bool = False
    facets_estimated: bool = False

    @property
    def reachable(self) -> int:
        return min(self.count, EXACT_LIMIT)

    @property
    def pages(self) -> int:
        return max(1, -(-self.reachable // self.params.page_size))

    @property
    def has_next(self) -> bool:
        return self.params.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.params.page > 1


EXACT_LIMIT = 1000
WINDOW = 40
SAMPLE_SCALE = 10
TITLE_LIMIT = 200  # title matches considered when there are more than EXACT_LIMIT matches
# The planner cannot know that testing ``@@`` on a row costs far more than a GIN lookup
# (its estimate for bigram queries is off by 10–30×), so the search tells it which access
# path to take, for its own transaction only: GIN bitmaps (which need no recheck of the
# document) for the matches, the sample and the title matches. Measured in bench/.
_BITMAP = (("enable_seqscan", "off"), ("enable_indexscan", "off"))
FACETS_SQL = (
    "SELECT 'f', GROUPING(kind, institution_id)::int, GROUPING(facility_kind, district)::int,"
    " kind::text, institution_id, facility_kind::text, district::text, COUNT(*)::bigint"
    " FROM {src} GROUP BY GROUPING SETS ((kind), (institution_id), (facility_kind), (district))"
)
COUNT_SQL = (
    "SELECT 'n', COUNT(*)::int, NULL::int, NULL::text, NULL::int, NULL::text, NULL::text,"
    " (COUNT(*) FILTER (WHERE ok))::bigint FROM {src}"
)
PAGE_SQL = (
    "SELECT 'p', (row_number() OVER ())::int, NULL::int, NULL::text, NULL::int, NULL::text,"
    " NULL::text, id::bigint FROM page"
)
# Without words: newest first; a venue search (capacity, free on …) lists the smallest
# venue that fits first (read in the order of the venue index: kind, capacity).
LISTING_ORDER = "published_at DESC NULLS LAST, title, id"
VENUE_ORDER = "capacity, title, id"
CANDIDATES_CTE = "candidates AS (SELECT id FROM m WHERE ok ORDER BY cheap DESC, {order} LIMIT %s)"
FIRST_SQL = "(SELECT id FROM ({w_sql}) AS w WHERE w.ok ORDER BY {order} LIMIT %s)"
# What the materialized CTEs keep: the columns their readers use (count, facets, candidates'
# order) and never ``matches`` — computing ``search @@ …`` in the select list reads (and
# decompresses) every row's whole document vector from TOAST, where the same test in the
# WHERE clause is answered by the GIN bitmap without it: about 14 of 18 ms counting the
# sample of "안내" (2,550 rows; EXPLAIN BUFFERS: 6,174 buffers for 1,811 heap blocks).
CTE_COLUMNS = (
    "w.id, w.kind, w.institution_id, w.facility_kind, w.district, w.published_at, w.title,"
    " w.capacity, w.ok, w.cheap"
)
SAMPLE_CTE = (
    "s AS MATERIALIZED (SELECT " + CTE_COLUMNS + " FROM ({w_sql}) AS w"  # noqa: S608 - constants
    " WHERE w.matches AND w.sample)"
)
SAMPLE_BEST_SQL = (
    "(SELECT id FROM s WHERE ok ORDER BY cheap DESC, published_at DESC NULLS LAST, title, id"
    " LIMIT %s)"
)
TITLE_BEST_SQL = (
    "(SELECT id FROM t ORDER BY cheap DESC, published_at DESC NULLS LAST, title, id LIMIT %s)"
)


def _execute(cursor, statement: str, args, hints=()) -> None:
    """Run ``statement`` with planner ``hints`` that hold for it alone, in one round trip.

    The hints and the statement go as one multi-statement query (client-side binding):
    PostgreSQL runs it as one implicit transaction, so ``SET LOCAL`` ends with it — no
    BEGIN, no separate ``set_config`` and no COMMIT round trips (each costs as much as a
    small statement on a busy server). Inside a caller's transaction the settings are put
    back at once. The cursor is left on the statement's result. Needs client-side
    binding (Django's default; tests/portal/test_search_round_trips.py checks it)."""
    if hints:
        sets = "".join(f"SET LOCAL {name} = {value};\n" for name, value in hints)
        resets = (
            "".join(f";\nSET LOCAL {name} TO DEFAULT" for name, _value in hints)
            if connection.in_atomic_block
            else ""
        )
        statement = sets + statement + resets
    cursor.execute(statement, args)
    while cursor.description is None and cursor.cursor.nextset():
        pass


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    """The ORM's own compiled SQL (every value stays a parameter)."""
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _facet_ok(params: SearchParams) -> tuple[str, list]:
    """The faceted filters (type, institution, facility kind, district) as SQL."""
    parts, args = [], []
    if params.types:
        parts.append("portal_portalentry.kind = ANY(%s)")
        args.append(list(params.types))
    if params.institutions:
        ids = Institution.objects.filter(slug__in=params.institutions).values_list("pk")
        parts.append("portal_portalentry.institution_id = ANY(%s)")
        args.append([pk for (pk,) in ids])
    if params.facility_kinds:
        parts.append("portal_portalentry.facility_kind = ANY(%s)")
        args.append(list(params.facility_kinds))
    if params.districts:
        parts.append("portal_portalentry.district = ANY(%s)")
        args.append(list(params.districts))
    return (" AND ".join(parts) or "TRUE"), args


# The score as SQL, for the search's own statements (``_ranked`` is the same formula for
# the ORM): ts_rank_cd (title A > place B > body C > keywords D) × title equal/contains ×
# kind prior × age (dated kinds) × finished. The cheap score replaces ts_rank_cd by "every
# word in the title" (the title's own small vector), readable without the whole document.
# In float8 throughout (literals cast, ``date_part`` for the age): numeric arithmetic
# (PostgreSQL's type for 1.5 or EXTRACT) cost about 2 µs a row — the sample's cheap
# scores for "안내" (2,550 rows) went from 19.7 to 14.8 ms (best of 7, load 10).
_PRIOR_SQL = (
    "CASE portal_portalentry.kind "
    + " ".join(f"WHEN '{k}' THEN {v}::float8" for k, v in KIND_PRIOR.items())
    + " ELSE 0.9::float8 END"
)
_FACTORS_SQL = (
    "(CASE WHEN portal_portalentry.title_key = %s THEN 3.0::float8"
    " WHEN portal_portalentry.title_key LIKE %s THEN 2.0::float8 ELSE 1.0::float8 END)"
    " * (" + _PRIOR_SQL + ")"
    " * (CASE WHEN portal_portalentry.kind = ANY(%s) AND portal_portalentry.published_at IS NOT NULL"
    " THEN 0.6::float8 + 0.4::float8 / (1.0::float8 + GREATEST(date_part('epoch',"
    " %s - portal_portalentry.published_at), 0::float8) / 2592000.0::float8)"
    " ELSE 1.0::float8 END)"
    " * (CASE WHEN portal_portalentry.closes_at < %s AND portal_portalentry.kind = 'job'"
    " THEN 0.5::float8 WHEN portal_portalentry.ends_at < %s THEN 0.5::float8 ELSE 1.0::float8 END)"
)
_RANK_SQL = (
    "ts_rank_cd('{0.1,0.2,0.4,1.0}'::real[], portal_portalentry.search,"
    " to_tsquery('simple', %s), 32)"
)
_IN_TITLE_SQL = "portal_portalentry.title_search @@ to_tsquery('simple', %s)"
_MATCHES_SQL = "portal_portalentry.search @@ to_tsquery('simple', %s)"


def _factor_args(text: str, now) -> list:
    key = korean.compact(text)
    return [key, f"%{key}%", list(DATED_KINDS), now, now, now]


def _order(params: SearchParams) -> str:
    return VENUE_ORDER if params.is_venue_search else LISTING_ORDER


def _page_sql(tsquery: str | None, text: str, now, params: SearchParams) -> tuple[str, list]:
    """The page: the ``candidates`` (a CTE of the statement) in full-score order."""
    offset = (params.page - 1) * params.page_size
    # = ANY(ARRAY(…)): the few candidates looked up by key
    where = "portal_portalentry.id = ANY(ARRAY(SELECT id FROM candidates))"
    if tsquery is None:
        sql = (
            "SELECT portal_portalentry.id FROM portal_portalentry WHERE "  # noqa: S608 - constants
            + where
            + " ORDER BY "
            + ", ".join(f"portal_portalentry.{c}" for c in _order(params).split(", "))
            + " LIMIT %s OFFSET %s"
        )
        return sql, [params.page_size, offset]
    sql = (
        "SELECT portal_portalentry.id, ("  # noqa: S608 - constants; values are parameters
        + _RANK_SQL
        + " * "
        + _FACTORS_SQL
        + ") AS score"
        " FROM portal_portalentry WHERE " + where + " ORDER BY score DESC,"
        " portal_portalentry.published_at DESC, portal_portalentry.id LIMIT %s OFFSET %s"
    )
    return sql, [tsquery, *_factor_args(text, now), params.page_size, offset]


def _split(rows) -> tuple[list, int, int, list[int], list[tuple]]:
    """A combined result: (facet rows, count passing every filter, count of rows read,
    page ids in order, other tagged rows)."""
    facets, count, total, page, other = [], 0, 0, [], []
    for tag, a, b, kind, inst, fac, dist, n in rows:
        if tag == "f":
            facets.append((a, b, kind, inst, fac, dist, n))
        elif tag == "n":
            count, total = n, a
        elif tag == "p":
            page.append((a, n))
        else:
            other.append((tag, n))
    return facets, count, total, [pk for _pos, pk in sorted(page)], other


def _prepared_enabled() -> bool:
    """``PORTAL_SEARCH_PREPARED = False`` (settings) sends the search box through the
    general path: for a pooler that hands each transaction another server session
    (PgBouncer's transaction mode), where a statement prepared once is not there later."""
    return getattr(settings, "PORTAL_SEARCH_PREPARED", True)


def _box_only(params: SearchParams) -> bool:
    """Words alone, no filter of any kind: the search box's one prepared statement."""
    return not (
        params.types
        or params.institutions
        or params.facility_kinds
        or params.districts
        or params.audience
        or params.fee_max is not None
        or params.capacity is not None
        or params.free_from is not None
    )


def _search(params: SearchParams, query, text: str, now, *, with_facets: bool) -> dict:
    """At most EXACT_LIMIT matches: one statement (candidates by the cheap score, the page
    ranked with the full score, the count and the facets). More: one statement from the
    one-in-ten sample (see ``_approximate``). The ORM compiles the filters once; the
    statements are built around that SQL (every value stays a parameter)."""
    offset = (params.page - 1) * params.page_size
    size = min(EXACT_LIMIT, max(WINDOW, -(-(offset + params.page_size) // WINDOW) * WINDOW))
    tsquery = query.tsquery_text if query is not None else None
    if tsquery is not None and _box_only(params) and _prepared_enabled():
        found = _box_search(params, tsquery, text, now, size, with_facets=with_facets)
        if found is not None:
            return found
    # the words' condition is a column (``matches``) the statements filter on, so the title
    # matches need not test the whole document's vector (a title's words are in it)
    wide = _filtered(params, facets=True).order_by()  # no default ordering: a LIMIT follows
    ok_sql, ok_args = _facet_ok(params)
    if tsquery is None:
        cheap = RawSQL("0.0", ())
        in_title = RawSQL("FALSE", ())
        matches = RawSQL("TRUE", ())
    else:
        matches = RawSQL(_MATCHES_SQL, (tsquery,))  # noqa: S611 - constant SQL
        cheap = RawSQL(  # noqa: S611 - constant SQL; values are parameters
            "(CASE WHEN "
            + _IN_TITLE_SQL
            + " THEN 1.5::float8 ELSE 1.0::float8 END) * "
            + _FACTORS_SQL,
            (tsquery, *_factor_args(text, now)),
        )
        in_title = RawSQL(_IN_TITLE_SQL, (tsquery,))  # noqa: S611 - constant SQL
    wide = wide.annotate(
        ok=RawSQL(ok_sql, tuple(ok_args), output_field=BooleanField()),  # noqa: S611
        cheap=cheap,
        in_title=in_title,
        matches=matches,
    ).values(
        "id", "kind", "institution_id", "facility_kind", "district", "published_at", "title",
        "title_key", "capacity", "sample", "ok", "cheap", "in_title", "matches",
    )  # fmt: skip
    w_sql, w_params = _sql(wide)
    w_params = list(w_params)
    estimated = facets_estimated = False
    facet_rows: list = []
    count, page_ids = 0, []
    opened = bool(params.types or params.institutions or params.facility_kinds or params.districts)
    # without words (a venue search) the planner's own choice
    hints = _BITMAP if tsquery is not None else ()
    with connection.cursor() as cursor:
        if tsquery is not None and not opened:
            found = _combined(cursor, params, tsquery, text, now, (w_sql, w_params), size, hints)
            if found is not None:
                facet_rows, count, page_ids, estimated = found
                facets_estimated = estimated
                facet_institutions = [r[3] for r in facet_rows if r[0] == 2]
                entries, names = _entries(cursor, page_ids, facet_institutions)
                return {
                    "count": count,
                    "estimated": estimated,
                    "facets": _facet_dict(names, facet_rows) if with_facets else {},
                    "facets_estimated": facets_estimated,
                    "rows": entries,
                }
        # the sample first (a tenth of the matches): a query that clearly matches more than
        # EXACT_LIMIT goes straight to the estimate, without reading EXACT_LIMIT rows first
        # — and when the sample has none, whether anything matches at all (a CASE runs its
        # subquery only then): a query without a match (every word of several, before the
        # search relaxes to any word) costs this one statement, not a second one that
        # finds nothing
        _execute(
            cursor,
            "SELECT p.n, p.ok, CASE WHEN p.n = 0 THEN EXISTS (SELECT 1 FROM"  # noqa: S608
            f" ({w_sql}) AS w WHERE w.matches) ELSE TRUE END FROM (SELECT COUNT(*) AS n,"
            f" COUNT(*) FILTER (WHERE w.ok) AS ok FROM ({w_sql}) AS w"
            " WHERE w.matches AND w.sample) AS p",
            [*w_params, *w_params],
            hints,
        )
        wide_sampled, narrow_sampled, any_match = cursor.fetchone()
        read = EXACT_LIMIT + 1
        wide_small = wide_sampled * SAMPLE_SCALE <= EXACT_LIMIT
        if not any_match:
            read = 0
        elif wide_small or (opened and narrow_sampled * SAMPLE_SCALE <= EXACT_LIMIT):
            # every match competes; with many matches but a narrow facet filter (one
            # institution, one type), only the filtered ones are read and the facets of
            # the whole come from the sample
            p_sql, p_params = _page_sql(tsquery, text, now, params)
            parts = [COUNT_SQL.format(src="m"), PAGE_SQL]
            ctes = [
                f"m AS MATERIALIZED (SELECT {CTE_COLUMNS} FROM ({w_sql}) AS w WHERE w.matches"  # noqa: S608
                + ("" if wide_small else " AND w.ok")
                + " LIMIT %s)"
            ]
            args = [*w_params, EXACT_LIMIT + 1]
            if with_facets and wide_small:
                parts.append(FACETS_SQL.format(src="m"))
            elif with_facets:
                ctes.append(SAMPLE_CTE.format(w_sql=w_sql))
                args += w_params
                parts.append(FACETS_SQL.format(src="s"))
            ctes += [
                CANDIDATES_CTE.format(order=_order(params)),
                f"page AS ({p_sql})",
            ]
            statement = "WITH " + ", ".join(ctes) + "\n" + "\nUNION ALL\n".join(parts)
            _execute(cursor, statement, [*args, size, *p_params], hints)
            facet_rows, count, read, page_ids, _other = _split(cursor.fetchall())
            if not wide_small:
                facets_estimated = True
                facet_rows = [(*r[:6], r[6] * SAMPLE_SCALE) for r in facet_rows]
        if read > EXACT_LIMIT:
            estimated = facets_estimated = True
            facet_rows, count, page_ids = _approximate(
                cursor, params, tsquery, text, now, (w_sql, w_params), size, with_facets, hints
            )
        facet_institutions = [r[3] for r in facet_rows if r[0] == 2]
        entries, names = _entries(cursor, page_ids, facet_institutions)
        facets = _facet_dict(names, facet_rows) if with_facets else {}
    return {
        "count": count,
        "estimated": estimated,
        "facets": facets,
        "facets_estimated": facets_estimated,
        "rows": entries,
    }


def _combined(cursor, params, tsquery, text, now, wide, size, hints) -> tuple | None:
    """Words without facet filters (the search box alone, most searches): the sample probe,
    the exact read and the estimate in ONE statement. The sample (a tenth of the matches)
    is read first; whether it holds more than EXACT_LIMIT / SAMPLE_SCALE rows gates the
    rest as a one-time filter (``(SELECT v FROM small)``: PostgreSQL runs a gated scan
    only when its condition holds) — up to EXACT_LIMIT + 1 matches read exactly, or the
    best title matches and exact titles next to the sample's best. Both counts and both
    facet sets come back tagged; the gate's side is used. Returns (facet rows, count, page
    ids, estimated), or None when the sample said few but more than EXACT_LIMIT matched
    (rare: the caller answers from the sample then)."""
    w_sql, w_params = wide
    order = _order(params)
    key = korean.compact(text)
    ctes = [
        SAMPLE_CTE.format(w_sql=w_sql),
        "small AS MATERIALIZED (SELECT COUNT(*) * %s <= %s AS v FROM s)",
        f"m AS MATERIALIZED (SELECT {CTE_COLUMNS} FROM ({w_sql}) AS w"  # noqa: S608
        " WHERE w.matches AND (SELECT v FROM small) LIMIT %s)",
        f"t AS MATERIALIZED (SELECT {CTE_COLUMNS} FROM ({w_sql}) AS w"  # noqa: S608
        " WHERE w.ok AND w.in_title AND NOT (SELECT v FROM small) LIMIT %s)",
        f"x AS (SELECT id FROM ({w_sql}) AS w WHERE w.ok AND w.in_title IS TRUE"  # noqa: S608
        " AND w.title_key = %s AND NOT (SELECT v FROM small)"
        " ORDER BY w.cheap DESC, w.published_at DESC NULLS LAST, w.id LIMIT %s)",
        "candidates AS ("  # noqa: S608 - constants; values are parameters
        f"(SELECT id FROM m WHERE ok ORDER BY cheap DESC, {order} LIMIT %s)"
        " UNION (SELECT id FROM s WHERE ok AND NOT (SELECT v FROM small)"
        " ORDER BY cheap DESC, published_at DESC NULLS LAST, title, id LIMIT %s)"
        f" UNION {TITLE_BEST_SQL} UNION SELECT id FROM x)",
    ]
    args = [
        *w_params,
        SAMPLE_SCALE,
        EXACT_LIMIT,
        *w_params,
        EXACT_LIMIT + 1,
        *w_params,
        TITLE_LIMIT,
        *w_params,
        key,
        size,
        size,
        size,
        size,
    ]
    p_sql, p_params = _page_sql(tsquery, text, now, params)
    ctes.append(f"page AS ({p_sql})")
    parts = [
        COUNT_SQL.format(src="m"),
        COUNT_SQL.replace("'n'", "'s'").format(src="s"),
        PAGE_SQL,
        FACETS_SQL.format(src="m"),
        FACETS_SQL.replace("'f'", "'g'").format(src="s"),
    ]
    statement = "WITH " + ", ".join(ctes) + "\n" + "\nUNION ALL\n".join(parts)
    _execute(cursor, statement, [*args, *p_params], hints)
    rows = cursor.fetchall()
    sample_rows = [("f", *r[1:]) for r in rows if r[0] == "g"]
    facet_rows, count, read, page_ids, other = _split([r for r in rows if r[0] != "g"])
    sampled = next(n for tag, n in other if tag == "s")
    if sampled * SAMPLE_SCALE <= EXACT_LIMIT:  # exact
        if read > EXACT_LIMIT:
            return None
        return facet_rows, count, page_ids, False
    sample_facets, _c, _r, _p, _o = _split(sample_rows)
    facet_rows = [(*r[:6], r[6] * SAMPLE_SCALE) for r in sample_facets]
    return facet_rows, max(sampled * SAMPLE_SCALE, EXACT_LIMIT + 1), page_ids, True


def _approximate(cursor, params, tsquery, text, now, wide, size, with_facets, hints) -> tuple:
    """More than EXACT_LIMIT matches, in one statement: the count and facets from the
    one-in-ten sample; the candidates are the best of the sample, the best of (at most
    TITLE_LIMIT) title matches and every entry titled exactly so (btree on title_key)."""
    w_sql, w_params = wide
    ctes = [SAMPLE_CTE.format(w_sql=w_sql)]
    args = [*w_params]
    if tsquery is None:  # no words to rank by: the first in the listing order, from all
        candidates = [FIRST_SQL.format(w_sql=w_sql, order=_order(params))]
        args += w_params
    else:
        candidates = [SAMPLE_BEST_SQL]
    tail = [size]
    if tsquery is not None:
        ctes += [
            f"t AS MATERIALIZED (SELECT {CTE_COLUMNS} FROM ({w_sql}) AS w"  # noqa: S608
            " WHERE w.ok AND w.in_title LIMIT %s)",
            # entries titled exactly like the query, found by the title_key btree alone:
            # "IS TRUE" keeps the words' test off the GIN indexes (a plain ``@@`` let the
            # planner AND in a bitmap of every match — 4,000 rows and 18 ms for "안전 점검
            # 실내체육관" — to find none); a title that is the query holds its words, so the
            # title's small vector is tested, not the document's
            f"x AS (SELECT id FROM ({w_sql}) AS w WHERE w.ok AND w.in_title IS TRUE"  # noqa: S608
            " AND w.title_key = %s ORDER BY w.cheap DESC, w.published_at DESC NULLS LAST,"
            " w.id LIMIT %s)",
        ]
        args += [*w_params, TITLE_LIMIT, *w_params, korean.compact(text), size]
        candidates += [TITLE_BEST_SQL, "SELECT id FROM x"]
        tail += [size]
    p_sql, p_params = _page_sql(tsquery, text, now, params)
    ctes += [f"candidates AS ({' UNION '.join(candidates)})", f"page AS ({p_sql})"]
    parts = [COUNT_SQL.format(src="s"), PAGE_SQL]
    if with_facets:
        parts.append(FACETS_SQL.format(src="s"))
    statement = "WITH " + ", ".join(ctes) + "\n" + "\nUNION ALL\n".join(parts)
    _execute(cursor, statement, [*args, *tail, *p_params], hints)
    facet_rows, sampled, _read, page_ids, _other = _split(cursor.fetchall())
    facet_rows = [(*r[:6], r[6] * SAMPLE_SCALE) for r in facet_rows]
    return facet_rows, max(sampled * SAMPLE_SCALE, EXACT_LIMIT + 1), page_ids


# -- the search box: one prepared statement, one round trip ----------------------------
#
# Words without any filter (the search box alone: most searches) are answered by ONE
# statement prepared once per database connection (``PREPARE``; ``EXECUTE`` after): the
# same CTEs as ``_combined`` — the sample, the gate on its size, the exact read or the
# title and exact-title candidates, the page ranked with the full score, both counts and
# facet sets — written once with numbered parameters (the words' tsquery made once, in
# the EXECUTE's arguments, not per row), plus the page's entries with their institutions
# (and primary hosts) and the facets' institution names. No ORM compiling, no parsing of
# a 10 KB statement, no second round trip for the entries; the server plans it once per
# connection (``plan_cache_mode = force_generic_plan`` with the statement's own hints).
# Other searches (filters, a venue search, the rare fallback) take the general path.

_BOX_HINTS = (*_BITMAP, ("plan_cache_mode", "force_generic_plan"))
# $1 the words (tsquery), $2 the title key, $3 its LIKE pattern, $4 now, $5 the window,
# $6 page size, $7 offset, $8 SAMPLE_SCALE, $9 EXACT_LIMIT, $10 TITLE_LIMIT, $11 DATED_KINDS
_BOX_TYPES = "tsquery, text, text, timestamptz, int, int, int, int, int, int, text[]"
_BOX_ARGS = "to_tsquery('simple', %s), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s"


def _box_fields() -> list:
    """The entry columns a hit shows: every concrete column but the two vectors."""
    return [
        f for f in PortalEntry._meta.concrete_fields if f.name not in ("search", "title_search")
    ]


@functools.lru_cache(maxsize=4)
def _box_sql(with_facets: bool) -> tuple[str, str]:
    """(statement name, statement text with $n parameters) of the search box."""
    factors = queries.numbered(
        _FACTORS_SQL.replace("portal_portalentry.", "e."), (2, 3, 11, 4, 4, 4)
    )
    in_title = "e.title_search @@ $1"
    cheap = f"(CASE WHEN {in_title} THEN 1.5::float8 ELSE 1.0::float8 END) * {factors}"
    rank = _RANK_SQL.replace("portal_portalentry.", "e.").replace("to_tsquery('simple', %s)", "$1")
    active = str(Institution.Status.ACTIVE)
    if not active.isalnum():
        raise ValueError(active)
    base = (
        "e.owner_id IS NULL AND e.institution_id NOT IN"  # noqa: S608 - a constant, checked
        f" (SELECT u.id FROM tenants_institution u WHERE u.status <> '{active}')"
    )
    columns = CTE_COLUMNS.replace("w.ok", "TRUE AS ok").replace("w.cheap", f"{cheap} AS cheap")
    columns = columns.replace("w.", "e.")
    fields = _box_fields()
    entry_columns = ", ".join(f"e.{f.column}" for f in fields)
    page_columns = ", ".join(f"page.{f.column}" for f in fields)
    no_entry = ", ".join(f"NULL::{f.db_type(connection)}" for f in fields)
    small = "(SELECT v FROM small)"
    ctes = [
        f"s AS MATERIALIZED (SELECT {columns} FROM portal_portalentry e"  # noqa: S608 - constants
        f" WHERE e.search @@ $1 AND e.sample AND {base})",
        "small AS MATERIALIZED (SELECT COUNT(*) * $8 <= $9 AS v FROM s)",
        f"m AS MATERIALIZED (SELECT {columns} FROM portal_portalentry e"  # noqa: S608
        f" WHERE e.search @@ $1 AND {base} AND {small} LIMIT $9 + 1)",
        f"t AS MATERIALIZED (SELECT {columns} FROM portal_portalentry e"  # noqa: S608
        f" WHERE {in_title} AND {base} AND NOT {small} LIMIT $10)",
        # exact titles by the title_key btree alone ("IS TRUE": see _approximate)
        f"x AS (SELECT e.id FROM portal_portalentry e WHERE ({in_title}) IS TRUE"  # noqa: S608
        f" AND e.title_key = $2 AND {base} AND NOT {small}"
        f" ORDER BY {cheap} DESC, e.published_at DESC NULLS LAST, e.id LIMIT $5)",
        f"candidates AS ((SELECT id FROM m WHERE ok ORDER BY cheap DESC, {LISTING_ORDER}"  # noqa: S608
        f" LIMIT $5) UNION (SELECT id FROM s WHERE ok AND NOT {small}"
        " ORDER BY cheap DESC, published_at DESC NULLS LAST, title, id LIMIT $5)"
        f" UNION {TITLE_BEST_SQL.replace('%s', '$5')} UNION SELECT id FROM x)",
        f"page AS (SELECT p.*, row_number() OVER () AS pos FROM (SELECT {entry_columns},"  # noqa: S608
        f" ({rank} * {factors}) AS score FROM portal_portalentry e"
        " WHERE e.id = ANY(ARRAY(SELECT id FROM candidates))"
        " ORDER BY score DESC, e.published_at DESC, e.id LIMIT $6 OFFSET $7) AS p)",
    ]
    institution = (
        "i.slug::text, i.name::text, (SELECT d.domain::text FROM tenants_domain d"
        " WHERE d.tenant_id = i.id AND d.is_primary ORDER BY d.id LIMIT 1)"
    )
    counted = COUNT_SQL.replace(
        " FROM {src}", f", {no_entry}, NULL::text, NULL::text, NULL::text FROM {{src}}"
    )
    parts = [
        counted.format(src="m"),
        counted.replace("'n'", "'s'").format(src="s"),
        "SELECT 'p', page.pos::int, NULL::int, NULL::text, NULL::int, NULL::text, NULL::text,"  # noqa: S608
        f" page.id::bigint, {page_columns}, {institution}"
        " FROM page JOIN tenants_institution i ON i.id = page.institution_id",
    ]
    if with_facets:
        facet_sets = (("f", "m"), ("g", f"s WHERE NOT {small}"))
        for tag, src in facet_sets:
            grouped = FACETS_SQL.replace("'f'", f"'{tag}'").format(src=src)
            parts.append(
                f"SELECT g.*, {no_entry}, i.slug::text, i.name::text, NULL::text"  # noqa: S608
                f" FROM ({grouped}) AS g (tag, a, b, kind, inst, fac, dist, n)"
                " LEFT JOIN tenants_institution i ON i.id = g.inst"
            )
    text = "WITH " + ", ".join(ctes) + "\n" + "\nUNION ALL\n".join(parts)
    name = "portal_box_" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]
    return name, text


def _box_search(
    params: SearchParams, tsquery: str, text: str, now, size: int, *, with_facets: bool
):
    """The search box in one round trip (see above); None when the sample said few but
    more than EXACT_LIMIT matched (rare: the general path answers from the sample)."""
    name, statement = _box_sql(with_facets)
    key = korean.compact(text)
    offset = (params.page - 1) * params.page_size
    args = [
        tsquery, key, f"%{key}%", now, size, params.page_size, offset,
        SAMPLE_SCALE, EXACT_LIMIT, TITLE_LIMIT, list(DATED_KINDS),
    ]  # fmt: skip
    fields = _box_fields()
    width = len(fields)
    with connection.cursor() as cursor:
        queries.execute_prepared(
            cursor,
            name,
            statement,
            _BOX_TYPES,
            args,
            args_sql=_BOX_ARGS,
            send=lambda c, sql, a: _execute(c, sql, a, _BOX_HINTS),
        )
        rows = cursor.fetchall()
    counts, exact_facets, sample_facets, page, names = {}, [], [], [], {}
    for row in rows:
        tag = row[0]
        if tag == "p":
            page.append(row)
        elif tag == "f" or tag == "g":
            (exact_facets if tag == "f" else sample_facets).append(row[1:8])
            if row[1] == 2 and row[8 + width] is not None:
                names[row[4]] = (row[8 + width], row[9 + width])
        else:
            counts[tag] = (row[1], row[7])
    read, count = counts["n"]
    sampled = counts["s"][1]
    if sampled * SAMPLE_SCALE <= EXACT_LIMIT:
        if read > EXACT_LIMIT:
            return None
        estimated, facet_rows = False, exact_facets
    else:
        estimated = True
        count = max(sampled * SAMPLE_SCALE, EXACT_LIMIT + 1)
        facet_rows = [(*r[:6], r[6] * SAMPLE_SCALE) for r in sample_facets]
    entry_names = [f.attname for f in fields]
    institutions: dict[int, Institution] = {}
    entries = []
    for row in sorted(page, key=lambda r: r[1]):
        entry = PortalEntry.from_db(
            connection.alias, entry_names, _converted(fields, row[8 : 8 + width])
        )
        institution = institutions.get(entry.institution_id)
        if institution is None:
            slug, label, host = row[8 + width : 11 + width]
            institution = Institution.from_db(
                connection.alias, ["id", "slug", "name"], [entry.institution_id, slug, label]
            )
            institution._primary_host = host
            institutions[entry.institution_id] = institution
            names.setdefault(entry.institution_id, (slug, label))
        entry.institution = institution
        entries.append(entry)
    return {
        "count": count,
        "estimated": estimated,
        "facets": _facet_dict(names, facet_rows) if with_facets else {},
        "facets_estimated": estimated,
        "rows": entries,
    }


def _converted(fields, row) -> list:
    """Values as the ORM would give them (JSON decoded …): raw rows skip the converters."""
    return [
        f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v
        for f, v in zip(fields, row, strict=True)
    ]


def _entries(cursor, ids: list[int], more_institutions=()) -> tuple[list, dict]:
    """The page's entries with their institutions (and primary hosts), and the facets'
    institutions, on the search's cursor: no new cursor (each would set the search path
    again). Returns (entries in order, {institution id: (slug, name)})."""
    # the vectors are never shown: left out (deferred)
    skip = ("search", "title_search")
    fields = [f for f in PortalEntry._meta.concrete_fields if f.name not in skip]
    entries = {}
    more = [int(pk) for pk in more_institutions]
    if not ids and not more:
        return [], {}
    institution_fields = list(Institution._meta.concrete_fields)
    # In one round trip (three statements, three results): the entries, their institutions
    # (every column, and the primary host), and the names of the facets' other institutions
    # (id, slug and name only: a broad word's facets name up to a hundred of them).
    cursor.execute(
        "SELECT "  # noqa: S608 - column names from the models, the ids parameters
        + ", ".join(f.column for f in fields)
        + " FROM portal_portalentry WHERE id = ANY(%s);\nSELECT "
        + ", ".join(f"i.{f.column}" for f in institution_fields)
        + ", (SELECT d.domain FROM tenants_domain d WHERE d.tenant_id = i.id AND d.is_primary"
        " ORDER BY d.id LIMIT 1) FROM tenants_institution i"
        " WHERE i.id IN (SELECT e.institution_id FROM portal_portalentry e WHERE e.id = ANY(%s));\n"
        "SELECT i.id, i.slug, i.name FROM tenants_institution i WHERE i.id = ANY(%s)",
        (list(ids), list(ids), more),
    )
    entry_names = [f.attname for f in fields]
    entries = {
        row[0]: PortalEntry.from_db(connection.alias, entry_names, _converted(fields, row))
        for row in cursor.fetchall()
    }
    cursor.cursor.nextset()
    institutions, names = {}, {}
    attnames = [f.attname for f in institution_fields]
    slug_at, name_at = attnames.index("slug"), attnames.index("name")
    for row in cursor.fetchall():
        names[row[0]] = (row[slug_at], row[name_at])
        institution = Institution.from_db(
            connection.alias, attnames, _converted(institution_fields, row[:-1])
        )
        institution._primary_host = row[-1]
        institutions[institution.pk] = institution
    cursor.cursor.nextset()
    for pk, slug, name in cursor.fetchall():
        names[pk] = (slug, name)
    out = []
    for pk in ids:
        entry = entries.get(pk)
        if entry is not None and entry.institution_id in institutions:
            entry.institution = institutions[entry.institution_id]
            out.append(entry)
    return out, names


def run(params: SearchParams, *, now=None, with_facets: bool = True) -> Result:
    """The page of hits, the total, and facets (relaxed to any word when no entry has all)."""
    now = now or timezone.now()
    prepare(params, now=now)
    text = params.text
    relaxed = False
    query, words = _query(text, "all")
    found = _search(params, query, text, now, with_facets=with_facets)
    if query is not None and found["count"] == 0 and len(words) > 1:
        any_query, _w = _query(text, "any")
        found = _search(params, any_query, text, now, with_facets=with_facets)
        relaxed = True
    rows = found["rows"]
    hosts = {
        e.institution_id: e.institution._primary_host
        for e in rows
        if getattr(e.institution, "_primary_host", None)
    }
    if len(hosts) < len({e.institution_id for e in rows}):
        hosts = primary_hosts({entry.institution_id for entry in rows})
    showing = _showing(now)
    hits = [make_hit(entry, words, hosts=hosts, showing=showing) for entry in rows]
    return Result(
        params=params,
        hits=hits,
        count=found["count"],
        facets=found["facets"],
        relaxed=relaxed,
        estimated=found["estimated"],
        facets_estimated=found["facets_estimated"],
    )


def _facet_dict(names: dict, rows) -> dict[str, list[dict]]:
    """{type|institution|kind|district: [{value, label, count}]} from GROUPING SETS rows
    (g1 = GROUPING(kind, institution_id), g2 = GROUPING(facility_kind, district))."""
    out: dict[str, list[dict]] = {"type": [], "institution": [], "kind": [], "district": []}
    institution_ids = []
    for g1, g2, kind, inst, fac, dist, count in rows:
        if g1 == 1:
            out["type"].append({"value": kind, "label": public.kind_label(kind), "count": count})
        elif g1 == 2:
            institution_ids.append((inst, count))
        elif g2 == 1 and fac:
            out["kind"].append(
                {"value": fac, "label": str(FACILITY_KINDS.get(fac, fac)), "count": count}
            )
        elif g2 == 2 and dist:
            out["district"].append({"value": dist, "label": dist, "count": count})
    out["institution"] = [
        {"value": names[i][0], "label": names[i][1], "count": c}
        for i, c in institution_ids
        if i in names
    ]
    order = {k: n for n, k in enumerate(public.public_kinds())}
    out["type"].sort(key=lambda f: order.get(f["value"], 99))
    for key in ("institution", "kind", "district"):
        out[key].sort(key=lambda f: (-f["count"], f["label"]))
    return out


# -- showing a hit --------------------------------------------------------------------


def highlight(text: str, words: list[korean.QueryWord], *, limit: int | None = None) -> str:
    """HTML-escaped ``text`` with the query words in <mark> (spaces between letters optional,
    but across a space only whole words: korean.spaced_match_is_whole).

    With ``limit``, a window of about that many characters around the first match.
    """
    text = text or ""
    spans = []
    for pattern in _patterns(words):
        for match in pattern.finditer(text):
            if match.end() > match.start() and korean.spaced_match_is_whole(
                text, match.start(), match.end()
            ):
                spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    lo, hi = 0, len(text)
    if limit and len(text) > limit:
        first = merged[0][0] if merged else 0
        lo = max(0, first - limit // 3)
        hi = min(len(text), lo + limit)
    out, cursor = [], lo
    for start, end in merged:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:hi]))
    prefix = "… " if lo > 0 else ""
    suffix = " …" if hi < len(text) else ""
    return prefix + "".join(out) + suffix


def _patterns(words: list[korean.QueryWord]) -> tuple:
    """The words' highlight regexes, compiled once per query (not twice per hit)."""
    return _compiled(tuple((w.text, tuple(w.variants)) for w in words))


@functools.lru_cache(maxsize=256)
def _compiled(key: tuple) -> tuple:
    return tuple(
        korean.highlight_patterns(
            [korean.QueryWord(text, list(variants)) for text, variants in key]
        )
    )


def permalink_path(entry, script_prefix: str | None = None) -> str:
    from django.urls import get_script_prefix, reverse

    prefix = _go_prefix(get_script_prefix() if script_prefix is None else script_prefix)
    if prefix:  # "/portal/go/" + slug/kind/key: slugs and kinds are URL-safe, keys quoted
        from urllib.parse import quote

        return f"{prefix}{entry.institution.slug}/{entry.kind}/{quote(entry.key, safe='')}/"
    return reverse(
        "portal:go",
        args=[entry.institution.slug, entry.kind, entry.key],
        urlconf="suite.urls_public",
    )


@functools.lru_cache(maxsize=8)
def _go_prefix(script_prefix: str) -> str:
    """The permanent links' common beginning, reversed once (a search shows 20 of them)."""
    from django.urls import reverse

    sample = reverse("portal:go", args=["s", "k", "0"], urlconf="suite.urls_public")
    return sample[: -len("s/k/0/")] if sample.endswith("/s/k/0/") else ""


@dataclass
class _Showing:
    """What every hit of one search shares, read once per search (not per hit: each read
    of the language, time zone or script prefix goes through a context-local): the
    citation's search date, the kinds' labels."""

    language: str | None
    zone: dt.tzinfo
    script_prefix: str
    searched: str  # " (검색일: 2026. 12. 1.)"
    labels: dict[str, str] = field(default_factory=dict)

    def date(self, value) -> str:
        """``korean_date`` in this search's language and time zone."""
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value, self.zone).date()
        return _kdate(value, self.language)

    def label(self, kind: str) -> str:
        label = self.labels.get(kind)
        if label is None:
            label = self.labels[kind] = public.kind_label(kind)
        return label


def _showing(now) -> _Showing:
    from django.urls import get_script_prefix

    language, zone = get_language(), timezone.get_current_timezone()
    day = _kdate(timezone.localtime(now, zone).date(), language)
    return _Showing(language, zone, get_script_prefix(), _(" (검색일: %(date)s)") % {"date": day})


def citation(entry, *, now=None, permalink: str = "", showing: _Showing | None = None) -> str:
    """A ready reference: 기관, 「제목」, 번호, 날짜 (and the link for web pages)."""
    showing = showing or _showing(now or timezone.now())
    institution = entry.institution.name
    data = entry.data or {}
    date = showing.date(entry.published_at) or showing.date(entry.updated_at)
    if entry.kind == "document":
        parts = [institution, f"「{entry.title}」", data.get("number", ""), date]
        return ", ".join(p for p in parts if p)
    from tenants.models import apex_url

    link = permalink or apex_url(permalink_path(entry, showing.script_prefix))
    parts = [institution, f"「{entry.title}」", date, link]
    return ", ".join(p for p in parts if p) + showing.searched


def primary_hosts(institution_ids) -> dict[int, str]:
    """{institution id: primary host} in one query (not one per hit)."""
    from django.conf import settings

    from tenants.models import Domain, Institution

    hosts = dict(
        Domain.objects.filter(tenant_id__in=institution_ids, is_primary=True).values_list(
            "tenant_id", "domain"
        )
    )
    for pk, slug in Institution.objects.filter(
        pk__in=set(institution_ids) - set(hosts)
    ).values_list("pk", "slug"):
        hosts[pk] = f"{slug}.{settings.SUITE_DOMAIN}"
    return hosts


def make_hit(entry, words, *, now=None, hosts=None, showing: _Showing | None = None) -> Hit:
    from tenants.models import apex_url, host_url

    showing = showing or _showing(now or timezone.now())
    snippet_source = entry.summary or ""
    host = (hosts or {}).get(entry.institution_id)
    permalink = apex_url(permalink_path(entry, showing.script_prefix))
    return Hit(
        entry=entry,
        type_label=showing.label(entry.kind),
        title_html=highlight(entry.title, words),
        snippet_html=highlight(snippet_source, words, limit=160),
        link=host_url(host, entry.path) if host else entry.link,
        permalink=permalink,
        citation=citation(entry, permalink=permalink, showing=showing),
    )
