"""`make bench` / `python -m bench`: run every benchmark, or a named subset, and write
docs/performance.md (one section per benchmark; sections not run are kept).

    python -m bench                      # all, in the registry's order
    python -m bench load faults          # a subset (or: make bench ONLY=load,faults)
    python -m bench --list               # what there is
    python -m bench --quick tenancy      # smaller sizes, for a quick look

Every benchmark runs against databases and servers of its own on this machine
(loopback only, bounded in time); see bench/README.md.
"""

import argparse
import json
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.common import ROOT, VAR, load_average, machine
from bench.registry import BENCHMARKS


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    p.add_argument(
        "--only", default="", help="comma-separated names (what make bench ONLY= passes)"
    )
    p.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    p.add_argument("--quick", action="store_true", help="smaller sizes: a quick look, not a report")
    p.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    p.add_argument("--no-write", action="store_true", help="print results, leave the report alone")
    p.add_argument(
        "--render-only",
        action="store_true",
        help="write the named sections from their last results (var/bench/<name>.json), run nothing",
    )
    for name, module in BENCHMARKS.items():
        add = getattr(module, "add_arguments", None)
        if add is not None:
            add(p.add_argument_group(name))
    return p


def selected(args) -> list[str]:
    wanted = [*args.names, *[n for n in args.only.replace(" ", ",").split(",") if n]]
    unknown = [n for n in wanted if n not in BENCHMARKS]
    if unknown:
        raise SystemExit(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}"
        )
    return wanted or list(BENCHMARKS)


def run_one(name: str, args) -> dict:
    module = BENCHMARKS[name]
    print(f"━━ {name}: {module.TITLE}", flush=True)
    before = load_average()
    started = time.perf_counter()
    try:
        result = module.run(args)
    except Exception:  # noqa: BLE001 — one benchmark failing is reported, the rest still run
        result = {"error": traceback.format_exc()}
        print(result["error"], file=sys.stderr, flush=True)
    return {
        "name": name,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_before": before,
        "load_after": load_average(),
        "seconds": time.perf_counter() - started,
        "result": result,
    }


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.list:
        for name, module in BENCHMARKS.items():
            print(f"{name:<16} {module.TITLE}")
        return 0
    fresh, failed = {}, []
    for name in selected(args):
        module = BENCHMARKS[name]
        if args.render_only:
            run = json.loads((VAR / f"{name}.json").read_text())
            details = (
                module.details(run["result"])
                if "error" not in run["result"] and hasattr(module, "details")
                else ""
            )
            fresh[name] = report.section(name, module.TITLE, run, details)
            report.write(
                Path(args.output),
                [(n, m.TITLE) for n, m in BENCHMARKS.items()],
                {name: fresh[name]},
            )
            continue
        run = run_one(name, args)
        result = run["result"]
        details = ""
        if "error" not in result and hasattr(module, "details"):
            details = module.details(result)
        fresh[name] = report.section(name, module.TITLE, run, details)
        VAR.mkdir(parents=True, exist_ok=True)
        (VAR / f"{name}.json").write_text(
            json.dumps(run, ensure_ascii=False, indent=1, default=str)
        )
        verdict = report.overall(result)
        if "error" in result:
            failed.append(name)
        print(f"   {name}: {report.mark(verdict)} ({run['seconds']:.0f} s)", flush=True)
        if not args.no_write and not args.quick:
            # Written after each benchmark, so a long run interrupted keeps what it measured.
            # Only this section: another `make bench` may be writing others meanwhile.
            report.write(
                Path(args.output),
                [(n, m.TITLE) for n, m in BENCHMARKS.items()],
                {name: fresh[name]},
            )
    if args.quick or args.no_write:
        print("\n".join(fresh.values()))
    else:
        print(f"· written to {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
