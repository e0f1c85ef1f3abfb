"""Every page and API list a person reaches costs a fixed number of queries: at most
``LIMIT`` on every staff and resident page, and no more with ten times the data and 100
institutions than with the demo data of one.

One test per host, both on one world made once (schemas and seeds are expensive): seed
institution A with the demo data (the apps' ``seed_institution``), crawl the links each
persona sees (admin, facility manager, staff, resident on the institution's host; a
resident, an anonymous visitor and the operator on the portal), counting the queries of the
second GET of each route (the first may write what is written once per person — a read
receipt — and fills caches).
Then make every list ten times as long (tests/performance/grow.py), add 98 institutions
(public rows: 100 in all) and count the same paths again.
"""

from __future__ import annotations

import collections
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from suite import demo
from tests import factories
from tests.conftest import host_client
from tests.performance import grow
from tests.performance.crawl import Visit, api_lists, crawl, measure

LIMIT = 15
TENANT_STARTS = [
    "/",
    "/staff/",
    "/staff/approval/",
    "/staff/boards/",
    "/staff/calendar/",
    "/facilities/",
    "/manage/",
    "/programs/",
    "/site/",
    "/notifications/",
    "/accounts/",
    "/privacy/",
]
PORTAL_STARTS = [
    "/",
    "/portal/institutions/",
    "/portal/search/?q=공연",
    "/portal/my/",
    "/console/",
    "/notifications/",
    "/accounts/",
]
# What a GET may write on its second visit: only the 접속기록 the privacy law asks for when
# staff read someone's personal data (privacy.public.record_access: one short transaction
# of five statements — BEGIN, the chain's lock, its last link, the row, COMMIT — which
# the limit does not count). No session, last-seen or read-receipt writes.
ACCESS_RECORD = re.compile(
    r"^(BEGIN|COMMIT|SELECT pg_advisory_xact_lock\(hashtext\(current_schema\(\) \|\| \'\.privacy_access"
    r'|SELECT .* FROM "privacy_accessrecord"|INSERT INTO "privacy_accessrecord")'
)
# Pages whose count may rise by a bounded step, never with the data beyond it — none: the
# dashboard's blocks read one row past their size instead of counting
# (groupware/dashboard/sections.py ``Section.of``).
BOUNDED_STEP: dict[str, int] = {}
# GETs that record a fact on purpose — none on a second visit: opening a notification marks
# it read only while it is unread (groupware/approval/views/personal.py).
RECORDING_GETS: set[str] = set()
# Pages still over the limit, each with the count it must not pass and why — none: the
# 정기대관 pages read their dates' closures and clashes in one query each
# (facility_booking/selectors_fair.py ``series_calendar``), the approval document reads
# only what it shows (groupware/approval/views/documents.py ``detail``).
KNOWN_OVER: dict[str, int] = {}


def _shape(sql: str) -> str:
    return re.sub(r"\d+", "N", re.sub(r"'[^']*'", "S", sql))[:160]


def _report(visit: Visit) -> str:
    repeated = collections.Counter(_shape(s) for s in visit.sql).most_common(3)
    lines = [f"{visit.path}: {visit.queries} queries"]
    lines += [f"   ×{n} {shape}" for shape, n in repeated if n > 1]
    return "\n".join(lines)


def _people(world) -> dict:
    return {
        "admin": world.admin_a,
        "facility": world.manager_a,
        "staff1": world.staff_a,
        "staff2": world.staff_a2,
        "residents": [world.resident, world.resident2],
    }


def _seed(world, capture) -> None:
    """The demo data of one institution, with what its seeds publish after commit (the
    portal entries) published too."""
    # the callbacks run where they would at a real commit: inside the institution's schema
    with schema_context(world.inst_a.schema_name), capture(execute=True):
        for hook in demo.app_seed_hooks():
            hook(institution=world.inst_a, people=_people(world))
    connection.set_schema_to_public()


def _crawl_all(personas, host, starts, urlconf) -> dict:
    """{(persona, route): Visit}. Personas of one kind (``staff:…``) share routes: a route
    is counted for the first (least privileged) of them that reaches it — the pages are
    the same, and the crawl stays fast."""
    visits: dict = {}
    for name, user in personas:
        client = host_client(host, user)
        kind = name.split(":")[0]
        done = {route for (persona, route) in visits if persona.split(":")[0] == kind}
        for route, visit in crawl(client, host, starts, urlconf, skip_routes=done).items():
            visits[(name, route)] = visit
        connection.set_schema_to_public()
    return visits


def _recount(personas, host, small: dict) -> dict:
    clients = {name: host_client(host, user) for name, user in personas}
    again = {}
    for (name, route), visit in small.items():
        _response, again[(name, route)] = measure(clients[name], visit.path)
        connection.set_schema_to_public()
    return again


def counted(visit: Visit) -> int:
    """Statements of the page, the legally required access record aside."""
    return sum(1 for sql in visit.sql if not ACCESS_RECORD.match(sql))


def _write_table(name: str, small: dict, big: dict) -> None:
    """With ``SUITE_QUERY_TABLE=<folder>`` set (bench/queries.py), the counts as JSON."""
    folder = os.environ.get("SUITE_QUERY_TABLE")
    if not folder:
        return
    rows = [
        {
            "persona": persona,
            "route": route,
            "path": visit.path,
            "status": visit.status,
            "small": visit.queries,
            "big": big[(persona, route)].queries,
            "access_record": visit.queries - counted(visit),
        }
        for (persona, route), visit in small.items()
    ]
    (Path(folder) / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))


def _check(small: dict, big: dict, *, limit_for) -> list[str]:
    problems = []
    for key, before in small.items():
        after = big[key]
        persona, _route = key
        if after.status != before.status:
            problems.append(f"{persona} {before.path}: {before.status} then {after.status}")
            continue
        if before.status >= 500:
            problems.append(f"{persona} {before.path}: {before.status}")
        limit = limit_for(persona)
        if limit is not None:
            limit = max(limit, KNOWN_OVER.get(key[1], 0))
        for label, visit in (("small", before), ("10× data, 100 institutions", after)):
            if limit is not None and counted(visit) > limit:
                problems.append(f"{persona} over {limit} ({label}) " + _report(visit))
            writes = [w for w in visit.writes if not ACCESS_RECORD.match(w)]
            if writes and key[1] not in RECORDING_GETS:
                problems.append(f"{persona} writes on GET ({label}) {visit.path}: {writes}")
        if after.queries > before.queries + BOUNDED_STEP.get(key[1], 0):
            problems.append(
                f"{persona} grows {before.queries} → {after.queries}\n  "
                + _report(before)
                + "\n  "
                + _report(after)
            )
    return problems


@dataclass
class Counted:
    """Visits of one host: with the demo data (``small``), then with ten times the rows and
    100 institutions (``big``)."""

    small: dict
    big: dict


@pytest.fixture(scope="module")
def counted_hosts(django_db_setup, django_db_blocker):
    """Both hosts crawled with the demo data, then recounted once the data has grown.

    The demo data, the growth and the 98 institutions are the same for the institution's
    host and the portal, so they are made once for both tests (seeding and growing cost as
    much as a crawl) — in one transaction, rolled back after this module like a test's.
    (Under `make test` both tests run in the same pytest-xdist worker: tests/conftest.py.)
    """
    with django_db_blocker.unblock(), override_settings(FACILITY_DOCUMENTS_PRERENDER=False):
        # the seeds approve and pay bookings: their permits are rendered by
        # tests/facility_booking
        outer = transaction.atomic()
        outer.__enter__()
        try:
            timezone.deactivate()
            for alias in ("default", "throttle", "platform"):
                caches[alias].clear()
            world = factories.World.load()
            _seed(world, TestCase.captureOnCommitCallbacks)
            tenant = _tenant_personas(world)
            host = world.inst_a.primary_host
            tenant_starts = TENANT_STARTS + api_lists("suite.urls_tenant")
            tenant_small = _crawl_all(tenant, host, tenant_starts, "suite.urls_tenant")
            portal = _portal_personas(world)
            portal_starts = PORTAL_STARTS + api_lists("suite.urls_public")
            portal_small = _crawl_all(portal, "localhost", portal_starts, "suite.urls_public")
            with schema_context(world.inst_a.schema_name):
                grown = grow.grow_institution(world.inst_a)
            grow.add_institutions(98, like=world.inst_a)
            yield {
                "grown": grown,
                "institution": Counted(tenant_small, _recount(tenant, host, tenant_small)),
                "portal": Counted(portal_small, _recount(portal, "localhost", portal_small)),
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            connection.set_schema_to_public()


def _tenant_personas(world) -> list:
    return [
        ("staff:staff", world.staff_a),
        ("staff:manager", world.manager_a),
        ("staff:admin", world.admin_a),
        ("resident", world.resident),
    ]


def _portal_personas(world) -> list:
    return [("resident", world.resident), ("anonymous", None), ("operator", world.operator)]


def test_institution_pages_do_not_grow(counted_hosts):
    small = counted_hosts["institution"].small
    assert len(small) > 60, sorted(small)  # the crawl reached the pages, not a login wall
    # the lists people page through really grew (the seeds of the test world write no
    # programs or site pages: those lists stay as they are)
    grown = counted_hosts["grown"]
    core = ("documents", "posts", "comments", "events", "facilities", "bookings", "staff")
    assert all(grown[name] for name in core), grown
    big = counted_hosts["institution"].big
    _write_table("institution", small, big)
    problems = _check(small, big, limit_for=lambda persona: LIMIT)
    assert not problems, "\n".join(problems)


def test_portal_pages_do_not_grow(counted_hosts):
    small = counted_hosts["portal"].small
    assert len(small) > 20, sorted(small)
    big = counted_hosts["portal"].big
    _write_table("portal", small, big)
    # the console is the operator's, not a staff or resident page: it must not grow
    problems = _check(
        small, big, limit_for=lambda persona: None if persona == "operator" else LIMIT
    )
    assert not problems, "\n".join(problems)
