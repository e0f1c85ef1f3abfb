"""Queries per page: every page and API list people reach, counted with the demo data of
one institution, then with ten times the rows and 100 institutions (the query-count tests
of tests/performance, run here for their table)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, VAR, figure

TITLE = "Queries per page: small data, 10× data and 100 institutions"
LIMIT = 15
TEST = "tests/performance/test_query_counts.py"


def run(args) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "SUITE_QUERY_TABLE": folder,
            "DJANGO_SETTINGS_MODULE": "suite.settings.test",
        }
        print(f"· {TEST} (its own test database)", flush=True)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                TEST,
                "-q",
                "-p",
                "no:warnings",
                "-p",
                "no:cacheprovider",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        VAR.mkdir(parents=True, exist_ok=True)
        (VAR / "queries-pytest.log").write_text(done.stdout[-200_000:] + done.stderr[-20_000:])
        tables = {
            name: json.loads((Path(folder) / f"{name}.json").read_text())
            for name in ("institution", "portal")
            if (Path(folder) / f"{name}.json").exists()
        }
    if not tables:
        raise RuntimeError(f"the query-count tests wrote no table:\n{done.stdout[-4000:]}")
    rows = [dict(row, host=host) for host, table in tables.items() for row in table]
    figures = figures_of(rows)
    figures.append(
        figure("tests", "passed" if done.returncode == 0 else "failed", met=done.returncode == 0)
    )
    return {"rows": rows, "figures": figures}


def _counted(row: dict, size: str) -> int:
    """Statements of the page, the 접속기록 the privacy law asks for aside."""
    return row[size] - row.get("access_record", 0)


def figures_of(rows: list[dict]) -> list[dict]:
    people = [r for r in rows if r["persona"] != "operator"]
    worst_small = max(_counted(r, "small") for r in people)
    worst_big = max(_counted(r, "big") for r in people)
    grew = [r for r in rows if r["big"] > r["small"]]
    over = [r for r in people if max(_counted(r, "small"), _counted(r, "big")) > LIMIT]
    return [
        figure("pages and API lists counted (persona × route)", len(rows)),
        figure(
            "most statements on a staff or resident page, small data",
            worst_small,
            target=f"≤ {LIMIT}",
            met=worst_small <= LIMIT,
        ),
        figure(
            "most statements on a staff or resident page, 10× data and 100 institutions",
            worst_big,
            target=f"≤ {LIMIT}",
            met=worst_big <= LIMIT,
        ),
        figure(
            "pages whose count grows with the data or the institutions",
            len(grew),
            target="0",
            met=not grew,
            note=", ".join(f"{r['path']} {r['small']} → {r['big']}" for r in grew),
        ),
        figure(
            "staff or resident pages over the limit",
            len(over),
            target="0",
            met=not over,
            note=", ".join(f"{r['path']} {_counted(r, 'big')}" for r in over),
        ),
    ]


def details(result: dict) -> str:
    lines = [
        "| host | who | page | status | small | 10× data, 100 institutions | of which 접속기록 |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in sorted(result["rows"], key=lambda r: (r["host"], r["route"], r["persona"])):
        lines.append(
            f"| {r['host']} | {r['persona']} | `{r['path']}` | {r['status']} |"
            f" {r['small']} | {r['big']} | {r.get('access_record', 0)} |"
        )
    return (
        """How: `tests/performance/test_query_counts.py` (run by this benchmark with
`SUITE_QUERY_TABLE` set, in its own test database) seeds institution A with the demo data
of every app, then crawls the links each persona sees — admin, facility manager, staff and
a resident on the institution's host; a resident, an anonymous visitor and the operator on
the portal — following the pages' links and the URLs the API lists, one path per route.
Each path is fetched twice and the second GET counted (`CaptureQueriesContext`, every
statement including `SET search_path`; the first GET may write a read receipt once and
fills caches). Then every list is made ten times as long with bulk-copied rows
(tests/performance/grow.py: documents with their lines and readers, posts and comments,
events, bookings and history, facilities, programs, site pages, audit rows, staff) and 98
institutions are added as public rows with copies of A's portal entries (100 in all), and
the same paths are counted again. The test fails if a staff or resident page passes 15
statements (the 접속기록 a manager's read of personal data must write — five statements of
one short transaction — aside), if any count grows, or if a second GET writes anything
else. There are no exceptions: the 정기대관 pages read every date's closures and clashes
in one query each, the dashboard's blocks read one row past their size instead of
counting, and opening a notification already read writes nothing. Personas of the
staff side share routes: each is counted for the least privileged person who reaches it
(staff, then facility manager, then admin).

"""
        + "\n".join(lines)
        + "\n"
    )
