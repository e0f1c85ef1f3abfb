"""The portal on the apex host: one search over every institution, free venues, the
integrated calendar, permanent links and citations, my applications."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from portal import public, search
from suite.dates import WEEKDAYS as WEEKDAY_LABELS  # lazy: in the reader's language
from tenants.models import Institution


def _active_institutions():
    return Institution.objects.filter(status=Institution.Status.ACTIVE).prefetch_related("domains")


# The home shows the first institutions (by name) and links to the paged list: the page
# costs the same with 3 institutions or 300.
HOME_INSTITUTIONS = 12
INSTITUTIONS_PER_PAGE = 24


def _next_saturday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)


@require_GET
def home(request):
    """Search box, "find a free venue", upcoming programs, latest notices, institutions."""
    mine = (
        access.institutions_of(request.user)
        .filter(status=Institution.Status.ACTIVE)
        .prefetch_related("domains")
        if request.user.is_authenticated
        else []
    )
    now = timezone.now()
    visible = public.visible().filter(owner__isnull=True)
    programs = list(
        visible.filter(kind="program")
        .filter(closes_at__gt=now)
        .order_by("closes_at", "starts_at", "id")[:6]
    )
    notices = list(visible.filter(kind="notice").order_by("-published_at", "-id")[:6])
    jobs = list(visible.filter(kind="job", closes_at__gt=now).order_by("closes_at", "id")[:4])
    institutions = list(_active_institutions().order_by("name", "id")[: HOME_INSTITUTIONS + 1])
    return render(
        request,
        "portal/home.html",
        {
            "institutions": institutions[:HOME_INSTITUTIONS],
            "more_institutions": len(institutions) > HOME_INSTITUTIONS,
            "my_institutions": mine,
            "programs": programs,
            "latest_notices": notices,
            "jobs": jobs,
            "facility_kinds": search.FACILITY_KINDS.items(),
            "home_venue": {
                "date": _next_saturday(timezone.localdate()).isoformat(),
                "time_from": "13:00",
                "time_to": "18:00",
                "capacity": 100,
            },
        },
    )


def institution_list(request):
    """Every active institution, by name, a page at a time."""
    rows = _active_institutions().order_by("name", "id")
    page = Paginator(rows, INSTITUTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "portal/institutions.html", {"institutions": page.object_list, "page": page}
    )


FACET_PARAMS = {
    "type": "type",
    "institution": "institution",
    "kind": "kind",
    "district": "district",
}
FACET_TITLES = {
    "type": _("종류"),
    "institution": _("기관"),
    "kind": _("시설 종류"),
    "district": _("지역"),
}


def _link(query, **changes) -> str:
    """?query with some parameters set (a value) or removed (None); the page reset."""
    query = query.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = value
    encoded = query.urlencode()
    return "?" + encoded if encoded else "?"


def _facet_groups(result, query) -> list[dict]:
    groups = []
    for name, items in result.facets.items():
        if not items:
            continue
        current = set(query.getlist(FACET_PARAMS[name]))
        groups.append(
            {
                "name": name,
                "title": FACET_TITLES[name],
                "items": [
                    {
                        **item,
                        "active": item["value"] in current,
                        "href": _link(
                            query,
                            **{
                                FACET_PARAMS[name]: None
                                if item["value"] in current
                                else item["value"]
                            },
                        ),
                    }
                    for item in items[:12]
                ],
            }
        )
    return groups


@require_GET
def search_page(request):
    """The integrated search: ranked, highlighted, filtered, with facets and citations."""
    params, errors = search.parse(request.GET, strict=False)
    result = search.run(params) if not errors else None
    if result is not None and params.page > result.pages:
        params.page, params.chips = result.pages, []  # an edited address: show the last page
        result = search.run(params)
    query = request.GET
    context = {
        "params": params,
        "result": result,
        "errors": errors,
        "q": params.q,
        "facility_kinds": search.FACILITY_KINDS.items(),
        "audiences": search.AUDIENCES.items(),
        "institutions": _active_institutions(),
        "form": request.GET,
    }
    if result is not None:
        total_types = {f["value"]: f["count"] for f in result.facets.get("type", [])}
        current_type = params.types[0] if len(params.types) == 1 else ""
        context.update(
            {
                "type_tabs": [
                    {
                        "label": _("전체"),
                        "count": sum(total_types.values()),
                        "href": _link(query, type=None),
                        "active": not current_type,
                    }
                ]
                + [
                    {
                        "label": s.label,
                        "count": total_types.get(s.kind, 0),
                        "href": _link(query, type=s.kind),
                        "active": s.kind == current_type,
                    }
                    for s in public.sources()
                    if total_types.get(s.kind) or s.kind == current_type
                ],
                "facet_groups": [g for g in _facet_groups(result, query) if g["name"] != "type"],
                "literal_href": _link(query, interpret="0") if params.chips else "",
                "previous_href": _link(query, page=str(params.page - 1)),
                "next_href": _link(query, page=str(params.page + 1)),
                "venue": _venue_form_values(params),
            }
        )
    return render(request, "portal/search.html", context, status=400 if errors else 200)


def _venue_form_values(params) -> dict:
    values = {
        "capacity": params.capacity or "",
        "kinds": params.facility_kinds,
        "fee_max": params.fee_max,
    }
    if params.free_from is not None:
        start, end = timezone.localtime(params.free_from), timezone.localtime(params.free_to)
        values.update(
            {
                "date": start.date().isoformat(),
                "time_from": f"{start:%H:%M}",
                "time_to": "00:00" if end.time() == dt.time(0) else f"{end:%H:%M}",
            }
        )
    return values


def _entry(slug: str, kind: str, key: str):
    entry = (
        public.visible()
        .filter(institution__slug=slug, kind=kind, key=key, owner__isnull=True)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@require_GET
def go(request, slug: str, kind: str, key: str):
    """The permanent link of an item: always leads to its current address."""
    return HttpResponseRedirect(_entry(slug, kind, key).link)


@require_GET
def cite(request, slug: str, kind: str, key: str):
    """A ready reference for an item, to copy."""
    entry = _entry(slug, kind, key)
    hit = search.make_hit(entry, [])
    return render(request, "portal/cite.html", {"hit": hit, "entry": entry})


def _occurrences(entry, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """Days (with start time) an entry takes place between first and last, from its schedule."""
    data = entry.data or {}
    start = timezone.localtime(entry.starts_at).date() if entry.starts_at else None
    end = timezone.localtime(entry.ends_at).date() if entry.ends_at else start
    if start is None:
        return []
    weekdays = data.get("weekdays") or []
    time_label = data.get("time_label", "")
    out = []
    day = max(first, start)
    while day <= min(last, end):
        if not weekdays or day.weekday() in weekdays:
            out.append((day, time_label))
        day += dt.timedelta(days=1)
    return out


@require_GET
def calendar_view(request):
    """Programs and public events of every institution, by month or week."""
    today = timezone.localdate()
    view = request.GET.get("view", "month")
    view = view if view in ("month", "week") else "month"
    try:
        anchor = (
            dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else today
        )
    except ValueError:
        anchor = today
    if abs((anchor - today).days) > 3650:
        anchor = today
    if view == "month":
        first = anchor.replace(day=1)
        last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = last + dt.timedelta(days=1)
    else:
        first = anchor - dt.timedelta(days=anchor.weekday())
        last = first + dt.timedelta(days=6)
        previous, following = first - dt.timedelta(days=7), first + dt.timedelta(days=7)
    slug = request.GET.get("institution", "")
    audience = request.GET.get("audience", "")
    audience = audience if audience in search.AUDIENCES else ""
    entries = public.visible().filter(
        owner__isnull=True,
        kind="program",
        starts_at__lt=timezone.make_aware(
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0))
        ),
        ends_at__gte=timezone.make_aware(dt.datetime.combine(first, dt.time(0))),
    )
    if slug:
        entries = entries.filter(institution__slug=slug)
    if audience:
        entries = entries.filter(audience__in=[audience, "all"])
    entries = list(entries.order_by("starts_at", "id")[:500])
    by_day: dict[dt.date, list] = {}
    for entry in entries:
        for day, time_label in _occurrences(entry, first, last):
            by_day.setdefault(day, []).append({"entry": entry, "time": time_label})
    for items in by_day.values():
        items.sort(key=lambda i: (i["time"], i["entry"].title))
    if view == "month":
        weeks, row = [], [None] * first.weekday()
        day = first
        while day <= last:
            row.append({"date": day, "items": by_day.get(day, []), "today": day == today})
            if len(row) == 7:
                weeks.append(row)
                row = []
            day += dt.timedelta(days=1)
        if row:
            weeks.append(row + [None] * (7 - len(row)))
        days = []
    else:
        weeks = []
        days = [
            {
                "date": first + dt.timedelta(days=n),
                "items": by_day.get(first + dt.timedelta(days=n), []),
                "today": first + dt.timedelta(days=n) == today,
                "weekday": WEEKDAY_LABELS[n],
            }
            for n in range(7)
        ]
    return render(
        request,
        "portal/calendar.html",
        {
            "view": view,
            "first": first,
            "last": last,
            "weeks": weeks,
            "days": days,
            "weekday_labels": WEEKDAY_LABELS,
            "previous": previous,
            "following": following,
            "today": today,
            "institution_slug": slug,
            "audience": audience,
            "institutions": _active_institutions(),
            "audiences": search.AUDIENCES.items(),
            "count": sum(len(v) for v in by_day.values()),
        },
    )


@login_required
def my_applications(request):
    """My program applications at every institution, with a cancel button where allowed."""
    from programs import public as programs_public

    items = programs_public.applications_of(request.user)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    return render(request, "portal/my_applications.html", {"page": page})


KIND_LABELS = {"facility": _("시설"), "notice": _("공지"), "booking": _("예약")}


@login_required
@require_POST
def my_application_cancel(request, slug: str, pk: int):
    """Cancel one of my applications from the portal; back to the list with a message."""
    from programs import public as programs_public

    try:
        programs_public.application_cancel(
            user=request.user, institution_slug=slug, application_id=pk
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("신청을 취소했습니다."))
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect("portal:my_applications")
