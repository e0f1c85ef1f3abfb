"""Portal search: speed (index vs. a naive scan over every schema), the free-venue filter,
quality on a labelled set, memory, and Kiwi vs. bigrams.

    make bench ONLY=portal_search          # registered in bench/registry.py
    python -m bench.portal_search [--portal-institutions 100] [--portal-keep]

Runs in its own database (``bench_portal``, created and dropped here) so nothing
else is touched. Fills N institutions × 30 facilities × 200 notices × 20 programs
× 50 pages (cloned schemas, bulk rows), builds the index with the real sources
(``portal.public.rebuild``), then measures in a fresh process:

- p50/p95 of 200 varied Korean queries through ``portal.search.run`` (page of 20 +
  count + facets, as the portal answers them) and the same queries answered by a
  naive scan over every institution's schema (``ILIKE`` on every word over facilities,
  notices, programs and pages of all schemas in one UNION ALL: the page of 20 with
  title matches first, and the count), with the ratio;
- p50/p95 of the "free on a date and time" filter;
- recall@10 and MRR on the labelled set ``bench/portal_queries.json``;
- resident memory of the process after start-up and after the searches;
- Kiwi (``kiwipiepy``, when installed): load time and memory, the index rebuilt with
  Kiwi morphemes instead of bigrams, then the same speed and quality runs.

``run(args) -> dict`` is the entry point for ``make bench`` (bench/README.md).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "bench_portal"
QUERIES = Path(__file__).with_name("portal_queries.json")

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
    with connection.cursor() as cursor:  # what autovacuum does in production after a rebuild
        cursor.execute("VACUUM ANALYZE portal_portalentry")
        cursor.execute("VACUUM ANALYZE portal_venuehours")
        cursor.execute("VACUUM ANALYZE portal_venuebusy")
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
        "p95": values[max(0, round(len(values) * 0.95) - 1)] * 1000,
        "mean": statistics.mean(values) * 1000,
        "max": values[-1] * 1000,
        "n": len(values),
    }


NAIVE_TABLES = (
    ("facility_booking_facility", "name", ("name", "description")),
    ("boards_post", "title", ("title", "body")),
    ("programs_program", "title", ("title", "summary")),
    ("website_page", "published_title", ("published_title", "published_body")),
)


def _naive(query: str, schemas: list[str]) -> int:
    """The way without an index: every word ``ILIKE`` over every schema's tables, answered
    as the portal answers (a page of 20, title matches first, and the count)."""
    from django.db import connection

    words = query.split()[:8] or [""]
    parts, params = [], []
    for schema in schemas:
        for table, title, columns in NAIVE_TABLES:
            where = " AND ".join(
                "(" + " OR ".join(f"{c} ILIKE %s" for c in columns) + ")" for _w in words
            )
            first = " AND ".join(f"{title} ILIKE %s" for _w in words)
            parts.append(
                f"SELECT '{schema}' AS s, id, {title} AS title, ({first}) AS in_title"  # noqa: S608
                f' FROM "{schema}".{table} WHERE {where}'
            )
            params.extend(f"%{w}%" for w in words)
            for word in words:
                params.extend([f"%{word}%"] * len(columns))
    union = " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s, id, title FROM ({union}) AS hits ORDER BY in_title DESC, title LIMIT 20",  # noqa: S608
            params,
        )
        cursor.fetchall()
        cursor.execute(f"SELECT COUNT(*) FROM ({union}) AS hits", params)  # noqa: S608
        return cursor.fetchone()[0]


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1024 / 1024


def _speed(queries: list[str]) -> list[float]:
    from portal import search

    for query in queries[:5]:  # warm-up: plans, caches, the connection
        search.run(search.SearchParams(q=query))
    timings = []
    for query in queries:
        started = time.perf_counter()
        search.run(search.SearchParams(q=query))
        timings.append(time.perf_counter() - started)
    return timings


def _side_by_side(queries: list[str], schemas: list[str]) -> tuple[list[float], list[float]]:
    """Each query answered by the index and by the naive scan one after the other (which
    goes first alternates), so a change in the machine's load during the run weighs on
    both sides alike and the ratio stays fair (the machine is shared)."""
    from portal import search

    for query in queries[:5]:  # warm-up: plans, caches, the connection
        search.run(search.SearchParams(q=query))
        _naive(query, schemas)
    indexed, naive = [], []

    def index(query):
        started = time.perf_counter()
        search.run(search.SearchParams(q=query))
        indexed.append(time.perf_counter() - started)

    def scan(query):
        started = time.perf_counter()
        _naive(query, schemas)
        naive.append(time.perf_counter() - started)

    for n, query in enumerate(queries):
        for step in (index, scan) if n % 2 == 0 else (scan, index):
            step(query)
    return indexed, naive


def _quality(items: list[dict]) -> dict:
    from portal import search

    hits_at_10, reciprocal, misses = 0, [], []
    for item in items:
        result = search.run(search.SearchParams(q=item["q"], page_size=10), with_facets=False)
        titles = [h.entry.title for h in result.hits]
        rank = next((i + 1 for i, t in enumerate(titles) if t in item["expect"]), None)
        hits_at_10 += rank is not None
        reciprocal.append(1 / rank if rank else 0.0)
        if rank is None:
            misses.append(item["q"])
    return {
        "queries": len(items),
        "recall_at_10": hits_at_10 / len(items),
        "mrr": statistics.mean(reciprocal),
        "misses": misses,
    }


def _estimated_share(queries: list[str]) -> float:
    from portal import search

    estimated = sum(search.run(search.SearchParams(q=q)).estimated for q in queries)
    return estimated / len(queries)


def step_measure() -> dict:
    import datetime as dt

    from django.utils import timezone

    from portal import search
    from portal.models import PortalEntry
    from tenants.models import Institution

    rss_start = _rss_mb()
    data = json.loads(QUERIES.read_text())
    speed_queries = data["speed"]
    schemas = list(
        Institution.objects.exclude(schema_name="public").values_list("schema_name", flat=True)
    )
    indexed, naive = _side_by_side(speed_queries, schemas)
    free = []
    today = timezone.localdate()
    for n in range(55):
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
        if n >= 5:  # the first five warm up
            free.append(time.perf_counter() - started)
    return {
        "entries": PortalEntry.objects.count(),
        "institutions": len(schemas),
        "indexed": _percentiles(indexed),
        "naive": _percentiles(naive),
        "free": _percentiles(free),
        "estimated_share": _estimated_share(speed_queries),
        "quality": _quality(data["quality"]),
        "rss_start_mb": rss_start,
        "rss_after_mb": _rss_mb(),
    }


# -- Kiwi: the same index with morphemes instead of bigrams -----------------------------

KIWI_TAGS = {"NNG", "NNP", "NNB", "NR", "NP", "XR", "SL", "SN", "VV", "VA", "MAG"}


def _kiwi_tokenizer():
    from functools import lru_cache

    from kiwipiepy import Kiwi

    from portal import korean

    kiwi = Kiwi()

    @lru_cache(maxsize=200_000)
    def tokens(text: str) -> tuple[str, ...]:
        out = []
        for token in kiwi.tokenize(korean.normalize(text)):
            form = token.form.lower()
            if token.tag in KIWI_TAGS and korean.WORD.fullmatch(form):
                out.append(form[:40])
        return tuple(out)

    return kiwi, tokens


def step_kiwi() -> dict:
    """Load Kiwi, rebuild every entry's vectors with its morphemes, search again."""
    from portal import korean
    from portal.models import PortalEntry

    rss_before = _rss_mb()
    started = time.perf_counter()
    kiwi, tokens = _kiwi_tokenizer()
    tokens("준비")  # the model is loaded on first use
    load_seconds = time.perf_counter() - started
    rss_loaded = _rss_mb()
    sentence = "동절기 운영 시간 변경 안내. 한빛시 주민 여러분께 다목적 홀 이용에 참고해 주세요."
    started = time.perf_counter()
    for n in range(200):
        kiwi.tokenize(f"{sentence} {n}")
    per_sentence_ms = (time.perf_counter() - started) / 200 * 1000

    korean.document_tokens = lambda text: list(tokens(text))[: korean.MAX_DOC_TOKENS]

    def word_query(word: str) -> str:
        parts = list(dict.fromkeys(tokens(word))) or [word]
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    korean._word_query = word_query
    started = time.perf_counter()
    rows = _rewrite_vectors()
    reindex_seconds = time.perf_counter() - started
    data = json.loads(QUERIES.read_text())
    return {
        "load_seconds": load_seconds,
        "rss_before_mb": rss_before,
        "rss_loaded_mb": rss_loaded,
        "per_sentence_ms": per_sentence_ms,
        "reindexed": rows,
        "reindex_seconds": reindex_seconds,
        "indexed": _percentiles(_speed(data["speed"])),
        "quality": _quality(data["quality"]),
        "rss_after_mb": _rss_mb(),
        "entries": PortalEntry.objects.count(),
    }


def step_bigrams() -> dict:
    """Write every entry's vectors with the shipped tokenizer again (after the Kiwi step)."""
    started = time.perf_counter()
    return {"rows": _rewrite_vectors(), "seconds": time.perf_counter() - started}


def _rewrite_vectors() -> int:
    """Every public entry's vectors from its source, with ``portal.korean`` as it is now."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from portal import korean, public
    from tenants.models import Institution

    rows = 0
    for institution in Institution.objects.exclude(schema_name="public").order_by("slug"):
        with schema_context(institution.schema_name):
            updates = []
            for source in public.sources():
                keys = [str(k) for k in source.all_keys()]
                for begin in range(0, len(keys), 500):
                    docs = source.load(keys[begin : begin + 500])
                    updates += [
                        (public._vector(doc), korean.tsvector_literal([(doc.title, "A")]) or None,
                         institution.pk, source.kind, key)
                        for key, doc in docs.items()
                        if doc is not None
                    ]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE portal_portalentry SET search = %s::tsvector, title_search = %s::tsvector"
                " WHERE institution_id = %s AND kind = %s AND key = %s AND owner_id IS NULL",
                updates,
            )
        rows += len(updates)
        connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE portal_portalentry")
    return rows


STEPS = {
    "fill": lambda n: _fill(int(n)),
    "measure": lambda: step_measure(),
    "kiwi": lambda: step_kiwi(),
    "bigrams": lambda: step_bigrams(),
}


# -- outside: orchestration -----------------------------------------------------------

TITLE = "Portal search at 100 institutions: index vs. naive scan, free venues, quality, Kiwi"


def add_arguments(group) -> None:
    group.add_argument(
        "--portal-institutions", type=int, default=100, help="institutions to fill (100)"
    )
    group.add_argument(
        "--portal-keep", action="store_true", help="keep the bench_portal database afterwards"
    )
    group.add_argument("--portal-no-kiwi", action="store_true", help="skip the Kiwi comparison")
    group.add_argument(
        "--portal-reuse",
        action="store_true",
        help="measure again on the database a --portal-keep run left (no fill)",
    )


def _child(env, *args, timeout: float = 7200) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.portal_search", "--step", *map(str, args)],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"bench.portal_search {args[0]} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _kiwi_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("kiwipiepy") is not None


def run(args) -> dict:
    from bench.common import VAR, django_env, scratch_database, server_url, with_database

    count = 10 if getattr(args, "quick", False) else getattr(args, "portal_institutions", 100)
    keep = getattr(args, "portal_keep", False) or getattr(args, "portal_reuse", False)
    kiwi_wanted = not getattr(args, "portal_no_kiwi", False) and _kiwi_installed()
    if getattr(args, "portal_reuse", False):
        # measure again on the database a --portal-keep run left (filled and indexed)
        url = with_database(server_url(), DB_NAME)
        previous = VAR / "portal_search.json"
        fill = json.loads(previous.read_text())["result"]["fill"] if previous.exists() else {}
        fill = {"fill_seconds": 0, "index_seconds": 0, **fill, "reused": True}
        return _measure(django_env(url, DB_POOL="0"), fill, kiwi_wanted, keep=True)
    with scratch_database(DB_NAME, keep=keep) as url:
        env = django_env(url, DB_POOL="0")
        print(f"· {DB_NAME}: filling {count} institutions", flush=True)
        fill = _child(env, "fill", count)
        print(f"  {fill['entries']} entries, fill {fill['fill_seconds']:.0f} s,"
              f" index {fill['index_seconds']:.0f} s", flush=True)  # fmt: skip
        return _measure(env, fill, kiwi_wanted, keep=keep)


def _measure(env, fill, kiwi_wanted: bool, *, keep: bool) -> dict:
    from bench.common import figure

    print("· measuring (bigrams)", flush=True)
    m = _child(env, "measure")
    kiwi = None
    if kiwi_wanted:
        print("· Kiwi: rebuilding the vectors with morphemes, measuring again", flush=True)
        kiwi = _child(env, "kiwi")
        if keep:  # leave the kept database as the bigram index again
            print("· restoring the bigram vectors", flush=True)
            _child(env, "bigrams")
    ratio50 = m["naive"]["p50"] / m["indexed"]["p50"]
    ratio95 = m["naive"]["p95"] / m["indexed"]["p95"]
    q = m["quality"]
    figures = [
        figure("index entries", m["entries"], note=f"{m['institutions']} institutions"),
        figure("200 queries, index: p50", round(m["indexed"]["p50"], 1), "ms"),
        figure(
            "200 queries, index: p95",
            round(m["indexed"]["p95"], 1),
            "ms",
            target="< 50 ms",
            met=m["indexed"]["p95"] < 50,
        ),
        figure("the same, naive scan of every schema: p50", round(m["naive"]["p50"], 1), "ms"),
        figure("the same, naive scan of every schema: p95", round(m["naive"]["p95"], 1), "ms"),
        # the issue asks for "at least 20× faster than the naive scan": at p50 and at p95
        figure("index vs. naive at p50", round(ratio50, 1), "×", target="≥ 20×", met=ratio50 >= 20),
        figure("index vs. naive at p95", round(ratio95, 1), "×", target="≥ 20×", met=ratio95 >= 20),
        figure(
            "free on a date and time + capacity: p95",
            round(m["free"]["p95"], 1),
            "ms",
            target="< 100 ms",
            met=m["free"]["p95"] < 100,
            note=f"p50 {m['free']['p50']:.1f} ms",
        ),
        figure(
            f"recall@10 on {q['queries']} labelled queries",
            round(q["recall_at_10"], 3),
            target="≥ 0.9",
            met=q["recall_at_10"] >= 0.9,
        ),
        figure(f"MRR on {q['queries']} labelled queries", round(q["mrr"], 3)),
        figure(
            "queries answered from the sample (more than 1,000 matches)",
            round(m["estimated_share"] * 100),
            "%",
        ),  # fmt: skip
        figure("resident memory, bigrams: after start-up", round(m["rss_start_mb"]), "MB"),
        figure("resident memory, bigrams: after the searches", round(m["rss_after_mb"]), "MB"),
    ]
    if kiwi is not None:
        kq = kiwi["quality"]
        figures += [
            figure("Kiwi: model load", round(kiwi["load_seconds"], 1), "s"),
            figure(
                "Kiwi: resident memory with the model",
                round(kiwi["rss_loaded_mb"]),
                "MB",
                note=f"{kiwi['rss_loaded_mb'] - kiwi['rss_before_mb']:.0f} MB more",
            ),
            figure("Kiwi: one sentence analysed", round(kiwi["per_sentence_ms"], 2), "ms"),
            figure("Kiwi: 200 queries p95", round(kiwi["indexed"]["p95"], 1), "ms"),
            figure(
                f"Kiwi: recall@10 on {kq['queries']} labelled queries", round(kq["recall_at_10"], 3)
            ),  # fmt: skip
            figure(f"Kiwi: MRR on {kq['queries']} labelled queries", round(kq["mrr"], 3)),
        ]
    return {
        "institutions": m["institutions"],
        "fill": fill,
        "measure": m,
        "kiwi": kiwi,
        "figures": figures,
        "notes": (
            "Missed by bigrams: "
            + (", ".join(q["misses"]) or "none")
            + "."
            + (
                " Missed by Kiwi: " + (", ".join(kiwi["quality"]["misses"]) or "none") + "."
                if kiwi
                else " Kiwi not installed: not measured."
            )
        ),
    }


def details(result: dict) -> str:
    f = result["fill"]
    reused = (
        " This run measured again on the database a previous `--portal-keep` run filled"
        " (`--portal-reuse`); the fill and index times are that run's."
        if f.get("reused")
        else ""
    )
    return f"""Filled in {f["fill_seconds"]:.0f} s (cloned schemas, bulk rows) and indexed
with the real sources (`portal.public.rebuild`) in {f["index_seconds"]:.0f} s.{reused} Each search
is `portal.search.run` as the page and the API call it: the page of 20 with highlights,
links and citations, the count and the facets (type, institution, facility kind,
district). The naive scan answers the same query over every institution's own tables
(facilities, notices, programs, pages) with `ILIKE` on every word in one `UNION ALL`: the
page of 20 (title matches first) and the count, no facets. Each query is answered by
both, one right after the other (which goes first alternates), so a change in the shared
machine's load during the run weighs on both sides alike. The first five queries warm up
and are not timed. Queries matching more than 1,000 entries are answered
from the one-in-ten sample (count and facets marked "about"); see docs/portal.md
"Speed" for the design and the EXPLAIN ANALYZE figures behind it. The Kiwi rows rebuild
every entry's vectors with Kiwi's morphemes (nouns, roots, verbs, latin words, numbers;
particles and endings dropped) and run the same queries; the choice is in docs/portal.md.
"""


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--step"]:
        _setup_django()
        name, *rest = argv[1:]
        print(json.dumps(STEPS[name](*rest), default=str))
        return 0
    from bench.__main__ import main as bench_main

    return bench_main(["portal_search", *argv])


if __name__ == "__main__":
    raise SystemExit(main())
