"""Portal search benchmark: speed (index vs. a naive scan over every schema) and quality.

    python -m bench.portal_search [--institutions 100] [--output docs/performance.md]

Runs in its own database (``bench_portal``, created and dropped here) so nothing
else is touched. Fills N institutions × 30 facilities × 200 notices × 20 programs
× 50 pages (cloned schemas, bulk rows), builds the index with the real sources
(``portal.public.rebuild``), then measures:

- p50/p95 of 200 varied Korean queries through ``portal.search.run`` (page +
  facets, as the portal answers them) and the same queries as a naive
  ``ILIKE`` scan over every institution's tables (one UNION ALL per query);
- p50/p95 of the "free on a date and time" filter;
- recall@10 and MRR on the labelled set ``bench/portal_queries.json``;
- resident memory of a process before and after serving searches.

``run(args) -> dict`` is the entry point for ``make bench``; ``section(results)``
writes the Markdown section for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "bench_portal"
QUERIES = Path(__file__).with_name("portal_queries.json")
SECTION_START = "<!-- portal-search:start -->"
SECTION_END = "<!-- portal-search:end -->"

FACILITY_NAMES = [
    ("대공연장", "hall"),
    ("소공연장", "hall"),
    ("다목적 홀", "hall"),
    ("실내체육관", "gym"),
    ("제2체육관", "gym"),
    ("소회의실", "meeting_room"),
    ("대회의실", "meeting_room"),
    ("세미나실", "meeting_room"),
    ("인조잔디 축구장", "field"),
    ("풋살장", "field"),
    ("음악 연습실", "studio"),
    ("댄스 스튜디오", "studio"),
    ("강의실", "classroom"),
    ("전시실", "other"),
    ("야외무대", "hall"),
]
PROGRAM_NAMES = [
    "어르신 건강 체조",
    "어린이 수채화 교실",
    "청소년 밴드 교실",
    "성인 요가",
    "가족 목공 체험",
    "시민 합창단",
    "생활 도자기 공예",
    "어르신 스마트폰 교실",
    "영어 동화 읽기",
    "풋살 교실",
    "캘리그라피 강좌",
    "사진 촬영 기초",
    "우쿨렐레 교실",
    "탁구 교실",
    "북 콘서트",
]
NOTICE_TOPICS = [
    "시설 점검에 따른 휴관 안내",
    "동절기 운영 시간 변경",
    "실내체육관을 포함한 시설 안전 점검",
    "대관 신청 방법 변경",
    "프로그램 수강생 모집",
    "주차장 공사 안내",
    "채용 공고 안내",
    "회의실 예약 시스템 개편",
    "문화센터 리모델링 안내",
    "다목적홀 음향 장비 교체",
]
PAGE_TOPICS = ["사업 안내", "이용 안내", "시설 이용 규정", "오시는 길", "자주 묻는 질문"]
DISTRICTS = ["중구", "동구", "서구", "남구", "북구"]


def server_url() -> str:
    sys.path.insert(0, str(ROOT))
    from suite.embedded_db import database_url

    return database_url()


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


# -- inside the benchmark database (a child process) ------------------------------------


def _setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def _fill(count: int, seed: int = 7) -> dict:
    """Institutions with facilities, notices, programs and pages; planted targets for quality."""
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from facility_booking.models import Facility, OpeningHours
    from groupware.boards.models import Board, Post
    from programs.models import Program
    from tenants.models import Institution
    from tenants.provisioning import ensure_template_schema
    from tenants.services import institution_onboard
    from website.models import Page, SiteSettings

    rng = random.Random(seed)
    started = time.perf_counter()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_template_schema()
    from accounts.models import User

    author, _ = User.objects.get_or_create(email="bench@bench.kr", defaults={"name": "벤치"})
    targets = json.loads(QUERIES.read_text())["targets"]
    now = timezone.now()
    for n in range(count):
        slug = f"bench{n:03d}"
        if not Institution.objects.filter(slug=slug).exists():
            institution_onboard(
                actor="bench",
                slug=slug,
                name=f"한빛시 기관{n:03d}",
                short_name=f"기관{n:03d}",
                address=f"한빛시 {DISTRICTS[n % 5]} 중앙로 {n + 1}",
            )
        connection.set_schema_to_public()
        institution = Institution.objects.get(slug=slug)
        with schema_context(institution.schema_name):
            if Facility.objects.exists():
                continue
            SiteSettings.objects.create(district=DISTRICTS[n % 5])
            facilities = []
            for i in range(30):
                name, kind = FACILITY_NAMES[i % len(FACILITY_NAMES)]
                facilities.append(
                    Facility(
                        name=f"{name} {i // len(FACILITY_NAMES) + 1}"
                        if i >= len(FACILITY_NAMES)
                        else name,
                        kind=kind,
                        capacity=rng.choice([10, 20, 40, 80, 120, 200, 300]),
                        description=f"{name}은 주민 누구나 이용할 수 있습니다. 한빛시 {DISTRICTS[n % 5]} 소재.",
                        base_fee=rng.choice([0, 5000, 20000, 100000]),
                        window_open_days=90,
                    )
                )
            facilities = Facility.objects.bulk_create(facilities)
            OpeningHours.objects.bulk_create(
                OpeningHours(facility=f, weekday=d, opens=dt.time(9), closes=dt.time(22))
                for f in facilities
                for d in range(7)
            )
            board = Board.objects.create(name="공지사항", kind="notice")
            Post.objects.bulk_create(
                Post(
                    board=board,
                    title=f"{NOTICE_TOPICS[i % len(NOTICE_TOPICS)]} ({i})",
                    body=f"<p>{NOTICE_TOPICS[(i + 3) % len(NOTICE_TOPICS)]}. 한빛시 주민 여러분께 알려 드립니다. "
                    f"{FACILITY_NAMES[i % len(FACILITY_NAMES)][0]} 이용에 참고해 주세요.</p>",
                    author_id=author.pk,
                    is_public=True,
                )
                for i in range(200)
            )
            start = timezone.localdate() + dt.timedelta(days=10)
            Program.objects.bulk_create(
                Program(
                    title=PROGRAM_NAMES[i % len(PROGRAM_NAMES)]
                    + (f" {i}" if i >= len(PROGRAM_NAMES) else ""),
                    summary="주민 누구나 참여하는 프로그램",
                    start_date=start,
                    end_date=start + dt.timedelta(days=30),
                    weekdays=[i % 7],
                    start_time=dt.time(10),
                    end_time=dt.time(12),
                    audience=["all", "child", "youth", "adult", "senior", "family"][i % 6],
                    capacity=20,
                    applications_open_at=now - dt.timedelta(days=1),
                    applications_close_at=now + dt.timedelta(days=5),
                    status="published",
                    published_at=now,
                )
                for i in range(20)
            )
            Page.objects.bulk_create(
                Page(
                    section="business",
                    slug=f"p{i}",
                    title=f"{PAGE_TOPICS[i % 5]} {i}",
                    body=f"<p>{PAGE_TOPICS[(i + 1) % 5]}와 관련한 안내입니다. 한빛시 공공기관 {slug}.</p>",
                    status="published",
                    published_title=f"{PAGE_TOPICS[i % 5]} {i}",
                    published_body=f"<p>{PAGE_TOPICS[(i + 1) % 5]}와 관련한 안내입니다.</p>",
                    published_at=now,
                )
                for i in range(50)
            )
            for target in targets:
                if target["institution"] % count == n:
                    _plant(target, author, board, now)
    fill_seconds = time.perf_counter() - started
    started = time.perf_counter()
    from portal import public

    entries = 0
    for institution in Institution.objects.exclude(schema_name="public").order_by("slug"):
        entries += public.rebuild(institution)["written"]
    return {
        "fill_seconds": fill_seconds,
        "index_seconds": time.perf_counter() - started,
        "entries": entries,
    }


def _plant(target, author, board, now):
    import datetime as dt

    from django.utils import timezone

    from facility_booking.models import Facility, OpeningHours
    from groupware.boards.models import Post
    from programs.models import Program

    if target["kind"] == "facility":
        facility = Facility.objects.create(
            name=target["title"],
            kind=target.get("facility_kind", "hall"),
            capacity=target.get("capacity", 50),
            description=target.get("body", ""),
            window_open_days=90,
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(facility=facility, weekday=d, opens=dt.time(9), closes=dt.time(22))
            for d in range(7)
        )
    elif target["kind"] == "program":
        start = timezone.localdate() + dt.timedelta(days=10)
        Program.objects.create(
            title=target["title"],
            summary=target.get("body", ""),
            start_date=start,
            end_date=start + dt.timedelta(days=30),
            weekdays=[1],
            start_time=dt.time(10),
            end_time=dt.time(12),
            audience=target.get("audience", "all"),
            capacity=20,
            applications_open_at=now - dt.timedelta(days=1),
            applications_close_at=now + dt.timedelta(days=5),
            status="published",
            published_at=now,
        )
    else:
        Post.objects.create(
            board=board,
            title=target["title"],
            body=target.get("body", ""),
            author_id=author.pk,
            is_public=True,
        )


def _percentiles(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "p50": statistics.median(values) * 1000,
        "p95": values[int(len(values) * 0.95) - 1] * 1000,
        "mean": statistics.mean(values) * 1000,
        "max": values[-1] * 1000,
        "n": len(values),
    }


def _naive(query: str, schemas: list[str]) -> int:
    """The way before the index: ILIKE on every word over every schema's tables."""
    from django.db import connection

    words = query.split()[:8] or [""]
    parts, params = [], []
    for schema in schemas:
        for table, columns in (
            ("facility_booking_facility", ("name", "description")),
            ("boards_post", ("title", "body")),
            ("programs_program", ("title", "summary")),
            ("website_page", ("published_title", "published_body")),
        ):
            where = " AND ".join(
                "(" + " OR ".join(f"{c} ILIKE %s" for c in columns) + ")" for _w in words
            )
            parts.append(f'SELECT id FROM "{schema}".{table} WHERE {where}')  # noqa: S608
            for word in words:
                params.extend([f"%{word}%"] * len(columns))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({' UNION ALL '.join(parts)}) AS hits", params)  # noqa: S608
        return cursor.fetchone()[0]


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1024 / 1024


def step_measure() -> dict:
    import datetime as dt

    from django.utils import timezone

    from portal import search
    from tenants.models import Institution

    rss_before = _rss_mb()
    data = json.loads(QUERIES.read_text())
    speed_queries = data["speed"]
    schemas = list(
        Institution.objects.exclude(schema_name="public").values_list("schema_name", flat=True)
    )
    indexed, naive = [], []
    for query in speed_queries:
        started = time.perf_counter()
        search.run(search.SearchParams(q=query))
        indexed.append(time.perf_counter() - started)
    for query in speed_queries:
        started = time.perf_counter()
        _naive(query, schemas)
        naive.append(time.perf_counter() - started)
    free = []
    today = timezone.localdate()
    for n in range(50):
        day = today + dt.timedelta(days=1 + n % 30)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + n % 8)))
        started = time.perf_counter()
        search.run(
            search.SearchParams(
                capacity=[20, 50, 100, 150][n % 4],
                free_from=start,
                free_to=start + dt.timedelta(hours=3),
            )
        )
        free.append(time.perf_counter() - started)
    # quality
    hits_at_10, reciprocal = 0, []
    misses = []
    for item in data["quality"]:
        result = search.run(search.SearchParams(q=item["q"], page_size=10), with_facets=False)
        titles = [h.entry.title for h in result.hits]
        rank = next((i + 1 for i, t in enumerate(titles) if t in item["expect"]), None)
        hits_at_10 += rank is not None
        reciprocal.append(1 / rank if rank else 0.0)
        if rank is None:
            misses.append(item["q"])
    from portal.models import PortalEntry

    return {
        "entries": PortalEntry.objects.count(),
        "institutions": len(schemas),
        "indexed": _percentiles(indexed),
        "naive": _percentiles(naive),
        "free": _percentiles(free),
        "quality": {
            "queries": len(data["quality"]),
            "recall_at_10": hits_at_10 / len(data["quality"]),
            "mrr": statistics.mean(reciprocal),
            "misses": misses,
        },
        "rss_before_mb": rss_before,
        "rss_after_mb": _rss_mb(),
    }


STEPS = {"fill": lambda n: _fill(int(n)), "measure": lambda: step_measure()}


# -- outside: orchestration -----------------------------------------------------------


def _child(env, *args) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.portal_search", "--step", *map(str, args)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def run(args) -> dict:
    base = server_url()
    url = with_database(base, DB_NAME)
    admin(base, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin(base, f"CREATE DATABASE {DB_NAME}")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DB_POOL": "0",
        "PYTHONPATH": str(ROOT),
    }
    results: dict = {"args": {"institutions": args.institutions}, "load_before": os.getloadavg()}
    try:
        print(f"· filling {args.institutions} institutions")
        results["fill"] = _child(env, "fill", args.institutions)
        print(
            f"  {results['fill']['entries']} entries, fill {results['fill']['fill_seconds']:.0f}s, index {results['fill']['index_seconds']:.0f}s"
        )
        print("· measuring")
        results["measure"] = _child(env, "measure")
        m = results["measure"]
        print(
            f"  indexed p50 {m['indexed']['p50']:.1f} ms p95 {m['indexed']['p95']:.1f} ms; naive p95 {m['naive']['p95']:.1f} ms"
        )
        print(f"  recall@10 {m['quality']['recall_at_10']:.2f}, MRR {m['quality']['mrr']:.2f}")
    finally:
        if not getattr(args, "keep", False):
            admin(base, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    results["load_after"] = os.getloadavg()
    return results


def section(results: dict) -> str:
    m, f = results["measure"], results["fill"]
    ratio_p50 = m["naive"]["p50"] / m["indexed"]["p50"]
    ratio_p95 = m["naive"]["p95"] / m["indexed"]["p95"]
    q = m["quality"]
    ok_speed = "✅" if m["indexed"]["p95"] < 50 and ratio_p95 >= 20 else "❌"
    ok_free = "✅" if m["free"]["p95"] < 100 else "❌"
    ok_quality = "✅" if q["recall_at_10"] >= 0.9 else "❌"
    load = ", ".join(f"{x:.1f}" for x in results["load_before"])
    return f"""{SECTION_START}
## Portal search (`python -m bench.portal_search`)

{m["institutions"]} institutions × (30 facilities + 200 notices + 20 programs + 50 pages) = **{m["entries"]:,} index entries**
(filled in {f["fill_seconds"]:.0f} s, indexed with the real sources in {f["index_seconds"]:.0f} s). Load average before: {load}.

| run | p50 | p95 | max |
|---|---:|---:|---:|
| 200 queries, index (`portal.search.run`: page + facets) | {m["indexed"]["p50"]:.1f} ms | {m["indexed"]["p95"]:.1f} ms | {m["indexed"]["max"]:.1f} ms |
| the same, naive `ILIKE` over every schema (UNION ALL) | {m["naive"]["p50"]:.1f} ms | {m["naive"]["p95"]:.1f} ms | {m["naive"]["max"]:.1f} ms |
| "free on a date and time" + capacity (50 runs) | {m["free"]["p50"]:.1f} ms | {m["free"]["p95"]:.1f} ms | {m["free"]["max"]:.1f} ms |

- Index vs. naive scan: **{ratio_p50:.1f}× at p50, {ratio_p95:.1f}× at p95** {ok_speed} (target: p95 < 50 ms, ≥ 20×).
- Free-venue filter p95: **{m["free"]["p95"]:.1f} ms** {ok_free} (target < 100 ms) — one query whatever the number of institutions.
- Quality on the labelled set (`bench/portal_queries.json`, {q["queries"]} queries):
  **recall@10 {q["recall_at_10"]:.2f}, MRR {q["mrr"]:.2f}** {ok_quality} (target recall@10 ≥ 0.9).
  Missed: {", ".join(q["misses"]) or "none"}.
- Resident memory of the measuring process: {m["rss_before_mb"]:.0f} MB after start-up,
  {m["rss_after_mb"]:.0f} MB after all searches (bigrams need no model in memory).
{SECTION_END}
"""


def write_section(text: str, output: Path) -> None:
    current = output.read_text() if output.exists() else "# Performance\n"
    if SECTION_START in current and SECTION_END in current:
        head, rest = current.split(SECTION_START, 1)
        tail = rest.split(SECTION_END, 1)[1]
        current = head + text.strip() + tail
    else:
        current = current.rstrip() + "\n\n" + text
    output.write_text(current)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--step"]:
        _setup_django()
        name, *rest = argv[1:]
        print(json.dumps(STEPS[name](*rest), default=str))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bench.portal_search", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--institutions", type=int, default=100)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--keep", action="store_true", help=f"keep the {DB_NAME} database")
    args = parser.parse_args(argv)
    results = run(args)
    write_section(section(results), Path(args.output))
    print(f"· written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
